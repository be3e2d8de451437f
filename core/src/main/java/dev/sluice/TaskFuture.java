package dev.sluice;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The pending result of a submitted task run ({@code task.submit(...)}). Inside a flow, the flow
 * waits for every submitted run before it ends; a run that failed and was never joined fails the
 * flow, so no failure goes unseen.
 *
 * @param <R> the task's result type
 */
public interface TaskFuture<R extends @Nullable Object> {
    /**
     * Waits for the run and returns its result.
     *
     * @throws TaskFailedException if the run failed, timed out or was cancelled
     */
    R join();

    /**
     * Waits at most {@code timeout} for the run.
     *
     * @throws TaskFailedException if the run failed, timed out or was cancelled
     * @throws SluiceException if the run is still going on after {@code timeout}
     */
    R join(Duration timeout);

    /** The task run (a live view). */
    TaskRun run();

    /** The run's current state. */
    default State state() {
        return run().state();
    }

    /** True once the run reached a terminal state. */
    boolean isDone();

    /**
     * Cancels the run: one not started yet never starts; a running one is interrupted.
     *
     * @return false if the run had already finished
     */
    boolean cancel();

    /** A {@link CompletableFuture} view, for composing with other async code. */
    CompletableFuture<R> toCompletableFuture();
}
