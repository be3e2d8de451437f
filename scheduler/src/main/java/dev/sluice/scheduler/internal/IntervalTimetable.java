package dev.sluice.scheduler.internal;

import dev.sluice.scheduler.Schedule;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Slots every {@code every} of elapsed time from an anchor: {@code anchor, anchor + every, ...}.
 * Elapsed time, not wall-clock time, so daylight-saving changes do not move it. The default anchor
 * is 1970-01-01T00:00:00Z, so every process lays the same slots.
 */
public final class IntervalTimetable implements Timetable {
    private static final Instant EPOCH = Instant.EPOCH;
    /** The last time a slot may have: run times are kept, shown and compared as 4-digit years. */
    private static final Instant LAST = Instant.parse("9999-12-31T23:59:59Z");

    private final Duration every;
    private final Instant anchor;
    private final boolean anchored;

    private IntervalTimetable(Duration every, Instant anchor, boolean anchored) {
        this.every = every;
        this.anchor = anchor;
        this.anchored = anchored;
    }

    /**
     * Every {@code every}, from the epoch.
     *
     * @throws IllegalArgumentException if {@code every} is zero or negative
     */
    public static IntervalTimetable of(Duration every) {
        Objects.requireNonNull(every, "interval");
        if (every.isZero() || every.isNegative()) {
            throw new IllegalArgumentException("interval must be positive, was " + every);
        }
        if (every.compareTo(Duration.ofSeconds(1)) < 0) {
            // each slot is a run with rows in the database: a millisecond interval is thousands of runs a second
            throw new IllegalArgumentException("interval must be at least 1 second, was " + every);
        }
        if (every.compareTo(Duration.between(EPOCH, LAST)) > 0) {
            // its first slot after the epoch would come after year 9999: a schedule that never fires
            throw new IllegalArgumentException("interval must be at most " + Duration.between(EPOCH, LAST).toDays()
                    + " days (its first slot would come after year 9999, so it would never fire), was " + every);
        }
        return new IntervalTimetable(every, EPOCH, false);
    }

    @Override
    public Schedule.Kind kind() {
        return Schedule.Kind.INTERVAL;
    }

    @Override
    public String expression() {
        return every.toString();
    }

    @Override
    public Optional<ZoneId> zone() {
        return Optional.empty();
    }

    @Override
    public Optional<Instant> anchor() {
        return anchored ? Optional.of(anchor) : Optional.empty();
    }

    @Override
    public List<Instant> next(int n, Instant from) {
        List<Instant> out = new ArrayList<>(Math.min(n, 256));
        if (n == 0) {
            return out;
        }
        try {
            long k = from.isBefore(anchor) ? 0 : Duration.between(anchor, from).dividedBy(every) + 1;
            Instant t = anchor.plus(every.multipliedBy(k));
            while (out.size() < n) {
                out.add(t);
                t = t.plus(every);
            }
        } catch (ArithmeticException | java.time.DateTimeException e) {
            // past the end of time: fewer slots
        }
        return out;
    }

    @Override
    public String description() {
        return "every " + words(every) + (anchored ? " from " + anchor.atOffset(ZoneOffset.UTC) : "");
    }

    static String words(Duration d) {
        if (d.getNano() == 0) {
            long s = d.getSeconds();
            if (s % 86_400 == 0) {
                return count(s / 86_400, "day");
            }
            if (s % 3_600 == 0) {
                return count(s / 3_600, "hour");
            }
            if (s % 60 == 0) {
                return count(s / 60, "minute");
            }
            return count(s, "second");
        }
        if (d.getNano() % 1_000_000 == 0) {
            return count(d.toMillis(), "millisecond");
        }
        return d.toString();
    }

    private static String count(long n, String unit) {
        return n == 1 ? unit : n + " " + unit + "s";
    }

    @Override
    public String spec() {
        return "interval " + every + (anchored ? " from " + anchor : "");
    }

    @Override
    public Timetable anchoredAt(Instant anchor) {
        Objects.requireNonNull(anchor, "anchor");
        if (anchor.isAfter(LAST)) {
            throw new IllegalArgumentException("anchor must be at most " + LAST + " (a schedule from later never fires), was "
                    + anchor);
        }
        return new IntervalTimetable(every, anchor, true);
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof IntervalTimetable i && i.every.equals(every) && i.anchor.equals(anchor) && i.anchored == anchored;
    }

    @Override
    public int hashCode() {
        return Objects.hash(every, anchor, anchored);
    }

    @Override
    public String toString() {
        return spec();
    }
}
