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

    /** {@code "250 ms"}, {@code "8.5 s"}, {@code "2 min 5 s"}. */
    public static String human(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        return (ms / 60_000) + " min " + (ms % 60_000) / 1000 + " s";
    }
}
