package dev.sluice;

import java.time.Duration;

/**
 * Waits out a delay: a retry's backoff, a server's {@code Retry-After}. A {@link SluiceRuntime}
 * holds one, so tests can give a runtime a sleeper that records the delays instead of waiting them.
 *
 * <pre>{@code
 * List<Duration> waited = new CopyOnWriteArrayList<>();
 * SluiceRuntime runtime = SluiceRuntime.builder().sleeper(waited::add).build();
 * }</pre>
 */
@FunctionalInterface
public interface Sleeper {
    /**
     * Returns after {@code duration} (at once for zero or a negative duration).
     *
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    void sleep(Duration duration) throws InterruptedException;

    /** Sleeps for real, with the precision the platform gives. */
    static Sleeper system() {
        return SystemSleeper.INSTANCE;
    }
}

/** The real sleeper. */
enum SystemSleeper implements Sleeper {
    INSTANCE;

    @Override
    public void sleep(Duration duration) throws InterruptedException {
        long nanos;
        try {
            nanos = duration.toNanos();
        } catch (ArithmeticException tooLong) {
            nanos = Long.MAX_VALUE;
        }
        if (nanos > 0) {
            Thread.sleep(nanos / 1_000_000L, (int) (nanos % 1_000_000L));
        } else if (Thread.interrupted()) {
            throw new InterruptedException();
        }
    }
}
