package dev.sluice.scheduler;

/** Where a deployment's run is: waiting, going, or how it ended (the flow run's own state, or skipped). */
public enum RunStatus {
    /** Created, waiting for its time, a worker or a concurrency slot. */
    SCHEDULED(false),
    /** Claimed by a worker and running. */
    RUNNING(false),
    /** The flow run completed. */
    COMPLETED(true),
    /** The flow run failed. */
    FAILED(true),
    /** Cancelled before or while it ran. */
    CANCELLED(true),
    /** Its worker died while running it. */
    CRASHED(true),
    /** The flow run timed out. */
    TIMED_OUT(true),
    /** Not run: the overlap policy ({@link Overlap#SKIP}, {@link Overlap#QUEUE_ONE}) left it out. */
    SKIPPED(true);

    private final boolean finished;

    RunStatus(boolean finished) {
        this.finished = finished;
    }

    /** Whether it will not change any more. */
    public boolean isFinished() {
        return finished;
    }
}
