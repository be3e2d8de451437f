package dev.sluice.scheduler.internal;

import dev.sluice.scheduler.Schedule;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/** What a {@link Schedule} delegates to: one kind of slot sequence. Immutable and thread-safe. */
public interface Timetable {
    /** The kind of schedule. */
    Schedule.Kind kind();

    /** The expression as given: the cron expression, the RRULE, or the ISO-8601 interval. */
    String expression();

    /** The zone wall-clock occurrences are computed in; empty for intervals. */
    Optional<ZoneId> zone();

    /** The anchor: an interval's first slot, or an RRULE's start; empty if the default is used. */
    Optional<Instant> anchor();

    /** At most {@code n} slot times strictly after {@code from}, strictly increasing. */
    List<Instant> next(int n, Instant from);

    /** A description in words, such as {@code every day at 06:00 Europe/Berlin}. */
    String description();

    /** The text {@code Schedule.parse} reads back. */
    String spec();

    /**
     * A copy anchored at {@code anchor}.
     *
     * @throws IllegalStateException if this kind has no anchor
     */
    Timetable anchoredAt(Instant anchor);
}
