package dev.sluice.internal;

import java.time.Duration;
import java.util.Locale;

/** Small text helpers for messages people read: counts and durations. */
public final class Texts {
    private Texts() {
    }

    /** {@code "1 attempt"}, {@code "3 attempts"}. */
    public static String plural(long n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }

    /** {@code Type: message}, masked, for state messages and exception messages. */
    public static String summary(Throwable t) {
        String message = t.getMessage();
        String type = t instanceof dev.sluice.SluiceException ? t.getClass().getSimpleName() : t.getClass().getName();
        return Masker.mask(message == null || message.isEmpty() ? type : type + ": " + message);
    }

    /** {@code "250 ms"}, {@code "8.5 s"}, {@code "2 min 5 s"}, {@code "1 h"}, {@code "3 h 20 min"}. */
    public static String human(Duration d) {
        long ms;
        try {
            ms = d.toMillis();
        } catch (ArithmeticException tooLong) {
            return d.toDays() + " days";
        }
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        if (ms < 3_600_000) {
            long s = (ms % 60_000) / 1000;
            return (ms / 60_000) + " min" + (s == 0 ? "" : " " + s + " s");
        }
        long min = (ms % 3_600_000) / 60_000;
        return (ms / 3_600_000) + " h" + (min == 0 ? "" : " " + min + " min");
    }
}
