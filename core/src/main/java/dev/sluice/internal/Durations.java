package dev.sluice.internal;

import java.time.Duration;

/**
 * The longest wait the engine keeps as given: about 73 years, so that a deadline
 * ({@code System.nanoTime()} plus it) and a jittered delay never overflow. A longer timeout or delay
 * ({@code ChronoUnit.FOREVER.getDuration()}) means "as good as never" and is kept as this.
 */
public final class Durations {
    /** A quarter of what {@code long} nanoseconds hold. */
    public static final Duration LONGEST = Duration.ofNanos(Long.MAX_VALUE / 4);

    private Durations() {
    }

    /** {@code d}, or {@link #LONGEST} when longer. */
    public static Duration capped(Duration d) {
        return d.compareTo(LONGEST) > 0 ? LONGEST : d;
    }
}
