package dev.sluice;

/**
 * Thrown by {@code task.run(...)} and {@link TaskFuture#join()} when a task run ends in
 * {@link State#FAILED}, {@link State#TIMED_OUT} or {@link State#CANCELLED}. The cause is the
 * exception the body threw on its last attempt, with its own stack; {@link #run()} has the whole
 * record. When a message anywhere in the cause chain (causes and suppressed exceptions) holds a
 * revealed secret, the cause is a masked copy instead: same messages with the secrets masked, the
 * original type's name at the start of each message, the same stack traces.
 */
public class TaskFailedException extends SluiceException {
    private static final long serialVersionUID = 1L;

    private final transient TaskRun run;
    /** The cause as thrown (unmasked), for retry conditions; never handed out. */
    private final transient @org.jspecify.annotations.Nullable Throwable thrown;

    /** An exception for {@code run}, caused by {@code cause}. */
    public TaskFailedException(TaskRun run, String message, Throwable cause) {
        super(dev.sluice.internal.Masker.mask(message), cause == null ? null : dev.sluice.internal.Masker.maskThrowable(cause));
        this.run = run;
        this.thrown = cause;
    }

    /** The task run that failed. */
    public TaskRun run() {
        return run;
    }

    /** The state the run ended in. */
    public State state() {
        return run.state();
    }

    /** The cause as the body threw it (before masking), or null. */
    @org.jspecify.annotations.Nullable Throwable thrown() {
        return thrown;
    }
}
