package dev.sluice.internal;

import java.time.Duration;

/** Engine-wide knobs that tests replace: how retry delays are waited out. */
public final class Settings {
    /** Waits out a retry delay. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /** Sleeps for real (nanosecond precision as far as the platform allows). */
    public static final Sleeper REAL = d -> {
        long nanos = d.toNanos();
        if (nanos > 0) {
            Thread.sleep(nanos / 1_000_000L, (int) (nanos % 1_000_000L));
        }
    };

    private static volatile Sleeper sleeper = REAL;

    /** Task runs kept in full per flow run (older completed ones are dropped past this). */
    public static final int MAX_TASK_RUNS_KEPT = Integer.getInteger("sluice.maxTaskRunsPerFlowRun", 10_000);
    /** Log lines kept per task run. */
    public static final int MAX_LOG_LINES_PER_TASK_RUN = Integer.getInteger("sluice.maxLogLinesPerTaskRun", 1_000);
    /** Log lines kept per flow run. */
    public static final int MAX_LOG_LINES_PER_FLOW_RUN = Integer.getInteger("sluice.maxLogLinesPerFlowRun", 10_000);

    private Settings() {
    }

    public static Sleeper sleeper() {
        return sleeper;
    }

    /** Replaces the sleeper (tests); {@code null} restores real sleeping. */
    public static void setSleeper(Sleeper s) {
        sleeper = s == null ? REAL : s;
    }
}
