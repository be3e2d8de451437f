package dev.sluice.scheduler;

import dev.sluice.scheduler.internal.CronTimetable;
import dev.sluice.scheduler.internal.IntervalTimetable;
import dev.sluice.scheduler.internal.RRuleTimetable;
import dev.sluice.scheduler.internal.Timetable;
import dev.sluice.scheduler.internal.Zones;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import org.jspecify.annotations.Nullable;

/**
 * When a deployment runs: an interval, a cron expression or an RFC 5545 recurrence rule. Immutable,
 * compared by value, and the same in every process: slot times depend only on the schedule, never
 * on when or where they are computed.
 *
 * <pre>{@code
 * Schedule daily    = Schedule.cron("0 6 * * *", ZoneId.of("Europe/Berlin"));       // every day at 06:00 Europe/Berlin
 * Schedule weekends = Schedule.rrule("FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=9", ZoneId.of("Europe/Berlin"));
 * Schedule quarter  = Schedule.interval(Duration.ofMinutes(15)).anchoredAt(Instant.parse("2026-01-01T00:00:00Z"));
 *
 * List<Instant> slots = daily.next(3, Instant.now());             // the next three slots, strictly after now
 * String text = daily.description();                              // "every day at 06:00 Europe/Berlin"
 * boolean same = Schedule.parse(daily.toString()).equals(daily);  // true: the text form is for storage and the CLI
 * }</pre>
 *
 * <h2>Wall-clock time and daylight saving</h2>
 * Cron and RRULE occurrences are wall-clock times in the schedule's zone, turned into instants by one
 * rule: a time that exists once is that instant; a time in a spring-forward gap (02:30 on the night
 * clocks jump from 02:00 to 03:00) fires at the first instant after the gap (03:00); a time in a
 * fall-back overlap (01:30 on the night 01:00–02:00 happens twice) fires once, at the earlier offset.
 * Several times in one gap make one slot. An interval counts elapsed time and ignores the zone.
 *
 * <h2>Bad input</h2>
 * A schedule that cannot fire is refused when it is made, with an {@link IllegalArgumentException}
 * naming the problem: a cron expression no date matches ({@code 0 0 30 2 *}), an RRULE that yields
 * nothing, an unknown zone name, a zero or negative interval, an interval whose first slot would come
 * after year 9999.
 */
public final class Schedule {
    private static final java.util.regex.Pattern SPEC = java.util.regex.Pattern.compile(
            "\\s*(interval|cron|rrule)\\s+(.+?)(?:\\s+in\\s+(\\S+))?(?:\\s+from\\s+(\\S+))?\\s*");
    private static final int MAX_PREVIEW = 100_000;

    /** The kinds of schedule. */
    public enum Kind {
        /** Every fixed duration of elapsed time from an anchor. */
        INTERVAL,
        /** A cron expression in a zone. */
        CRON,
        /** An RFC 5545 recurrence rule in a zone. */
        RRULE
    }

    private final Timetable timetable;

    private Schedule(Timetable timetable) {
        this.timetable = timetable;
    }

    /**
     * Every {@code every} of elapsed time, from 1970-01-01T00:00:00Z unless {@linkplain #anchoredAt
     * anchored}: {@code Schedule.interval(Duration.ofMinutes(15))} fires at :00, :15, :30 and :45 UTC.
     *
     * @throws IllegalArgumentException if {@code every} is shorter than 1 second (each slot is a run), or so long
     *     that its first slot would come after year 9999 (it would never fire)
     */
    public static Schedule interval(Duration every) {
        return new Schedule(IntervalTimetable.of(every));
    }

    /**
     * A cron expression evaluated on the wall clock of {@code zone}: 5 fields
     * ({@code minute hour day-of-month month day-of-week}, e.g. {@code "0 6 * * MON-FRI"}), 6 fields
     * with seconds first ({@code "30 0 6 * * *"}), or a macro: {@code @hourly}, {@code @daily}
     * (or {@code @midnight}), {@code @weekly} (Sunday 00:00), {@code @monthly}, {@code @yearly} (or
     * {@code @annually}). As in Unix cron, when both day-of-month and day-of-week are restricted (neither
     * starts with {@code *}), a day matching either fires; otherwise a day must match both
     * ({@code "0 0 1-7 * MON"}: the 1st to 7th and every Monday; {@code "0 0 *&#47;2 * MON"}: Mondays on odd days).
     *
     * @throws IllegalArgumentException if the expression does not parse, or no date matches it
     */
    public static Schedule cron(String expression, ZoneId zone) {
        return new Schedule(CronTimetable.of(expression, Objects.requireNonNull(zone, "zone")));
    }

    /**
     * {@link #cron(String, ZoneId)} with the zone by name ({@code "Europe/Berlin"}).
     *
     * @throws IllegalArgumentException also for an unknown zone, suggesting the closest known name
     */
    public static Schedule cron(String expression, String zone) {
        return cron(expression, Zones.of(zone));
    }

    /**
     * An RFC 5545 recurrence rule ({@code "FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=9"}, an {@code RRULE:}
     * prefix allowed) on the wall clock of {@code zone}, parsed strictly. The parts a rule leaves out
     * come from its start (DTSTART): midnight on 1 January 1970 in the zone, unless
     * {@linkplain #anchoredAt anchored}; so {@code BYHOUR=9} fires at 09:00:00 and a bare
     * {@code FREQ=WEEKLY} on Thursdays. {@code COUNT} or {@code UNTIL} (a date, a local time, or UTC
     * with {@code Z}; not both, as RFC 5545 says) ends it; counted from that start, {@code FREQ=DAILY;COUNT=3} ended in 1970: anchor
     * such a rule where it should start ({@link #anchoredAt}). A worker warns of a schedule with no time
     * after now.
     *
     * @throws IllegalArgumentException if the rule does not parse or yields no occurrence
     */
    public static Schedule rrule(String rule, ZoneId zone) {
        return new Schedule(RRuleTimetable.of(rule, Objects.requireNonNull(zone, "zone")));
    }

    /**
     * {@link #rrule(String, ZoneId)} with the zone by name.
     *
     * @throws IllegalArgumentException also for an unknown zone, suggesting the closest known name
     */
    public static Schedule rrule(String rule, String zone) {
        return rrule(rule, Zones.of(zone));
    }

    /**
     * Reads the text form {@link #toString()} writes: {@code interval PT15M},
     * {@code interval PT15M from 2026-01-01T00:00:00Z}, {@code cron 0 6 * * * in Europe/Berlin},
     * {@code rrule FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=9 in Europe/Berlin}, optionally
     * {@code ... from <instant>} for an anchored RRULE.
     *
     * @throws IllegalArgumentException for text of another shape, or a schedule the factories refuse
     */
    public static Schedule parse(String text) {
        Objects.requireNonNull(text, "schedule");
        Matcher m = SPEC.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("cannot read schedule '" + text
                    + "'; expected 'interval PT15M [from <instant>]', 'cron <expression> in <zone>' or 'rrule <rule> in <zone> [from <instant>]'");
        }
        String kind = m.group(1);
        String body = m.group(2);
        String zone = m.group(3);
        String from = m.group(4);
        Schedule schedule;
        if (kind.equals("interval")) {
            if (zone != null) {
                throw new IllegalArgumentException("cannot read schedule '" + text + "': an interval has no zone");
            }
            try {
                schedule = interval(Duration.parse(body));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("cannot read schedule '" + text + "': '" + body
                        + "' is not an ISO-8601 duration like PT15M", e);
            }
        } else {
            if (zone == null) {
                throw new IllegalArgumentException("cannot read schedule '" + text + "': a " + kind
                        + " schedule needs ' in <zone>'");
            }
            if (kind.equals("cron") && from != null) {
                throw new IllegalArgumentException("cannot read schedule '" + text + "': a cron schedule has no anchor");
            }
            schedule = kind.equals("cron") ? cron(body, zone) : rrule(body, zone);
        }
        if (from != null) {
            try {
                schedule = schedule.anchoredAt(Instant.parse(from));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("cannot read schedule '" + text + "': '" + from
                        + "' is not an instant like 2026-01-01T00:00:00Z", e);
            }
        }
        return schedule;
    }

    /**
     * A copy anchored at {@code anchor}: an interval's first slot (slots are {@code anchor + k × every},
     * {@code k >= 0}), or an RRULE's start (DTSTART, as wall-clock time in its zone, to the second).
     *
     * @throws IllegalStateException for a cron schedule, which has no anchor
     * @throws IllegalArgumentException if an anchored RRULE yields no occurrence, or an interval's anchor is after
     *     year 9999
     */
    public Schedule anchoredAt(Instant anchor) {
        return new Schedule(timetable.anchoredAt(Objects.requireNonNull(anchor, "anchor")));
    }

    /** The kind of schedule. */
    public Kind kind() {
        return timetable.kind();
    }

    /** The expression: the cron expression or RRULE as given (trimmed), or the interval in ISO-8601 ({@code PT15M}). */
    public String expression() {
        return timetable.expression();
    }

    /** The zone occurrences are computed in; empty for an interval. */
    public Optional<ZoneId> zone() {
        return timetable.zone();
    }

    /** The anchor given to {@link #anchoredAt}, if any. */
    public Optional<Instant> anchor() {
        return timetable.anchor();
    }

    /**
     * The next {@code n} slot times strictly after {@code from}, strictly increasing; fewer if the
     * schedule ends (an RRULE with {@code COUNT} or {@code UNTIL}), or runs past the last year an
     * {@link Instant} holds. Any instant may be {@code from}: a cron schedule fires in any year, an RRULE
     * or interval from its start. Never a time before its occurrence: a slot's wall clock reads at least
     * the time the schedule names.
     *
     * @throws IllegalArgumentException if {@code n} is negative or more than 100,000
     */
    public List<Instant> next(int n, Instant from) {
        Objects.requireNonNull(from, "from");
        if (n < 0 || n > MAX_PREVIEW) {
            throw new IllegalArgumentException("n must be between 0 and " + MAX_PREVIEW + ", was " + n);
        }
        return List.copyOf(timetable.next(n, from));
    }

    /** The first slot time strictly after {@code from}; empty if the schedule has ended. */
    public Optional<Instant> next(Instant from) {
        List<Instant> one = next(1, from);
        return one.isEmpty() ? Optional.empty() : Optional.of(one.get(0));
    }

    /**
     * The schedule in words: {@code every day at 06:00 Europe/Berlin},
     * {@code every 15 minutes from 2026-01-01T00:00Z},
     * {@code weekly on Saturday and Sunday at 09:00 Europe/Berlin}. Shapes without a wording are
     * described by their expression ({@code cron '0 0 13 * 5' in Europe/Berlin}).
     */
    public String description() {
        return timetable.description();
    }

    /** The text form {@link #parse} reads, such as {@code cron 0 6 * * * in Europe/Berlin}. */
    @Override
    public String toString() {
        return timetable.spec();
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof Schedule s && s.timetable.equals(timetable);
    }

    @Override
    public int hashCode() {
        return timetable.hashCode();
    }
}
