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
     * Waits for the run and returns its result. If no worker has started it yet, the caller runs it
     * itself (inside a run under a concurrency bound, only if that run holds a slot of the bound,
     * which it lends), so runs joining runs they submitted never deadlock a bounded flow.
     *
     * @throws TaskFailedException if the run failed, timed out or was cancelled
     */
    R join();

    /**
     * Waits at most {@code timeout} for the run. Like {@link #join()}, a run no worker has started
     * yet is started by the caller (when it may lend its concurrency slot), on a thread of its own so
     * that the wait still ends at the timeout; a run still going on then goes on.
     *
     * @throws TaskFailedException if the run failed, timed out or was cancelled
     * @throws SluiceException if the run has not ended after {@code timeout} (the message says
     *     whether it never started or is still running)
     * @throws IllegalArgumentException if {@code timeout} is negative
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
