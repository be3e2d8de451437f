package dev.sluice.scheduler.internal;

import dev.sluice.scheduler.CatchUp;
import dev.sluice.scheduler.Deployment;
import dev.sluice.scheduler.Schedule;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Which slots of a deployment to create now: pure, without a database or a clock of its own, so the
 * database part only adds the unique (deployment, slot) insert and remembers the last slot created.
 *
 * <p>Given the last slot already created ({@code null} if none), "now" and the catch-up policy:
 * <ul>
 *   <li>if the last slot is at or after now, nothing: the upcoming slot exists already;</li>
 *   <li>missed slots, strictly between the last slot and now: none for {@link CatchUp#NONE}; the
 *       latest for {@link CatchUp#LATEST}; all of them, oldest first, for {@link CatchUp#ALL} — in
 *       both cases only those at most {@code window} old when a window is set;</li>
 *   <li>then the upcoming slot: the first at or after now (a slot exactly at now is on time, not
 *       missed).</li>
 * </ul>
 * Without a last slot (a new deployment) nothing is missed: the past is never replayed, and neither
 * is it after a schedule edit, since the last slot is kept. Every slot returned is after the last
 * slot and after the one before it, so applying a plan and planning again never gives a slot twice.
 * On resuming a paused deployment, pass the resume time as the last slot if the slots of the pause
 * are not to be caught up.
 */
public final class SlotPlanner {
    private static final Duration FIRST_PROBE = Duration.ofMinutes(1);

    private SlotPlanner() {
    }

    /**
     * A slot to create.
     *
     * @param time the slot time
     * @param missed whether it was missed (before now) and is being caught up
     */
    public record PlannedSlot(Instant time, boolean missed) {
        /** Checks the time is present. */
        public PlannedSlot {
            Objects.requireNonNull(time, "time");
        }
    }

    /** {@link #plan(List, Instant, Instant, CatchUp, Duration, int)} with the deployment's schedules and policy. */
    public static List<PlannedSlot> plan(Deployment deployment, @Nullable Instant lastSlot, Instant now, int limit) {
        return plan(deployment.schedules(), lastSlot, now, deployment.catchUp(), deployment.catchUpWindow().orElse(null), limit);
    }

    /**
     * The slots to create, oldest first, at most {@code limit} (the rest come on the next call, after
     * the caller has recorded the last one created).
     *
     * @throws IllegalArgumentException if {@code limit} is less than 1, or {@code ALL} has no window
     */
    public static List<PlannedSlot> plan(List<Schedule> schedules, @Nullable Instant lastSlot, Instant now, CatchUp catchUp,
            @Nullable Duration window, int limit) {
        Objects.requireNonNull(schedules, "schedules");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(catchUp, "catchUp");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        if (catchUp == CatchUp.ALL && window == null) {
            throw new IllegalArgumentException("catchUp ALL needs a window");
        }
        List<PlannedSlot> out = new ArrayList<>();
        if (schedules.isEmpty() || (lastSlot != null && !lastSlot.isBefore(now))) {
            return out;
        }
        Instant oldest = window == null ? null : now.minus(window);
        if (lastSlot != null && catchUp == CatchUp.LATEST) {
            Instant latest = latestBetween(schedules, lastSlot, now);
            if (latest != null && (oldest == null || !latest.isBefore(oldest))) {
                out.add(new PlannedSlot(latest, true));
            }
        } else if (lastSlot != null && catchUp == CatchUp.ALL) {
            Instant after = oldest != null && oldest.isAfter(lastSlot) ? oldest.minusNanos(1) : lastSlot;
            for (Instant s = firstAfter(schedules, after); s != null && s.isBefore(now) && out.size() < limit;
                    s = firstAfter(schedules, s)) {
                out.add(new PlannedSlot(s, true));
            }
        }
        if (out.size() < limit) {
            Instant upcoming = firstAfter(schedules, now.minusNanos(1));
            if (upcoming != null && (lastSlot == null || upcoming.isAfter(lastSlot))) {
                out.add(new PlannedSlot(upcoming, false));
            }
        }
        return out;
    }

    /** The earliest slot of any schedule strictly after {@code from}. */
    static @Nullable Instant firstAfter(List<Schedule> schedules, Instant from) {
        Instant first = null;
        for (Schedule s : schedules) {
            Optional<Instant> next = s.next(from);
            if (next.isPresent() && (first == null || next.get().isBefore(first))) {
                first = next.get();
            }
        }
        return first;
    }

    /**
     * The latest slot strictly between {@code after} and {@code before}, found by looking back from
     * {@code before} over windows that double, so a long downtime costs a few look-ups, not one per
     * missed slot.
     */
    static @Nullable Instant latestBetween(List<Schedule> schedules, Instant after, Instant before) {
        Duration back = FIRST_PROBE;
        while (true) {
            Instant probe = before.minus(back);
            boolean whole = !probe.isAfter(after);
            Instant from = whole ? after : probe;
            Instant s = firstAfter(schedules, from);
            if (s != null && s.isBefore(before)) {
                Instant next;
                while ((next = firstAfter(schedules, s)) != null && next.isBefore(before)) {
                    s = next;
                }
                return s;
            }
            if (whole) {
                return null;
            }
            back = back.multipliedBy(2);
        }
    }
}
