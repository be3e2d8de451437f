package dev.sluice.scheduler.internal;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.List;

/**
 * The one rule that turns a wall-clock time in a zone into an instant (ORCHESTRATION.md): a time that
 * exists once is that instant; a time in a spring-forward gap is the first instant after the gap
 * (the transition itself); a time in a fall-back overlap is its earlier instant. Equivalently: the
 * first instant whose wall clock reads at least the given time. The mapping never decreases as the
 * wall-clock time grows.
 */
public final class DstRule {
    private DstRule() {
    }

    /** The instant {@code local} stands for in {@code zone}, by the rule above. */
    public static Instant resolve(LocalDateTime local, ZoneId zone) {
        ZoneRules rules = zone.getRules();
        List<ZoneOffset> offsets = rules.getValidOffsets(local);
        if (offsets.size() == 1) {
            return local.toInstant(offsets.get(0));
        }
        if (offsets.isEmpty()) {
            ZoneOffsetTransition gap = rules.getTransition(local);
            return gap.getInstant();
        }
        Instant first = local.toInstant(offsets.get(0));
        Instant second = local.toInstant(offsets.get(1));
        return first.isBefore(second) ? first : second;
    }
}
