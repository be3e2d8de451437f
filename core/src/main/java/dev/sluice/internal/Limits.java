package dev.sluice.internal;

/**
 * How much a run keeps in memory, read once from system properties: fixed for the life of the JVM,
 * like the JDK's own {@code -D} limits.
 */
final class Limits {
    /** Task runs kept in full per flow run (older completed ones are dropped past this). */
    static final int MAX_TASK_RUNS_KEPT = Integer.getInteger("sluice.maxTaskRunsPerFlowRun", 10_000);
    /** Log lines kept per task run. */
    static final int MAX_LOG_LINES_PER_TASK_RUN = Integer.getInteger("sluice.maxLogLinesPerTaskRun", 1_000);
    /** Log lines kept per flow run. */
    static final int MAX_LOG_LINES_PER_FLOW_RUN = Integer.getInteger("sluice.maxLogLinesPerFlowRun", 10_000);

    private Limits() {
    }
}
