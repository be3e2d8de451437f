package dev.sluice;

/**
 * The state of a task run or flow run. A run moves from {@link #PENDING} (or {@link #SCHEDULED}
 * when submitted) through {@link #RUNNING} (and {@link #RETRYING} between attempts) to exactly one
 * terminal state.
 */
public enum State {
    /** Submitted and waiting for a free slot. */
    SCHEDULED(false),
    /** Created, not started yet. */
    PENDING(false),
    /** An attempt is running. */
    RUNNING(false),
    /** An attempt failed; waiting for the next one. */
    RETRYING(false),
    /** Finished with a result. */
    COMPLETED(true),
    /** Finished with a result read from the cache; the body did not run. */
    CACHED(true),
    /** Finished with an exception, after all retries. */
    FAILED(true),
    /** The body threw an {@link Error} (out of memory, stack overflow, ...). Never retried. */
    CRASHED(true),
    /** Cancelled or interrupted before finishing. Never retried. */
    CANCELLED(true),
    /** The last attempt did not finish before its timeout. */
    TIMED_OUT(true);

    private final boolean terminal;

    State(boolean terminal) {
        this.terminal = terminal;
    }

    /** True for the states a run never leaves. */
    public boolean isTerminal() {
        return terminal;
    }

    /** True for {@link #COMPLETED} and {@link #CACHED}: the run has a result. */
    public boolean isSuccess() {
        return this == COMPLETED || this == CACHED;
    }
}
