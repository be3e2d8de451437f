package dev.sluice.scheduler;

/**
 * A worker was not started because another one serves the same SQLite file: one serving JVM per SQLite
 * file (PostgreSQL takes any number). The message names the other worker.
 */
public final class WorkerRefusedException extends SchedulerException {
    private static final long serialVersionUID = 1L;

    /** With the message saying who serves the file. */
    public WorkerRefusedException(String message) {
        super(message);
    }
}
