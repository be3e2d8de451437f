package dev.sluice.cli.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Times on the command line: {@code 30s}, {@code 15m}, {@code 2h}, {@code 1d}, {@code 1w} or ISO-8601 ({@code PT1H30M}) ago,
 * an ISO instant, or a local time or date of this machine's zone (the one tables show times in).
 */
final class Durations {
    private static final Pattern AGO = Pattern.compile("(\\d+)\\s*([smhdw])");

    private Durations() {
    }

    /** The instant {@code text} names, relative to {@code now} when it is a duration. */
    static Instant since(String text, Instant now) {
        String t = text.strip();
        IllegalArgumentException wrong = new IllegalArgumentException("'" + text + "' is neither a duration (30s, 15m, 2h, 1d,"
                + " 1w, PT1H30M) nor an ISO instant (2026-12-01T06:00:00Z, 2026-12-01T07:00:00+01:00), local time (2026-12-01T07:00) or date (2026-12-01)");
        try {
            Duration ago = shortForm(t);
            if (ago == null && (t.startsWith("P") || t.startsWith("p"))) {
                ago = Duration.parse(t); // ISO-8601, as every duration on the command line
                if (ago.isNegative()) {
                    throw wrong;
                }
            }
            if (ago != null) {
                return now.minus(ago);
            }
        } catch (ArithmeticException | java.time.DateTimeException e) {
            throw wrong; // more days than there are, or no ISO-8601 duration
        }
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException e) {
            // with an offset, or a date?
        }
        try {
            return java.time.OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException e) {
            // a date?
        }
        // a date or a time without a zone: of this machine's zone, in which the tables show when runs started
        try {
            return java.time.LocalDateTime.parse(t).atZone(java.time.ZoneId.systemDefault()).toInstant();
        } catch (DateTimeParseException e) {
            // a date?
        }
        try {
            return LocalDate.parse(t).atStartOfDay(java.time.ZoneId.systemDefault()).toInstant();
        } catch (DateTimeParseException e) {
            throw wrong;
        }
    }

    /** The length {@code text} names in the short form ({@code 30s}, {@code 15m}, {@code 2h}, {@code 1d}, {@code 1w}), or null. */
    private static @org.jspecify.annotations.Nullable Duration shortForm(String text) {
        Matcher m = AGO.matcher(text);
        if (!m.matches()) {
            return null;
        }
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new ArithmeticException("too long: " + text);
        }
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofDays(Math.multiplyExact(7, n));
        };
    }

    /** The length {@code text} names: {@code 30s}, {@code 15m}, {@code 2h}, {@code 1d}, {@code 1w}, or ISO-8601 ({@code PT90S}). */
    static Duration length(String text, String option) {
        String t = text.strip();
        try {
            Duration brief = shortForm(t);
            if (brief != null) {
                return brief;
            }
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(option + " '" + text + "' is longer than any duration");
        }
        try {
            Duration d = Duration.parse(t);
            if (!d.isNegative()) {
                return d;
            }
        } catch (DateTimeParseException e) {
            // said below
        }
        throw new IllegalArgumentException(option + " '" + text + "' is not a duration: write 30s, 15m, 2h, 1d, 1w or PT1H30M");
    }

    /** A duration for people: {@code 850ms}, {@code 12.3s}, {@code 4m05s}, {@code 2h03m}. */
    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms < 1_000) {
            return ms + "ms";
        }
        if (ms < 60_000) {
            return String.format(java.util.Locale.ROOT, "%.1fs", ms / 1000.0);
        }
        long s = d.getSeconds();
        if (s < 3_600) {
            return String.format(java.util.Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(java.util.Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }
}
