package dev.sluice;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A server's request to wait before trying again: the HTTP {@code Retry-After} header, read the
 * one way every module reads it, and the {@link Hint} an exception carries so that a
 * {@link RetryPolicy} waits what the server asked (up to {@link RetryPolicy#maxRetryAfter()}).
 *
 * <pre>{@code
 * Optional<Duration> wait = RetryAfter.parse(response.headers().firstValue("Retry-After").orElse(null), clock.instant());
 * }</pre>
 */
public final class RetryAfter {
    private static final List<DateTimeFormatter> DATES = List.of(
            // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
            DateTimeFormatter.RFC_1123_DATE_TIME,
            // obsolete RFC 850 form: Sunday, 06-Nov-94 08:49:37 GMT
            new DateTimeFormatterBuilder().parseCaseInsensitive().appendPattern("EEEE, dd-MMM-")
                    .appendValueReduced(ChronoField.YEAR, 2, 2, 1970)
                    .appendPattern(" HH:mm:ss zzz").toFormatter(Locale.ENGLISH),
            // obsolete asctime form: Sun Nov  6 08:49:37 1994
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ENGLISH).withZone(ZoneOffset.UTC));

    /**
     * Implemented by exceptions that carry a server-given wait (a 429 or 503 with {@code Retry-After},
     * Slack's {@code ratelimited}): a retry waits that long instead of the policy's own delay.
     */
    public interface Hint {
        /** How long the server asked to wait, if it did. */
        Optional<Duration> retryAfter();
    }

    /** Seconds with a decimal fraction, as some servers send them: {@code 1.5}. */
    private static final java.util.regex.Pattern DECIMAL = java.util.regex.Pattern.compile("[0-9]+\\.[0-9]+");

    private RetryAfter() {
    }

    /**
     * How long a {@code Retry-After} value asks to wait from {@code now}: delay-seconds (a decimal
     * fraction is rounded up to the millisecond), or an HTTP-date in any of the three forms of
     * RFC 9110 section 5.6.7. A date in the past is zero; an absent or unreadable value (a negative
     * number, or a number in any other form, such as {@code 1e3}) is empty.
     */
    public static Optional<Duration> parse(@Nullable String value, Instant now) {
        Objects.requireNonNull(now, "now");
        if (value == null) {
            return Optional.empty();
        }
        String v = value.trim();
        if (v.isEmpty()) {
            return Optional.empty();
        }
        char first = v.charAt(0);
        if (first >= '0' && first <= '9') {
            return seconds(v);
        }
        for (DateTimeFormatter f : DATES) {
            try {
                Instant at = ZonedDateTime.parse(v, f).toInstant();
                Duration d = Duration.between(now, at);
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (DateTimeParseException e) {
                // try the next form
            }
        }
        return Optional.empty();
    }

    /** {@link #parse(String, Instant)} from the clock's current instant. */
    public static Optional<Duration> parse(@Nullable String value, Clock clock) {
        return parse(value, Objects.requireNonNull(clock, "clock").instant());
    }

    private static Optional<Duration> seconds(String v) {
        if (v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            if (v.length() > 12) {
                return Optional.of(Duration.ofSeconds(999_999_999_999L)); // absurdly long: the cap decides
            }
            return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
        }
        // digits, a point and digits: not what else Java reads as a number (1e3, 2d, 0x1p4), which no server means
        if (!DECIMAL.matcher(v).matches()) {
            return Optional.empty();
        }
        if (v.indexOf('.') > 12) {
            return Optional.of(Duration.ofSeconds(999_999_999_999L)); // absurdly long: the cap decides
        }
        double seconds = Double.parseDouble(v);
        return Optional.of(Duration.ofMillis((long) Math.ceil(seconds * 1000)));
    }

    /** The wait asked by the first {@link Hint} in {@code error}'s cause chain, if any. */
    public static Optional<Duration> requestedBy(@Nullable Throwable error) {
        int depth = 0;
        for (Throwable t = error; t != null && depth < 32; t = t.getCause(), depth++) {
            if (t instanceof Hint hint) {
                Optional<Duration> d = hint.retryAfter();
                if (d.isPresent()) {
                    return d;
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return Optional.empty();
    }
}
