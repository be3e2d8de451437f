package dev.sluice.scheduler.internal;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.sluice.scheduler.Schedule;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A cron schedule: cron-utils parses the expression and finds the next matching wall-clock time;
 * it is asked in UTC, where no wall-clock time is skipped or repeated, so daylight-saving changes
 * are left to {@link DstRule} alone.
 */
public final class CronTimetable extends LocalTimetable {
    private static final CronParser FIVE_FIELDS = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final CronParser SIX_FIELDS = new CronParser(withSeconds());
    private static final Map<String, String> MACROS = Map.of(
            "@yearly", "0 0 1 1 *",
            "@annually", "0 0 1 1 *",
            "@monthly", "0 0 1 * *",
            "@weekly", "0 0 * * 0",
            "@daily", "0 0 * * *",
            "@midnight", "0 0 * * *",
            "@hourly", "0 * * * *");
    /** Where "does it ever fire?" is asked from: fixed, so the answer never depends on the clock. */
    private static final ZonedDateTime PROBE = ZonedDateTime.of(2000, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

    private final String expression;
    private final String fields;
    private final ExecutionTime execution;
    /** When a day must match both day fields (one of them starts with '*'): the day-of-week test; else null. */
    private final @Nullable ExecutionTime weekdays;

    private CronTimetable(String expression, String fields, ExecutionTime execution, @Nullable ExecutionTime weekdays,
            ZoneId zone) {
        super(zone);
        this.expression = expression;
        this.fields = fields;
        this.execution = execution;
        this.weekdays = weekdays;
    }

    /**
     * Parses {@code expression}: 5 fields (minute hour day-of-month month day-of-week), 6 fields
     * (seconds first), or a macro ({@code @hourly}, {@code @daily}/{@code @midnight},
     * {@code @weekly}, {@code @monthly}, {@code @yearly}/{@code @annually}).
     *
     * @throws IllegalArgumentException if it does not parse or never fires
     */
    public static CronTimetable of(String expression, ZoneId zone) {
        Objects.requireNonNull(expression, "cron expression");
        Objects.requireNonNull(zone, "zone");
        String given = expression.trim().replaceAll("\\s+", " ");
        if (given.isEmpty()) {
            throw new IllegalArgumentException("cron expression must not be blank");
        }
        String fields = given;
        if (given.startsWith("@")) {
            String expanded = MACROS.get(given.toLowerCase(Locale.ROOT));
            if (expanded == null) {
                throw new IllegalArgumentException("unknown cron macro '" + given
                        + "'; known: @hourly, @daily, @midnight, @weekly, @monthly, @yearly, @annually");
            }
            fields = expanded;
        }
        int count = fields.split(" ").length;
        if (count != 5 && count != 6) {
            throw new IllegalArgumentException("cron expression '" + given + "' has " + count
                    + " fields; expected 5 (minute hour day-of-month month day-of-week) or 6 (second first)");
        }
        Cron cron;
        try {
            cron = (count == 5 ? FIVE_FIELDS : SIX_FIELDS).parse(fields);
            cron.validate();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid cron expression '" + given + "': " + e.getMessage(), e);
        }
        ExecutionTime execution = ExecutionTime.forCron(cron);
        ExecutionTime weekdays = null;
        String[] parts = fields.split(" ");
        int dom = count - 3;
        int dow = count - 1;
        if (!parts[dom].equals("*") && !parts[dow].equals("*")
                && (parts[dom].startsWith("*") || parts[dow].startsWith("*"))) {
            // Unix cron matches either day field only when both are restricted, that is neither starts with '*':
            // "0 0 */2 * MON" is a Monday on an odd day. cron-utils matches either field here, so the days come from
            // the day of month alone and are kept when the day of week matches too.
            String[] byDay = parts.clone();
            byDay[dow] = "*";
            String[] byWeekday = parts.clone();
            byWeekday[dom] = "*";
            CronParser parser = count == 5 ? FIVE_FIELDS : SIX_FIELDS;
            execution = ExecutionTime.forCron(parser.parse(String.join(" ", byDay)));
            weekdays = ExecutionTime.forCron(parser.parse(String.join(" ", byWeekday)));
        }
        CronTimetable timetable = new CronTimetable(given, fields, execution, weekdays, zone);
        if (!timetable.localsAfter(PROBE.toLocalDateTime()).hasNext()) {
            throw new IllegalArgumentException("cron expression '" + given
                    + "' never fires: no date matches it (check the day of month against the month)");
        }
        return timetable;
    }

    private static CronDefinition withSeconds() {
        // cron-utils' UNIX definition with a seconds field in front
        return CronDefinitionBuilder.defineCron()
                .withSeconds().withValidRange(0, 59).withStrictRange().and()
                .withMinutes().withValidRange(0, 59).withStrictRange().and()
                .withHours().withValidRange(0, 23).withStrictRange().and()
                .withDayOfMonth().withValidRange(1, 31).withStrictRange().and()
                .withMonth().withValidRange(1, 12).withStrictRange().and()
                .withDayOfWeek().withValidRange(0, 7).withMondayDoWValue(1).withIntMapping(7, 0).withStrictRange().and()
                .instance();
    }

    @Override
    Iterator<LocalDateTime> localsAfter(LocalDateTime after) {
        // cron-utils loses slots before year 1 (it goes on from year 0, or finds none); the Gregorian calendar, weekdays
        // included, repeats every 400 years, and so does a wall-clock pattern: early years are asked 400 × k years later
        long shift = after.getYear() >= 1_000 ? 0 : (2_000L - after.getYear()) / 400 * 400;
        Iterator<LocalDateTime> shifted = cronUtilsLocalsAfter(after.plusYears(shift));
        if (shift == 0) {
            return shifted;
        }
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return shifted.hasNext();
            }

            @Override
            public LocalDateTime next() {
                return shifted.next().minusYears(shift);
            }
        };
    }

    private Iterator<LocalDateTime> cronUtilsLocalsAfter(LocalDateTime after) {
        return new Iterator<>() {
            private @Nullable LocalDateTime cursor = after.truncatedTo(ChronoUnit.SECONDS);
            private @Nullable LocalDateTime next;

            @Override
            public boolean hasNext() {
                if (next == null && cursor != null) {
                    Optional<ZonedDateTime> found = execution.nextExecution(cursor.atZone(ZoneOffset.UTC));
                    // a day of month and day of week pair recurs within 400 years (the Gregorian cycle), or never
                    int lastYear = cursor.getYear() + 400;
                    while (weekdays != null && found.isPresent() && !weekdays.isMatch(found.get())) {
                        found = found.get().getYear() > lastYear ? Optional.empty()
                                : execution.nextExecution(found.get().toLocalDate().atTime(23, 59, 59).atZone(ZoneOffset.UTC));
                    }
                    next = found.map(ZonedDateTime::toLocalDateTime).orElse(null);
                    cursor = next;
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

    @Override
    public Schedule.Kind kind() {
        return Schedule.Kind.CRON;
    }

    @Override
    public String expression() {
        return expression;
    }

    @Override
    public Optional<Instant> anchor() {
        return Optional.empty();
    }

    @Override
    public String description() {
        return CronWords.describe(fields, expression) + " " + zone.getId();
    }

    @Override
    public String spec() {
        return "cron " + expression + " in " + zone.getId();
    }

    @Override
    public Timetable anchoredAt(Instant anchor) {
        throw new IllegalStateException("a cron schedule has no anchor ('" + expression
                + "' fires whenever the wall clock matches); anchoredAt applies to interval and RRULE schedules");
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof CronTimetable c && c.expression.equals(expression) && c.zone.equals(zone);
    }

    @Override
    public int hashCode() {
        return Objects.hash(expression, zone);
    }
}
