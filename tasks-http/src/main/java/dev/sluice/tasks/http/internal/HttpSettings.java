package dev.sluice.tasks.http.internal;

import java.time.Clock;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * How the HTTP tasks wait and tell the time: replaced by tests so that a {@code Retry-After: 120}
 * is checked without waiting two minutes.
 */
public final class HttpSettings {
    /** Waits out a retry delay. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private static final Sleeper REAL = d -> {
        long nanos = d.toNanos();
        if (nanos > 0) {
            Thread.sleep(nanos / 1_000_000L, (int) (nanos % 1_000_000L));
        }
    };

    private static volatile Sleeper sleeper = REAL;
    private static volatile Clock clock = Clock.systemUTC();

    private HttpSettings() {
    }

    public static Sleeper sleeper() {
        return sleeper;
    }

    /** Replaces the sleeper; {@code null} restores real sleeping. */
    public static void setSleeper(@Nullable Sleeper s) {
        sleeper = s == null ? REAL : s;
    }

    public static Clock clock() {
        return clock;
    }

    /** Replaces the clock (HTTP dates in {@code Retry-After}, token expiry); {@code null} restores the system clock. */
    public static void setClock(@Nullable Clock c) {
        clock = c == null ? Clock.systemUTC() : c;
    }
}
