package dev.sluice;

import org.jspecify.annotations.Nullable;

/**
 * Waiting for a {@link TaskFuture} did not give its outcome: the waiting thread was interrupted,
 * the wait given to {@link TaskFuture#join(java.time.Duration)} ran out while the run goes on, or
 * a submitted run failed and nobody joined its future (then it fails the flow run that submitted it).
 * The run's own failure, when there is one, is a {@link TaskFailedException}.
 */
public final class TaskFutureException extends SluiceException {
    private static final long serialVersionUID = 1L;

    /** An exception with a message and its cause. */
    public TaskFutureException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
