package dev.sluice.tasks.http.internal;

import dev.sluice.internal.Settings;
import dev.sluice.internal.Settings.Sleeper;

import java.time.Clock;
import org.jspecify.annotations.Nullable;

/**
 * How the HTTP tasks wait and tell the time: replaced by tests so that a {@code Retry-After: 120}
 * is checked without waiting two minutes.
 */
public final class HttpSettings {
    /** Kept apart from the engine's sleeper so tests can fake HTTP waits alone. */
    private static volatile Sleeper sleeper = Settings.REAL;
    private static volatile Clock clock = Clock.systemUTC();

    private HttpSettings() {
    }

    public static Sleeper sleeper() {
        return sleeper;
    }

    /** Replaces the sleeper; {@code null} restores real sleeping. */
    public static void setSleeper(@Nullable Sleeper s) {
        sleeper = s == null ? Settings.REAL : s;
    }

    public static Clock clock() {
        return clock;
    }

    /** Replaces the clock (HTTP dates in {@code Retry-After}, token expiry); {@code null} restores the system clock. */
    public static void setClock(@Nullable Clock c) {
        clock = c == null ? Clock.systemUTC() : c;
    }
}
