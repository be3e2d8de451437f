package dev.sluice.scheduler.internal;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * A schedule whose occurrences are wall-clock times in a zone (cron, RRULE): the wall-clock
 * sequence is turned into instants by {@link DstRule}. Several wall-clock times that fall in one
 * spring-forward gap resolve to one instant, so they make one slot.
 */
abstract class LocalTimetable implements Timetable {
    final ZoneId zone;

    LocalTimetable(ZoneId zone) {
        this.zone = zone;
    }

    /** Wall-clock occurrences strictly after {@code after}, ascending; finite or not. */
    abstract Iterator<LocalDateTime> localsAfter(LocalDateTime after);

    @Override
    public final Optional<ZoneId> zone() {
        return Optional.of(zone);
    }

    @Override
    public List<Instant> next(int n, Instant from) {
        List<Instant> out = new ArrayList<>(Math.min(n, 256));
        if (n == 0) {
            return out;
        }
        // No wall-clock time at or before from's own reading can resolve to an instant after from.
        LocalDateTime after;
        try {
            after = LocalDateTime.ofInstant(from, zone);
        } catch (DateTimeException e) {
            // beyond the years a wall clock can read (Instant.MIN, Instant.MAX): every time of the wall clock is after
            // an instant before them, none after one past them
            if (from.isAfter(Instant.EPOCH)) {
                return out;
            }
            after = LocalDateTime.MIN;
        }
        try {
            Iterator<LocalDateTime> locals = localsAfter(after);
            Instant last = from;
            while (out.size() < n && locals.hasNext()) {
                Instant slot = DstRule.resolve(locals.next(), zone);
                if (slot.isAfter(last)) {
                    out.add(slot);
                    last = slot;
                }
            }
        } catch (DateTimeException | ArithmeticException e) {
            // past the last year a wall clock reads: fewer slots, as for an interval
        }
        return out;
    }

    @Override
    public final String toString() {
        return spec();
    }
}
