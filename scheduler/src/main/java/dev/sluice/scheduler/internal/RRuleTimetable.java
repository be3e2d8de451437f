package dev.sluice.scheduler.internal;

import dev.sluice.scheduler.Schedule;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import org.dmfs.rfc5545.DateTime;
import org.dmfs.rfc5545.recur.Freq;
import org.dmfs.rfc5545.recur.InvalidRecurrenceRuleException;
import org.dmfs.rfc5545.recur.RecurrenceRule;
import org.dmfs.rfc5545.recur.RecurrenceRuleIterator;
import org.jspecify.annotations.Nullable;

/**
 * An RFC 5545 recurrence rule, expanded by lib-recur on floating (zone-less) wall-clock times from
 * a start (DTSTART); daylight-saving changes are left to {@link DstRule}. Parts the rule leaves out
 * (the minute of {@code BYHOUR=9}, the weekday of a bare {@code FREQ=WEEKLY}) come from the start,
 * which is midnight on 1 January 1970 unless the schedule is anchored. {@code UNTIL} may be a
 * local time ({@code 20261231T000000}), a date, or UTC ({@code ...Z}).
 */
public final class RRuleTimetable extends LocalTimetable {
    /** The start when none is given: fixed, so every process computes the same slots. */
    static final LocalDateTime DEFAULT_START = LocalDateTime.of(1970, 1, 1, 0, 0);
    private static final DateTimeFormatter BASIC = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss", Locale.ROOT);

    private final String expression;
    /** The rule without UNTIL, for fresh copies: lib-recur's {@code iterator()} writes to its rule, so each iteration parses its own. */
    private final String ruleText;
    /** Read only (getters), never iterated, so it can be shared between threads. */
    private final RecurrenceRule rule;
    private final LocalDateTime start;
    private final @Nullable Instant anchor;
    private final @Nullable Instant untilInstant;
    private final @Nullable LocalDateTime untilLocal;

    private RRuleTimetable(String expression, String ruleText, RecurrenceRule rule, LocalDateTime start, @Nullable Instant anchor,
            @Nullable Instant untilInstant, @Nullable LocalDateTime untilLocal, ZoneId zone) {
        super(zone);
        this.expression = expression;
        this.ruleText = ruleText;
        this.rule = rule;
        this.start = start;
        this.anchor = anchor;
        this.untilInstant = untilInstant;
        this.untilLocal = untilLocal;
    }

    /**
     * Parses {@code expression} strictly (RFC 5545), with an optional {@code RRULE:} prefix.
     *
     * @throws IllegalArgumentException if it does not parse or yields no occurrence
     */
    public static RRuleTimetable of(String expression, ZoneId zone) {
        return of(expression, zone, null);
    }

    private static RRuleTimetable of(String expression, ZoneId zone, @Nullable Instant anchor) {
        Objects.requireNonNull(expression, "rrule");
        Objects.requireNonNull(zone, "zone");
        String given = expression.trim();
        if (given.regionMatches(true, 0, "RRULE:", 0, 6)) {
            given = given.substring(6).trim();
        }
        if (given.isEmpty()) {
            throw new IllegalArgumentException("rrule must not be blank");
        }
        Instant untilInstant = null;
        LocalDateTime untilLocal = null;
        List<String> parts = new ArrayList<>();
        for (String part : given.split(";")) {
            if (part.isBlank()) {
                continue;
            }
            if (part.toUpperCase(Locale.ROOT).startsWith("UNTIL=")) {
                if (untilInstant != null || untilLocal != null) {
                    throw new IllegalArgumentException("invalid RRULE '" + given + "': UNTIL appears twice");
                }
                String value = part.substring(6).trim();
                try {
                    if (value.matches("\\d{8}")) {
                        untilLocal = LocalDate.parse(value, DateTimeFormatter.BASIC_ISO_DATE).atTime(23, 59, 59);
                    } else if (value.matches("\\d{8}T\\d{6}Z")) {
                        untilInstant = LocalDateTime.parse(value.substring(0, 15), BASIC).toInstant(ZoneOffset.UTC);
                    } else {
                        untilLocal = LocalDateTime.parse(value, BASIC);
                    }
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException("invalid RRULE '" + given + "': UNTIL '" + value
                            + "' is not a date (20261231), a local time (20261231T090000) or a UTC time (20261231T080000Z)", e);
                }
            } else {
                parts.add(part.trim());
            }
        }
        String ruleText = String.join(";", parts);
        RecurrenceRule rule;
        try {
            rule = new RecurrenceRule(ruleText, RecurrenceRule.RfcMode.RFC5545_STRICT);
        } catch (InvalidRecurrenceRuleException | IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid RRULE '" + given + "': " + e.getMessage(), e);
        }
        if (rule.getCount() != null && (untilInstant != null || untilLocal != null)) {
            // RFC 5545: COUNT and UNTIL MUST NOT occur in the same rule; which one would end it is anyone's guess
            throw new IllegalArgumentException("invalid RRULE '" + given + "': COUNT and UNTIL must not both be given"
                    + " (RFC 5545); keep the one that should end it");
        }
        LocalDateTime start = anchor == null ? DEFAULT_START
                : LocalDateTime.ofInstant(anchor, zone).truncatedTo(ChronoUnit.SECONDS);
        RRuleTimetable timetable = new RRuleTimetable(given, ruleText, rule, start, anchor, untilInstant, untilLocal, zone);
        if (!timetable.localsAfter(start.minusSeconds(1)).hasNext()) {
            throw new IllegalArgumentException("RRULE '" + given + "' yields no occurrence"
                    + (anchor == null ? "" : " from " + start) + " (check BYMONTHDAY against BYMONTH, and UNTIL)");
        }
        return timetable;
    }

    @Override
    Iterator<LocalDateTime> localsAfter(LocalDateTime given) {
        // no occurrence before the start, however far back (LocalDateTime.MIN) given is
        LocalDateTime after = given.isBefore(start) ? start.minusSeconds(1) : given;
        LocalDateTime from = shiftedStart(after);
        RecurrenceRuleIterator it;
        try {
            it = fresh().iterator(floating(from));
            if (after.isAfter(from)) {
                it.fastForward(floating(after.truncatedTo(ChronoUnit.SECONDS)));
            }
        } catch (IllegalArgumentException e) {
            // lib-recur's guard against rules that never match ("too many filtered recurrence instances")
            return Collections.emptyIterator();
        }
        return new Iterator<>() {
            private @Nullable LocalDateTime next;
            private boolean done;

            @Override
            public boolean hasNext() {
                while (next == null && !done) {
                    LocalDateTime candidate = null;
                    try {
                        if (it.hasNext()) {
                            candidate = local(it.nextDateTime());
                        }
                    } catch (IllegalArgumentException e) {
                        // lib-recur's guard against rules that stop matching ("too many empty recurrence sets")
                        candidate = null;
                    }
                    if (candidate == null || beyondUntil(candidate)) {
                        done = true;
                    } else if (candidate.isAfter(after)) {
                        next = candidate;
                    }
                }
                return next != null;
            }

            @Override
            public LocalDateTime next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                LocalDateTime n = Objects.requireNonNull(next);
                next = null;
                return n;
            }
        };
    }

    private RecurrenceRule fresh() {
        try {
            return new RecurrenceRule(ruleText, RecurrenceRule.RfcMode.RFC5545_STRICT);
        } catch (InvalidRecurrenceRuleException e) {
            throw new IllegalStateException("RRULE '" + ruleText + "' parsed once and not again", e);
        }
    }

    private boolean beyondUntil(LocalDateTime candidate) {
        if (untilLocal != null && candidate.isAfter(untilLocal)) {
            return true;
        }
        return untilInstant != null && DstRule.resolve(candidate, zone).isAfter(untilInstant);
    }

    /**
     * A start equivalent to {@link #start} for every occurrence after {@code after}, but close to
     * it, so sub-monthly rules need not be expanded from 1970: moving DTSTART by whole multiples of
     * (INTERVAL × period) does not change a rule's later occurrences, unless it counts them.
     */
    private LocalDateTime shiftedStart(LocalDateTime after) {
        if (rule.getCount() != null) {
            return start;
        }
        long periodSeconds = switch (rule.getFreq()) {
            case SECONDLY -> 1;
            case MINUTELY -> 60;
            case HOURLY -> 3600;
            case DAILY -> 86_400;
            case WEEKLY -> 7 * 86_400;
            default -> 0;
        };
        if (periodSeconds == 0) {
            return start;
        }
        LocalDateTime target = after.minusDays(2);
        if (!target.isAfter(start)) {
            return start;
        }
        long step = periodSeconds * rule.getInterval();
        long periods = Duration.between(start, target).getSeconds() / step;
        return start.plusSeconds(periods * step);
    }

    private static DateTime floating(LocalDateTime t) {
        return new DateTime(t.getYear(), t.getMonthValue() - 1, t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond());
    }

    private static LocalDateTime local(DateTime t) {
        return LocalDateTime.of(t.getYear(), t.getMonth() + 1, t.getDayOfMonth(), t.getHours(), t.getMinutes(), t.getSeconds());
    }

    @Override
    public Schedule.Kind kind() {
        return Schedule.Kind.RRULE;
    }

    @Override
    public String expression() {
        return expression;
    }

    @Override
    public Optional<Instant> anchor() {
        return Optional.ofNullable(anchor);
    }

    @Override
    public String description() {
        String from = anchor == null ? "" : " from " + start;
        String words = RRuleWords.describe(rule, start, " " + zone.getId() + from, untilLocal, untilInstant);
        return words == null ? "RRULE '" + expression + "' in " + zone.getId() + from : words;
    }

    @Override
    public String spec() {
        return "rrule " + expression + " in " + zone.getId() + (anchor == null ? "" : " from " + anchor);
    }

    @Override
    public Timetable anchoredAt(Instant anchor) {
        Objects.requireNonNull(anchor, "anchor");
        return of(expression, zone, anchor);
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof RRuleTimetable r && r.expression.equals(expression) && r.zone.equals(zone)
                && Objects.equals(r.anchor, anchor);
    }

    @Override
    public int hashCode() {
        return Objects.hash(expression, zone, anchor);
    }

    static boolean isSubDaily(Freq freq) {
        return freq == Freq.HOURLY || freq == Freq.MINUTELY || freq == Freq.SECONDLY;
    }
}
