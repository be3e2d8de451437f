package dev.sluice;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The pending result of a submitted task run ({@code task.submit(...)}). Inside a flow, the flow
 * waits for every submitted run before it ends; a run that failed and was never joined fails the
 * flow, so no failure goes unseen. A run counts as joined once its outcome (its result or its
 * failure) was handed to someone: by {@link #join()}, by a {@link #join(Duration)} that did not
 * time out, by the {@link #toCompletableFuture()} view's methods that hand over a failure, or by
 * {@link #cancel()} (the caller chose its fate). A join that timed out saw nothing.
 *
 * @param <R> the task's result type
 */
public interface TaskFuture<R extends @Nullable Object> {
    /**
     * Waits for the run and returns its result. If no worker has started it yet, the caller runs it
     * itself (inside a run under a concurrency bound, only if that run holds a slot of the bound,
     * which it lends), so runs joining runs they submitted never deadlock a bounded flow. An
     * {@link Error} thrown by the body (the run is {@link State#CRASHED}) is rethrown as is.
     *
     * @throws TaskFailedException if the run failed, timed out or was cancelled
     * @throws IllegalStateException if the run has not ended and this is called from its own body
     *     (or code given its context) or from a task run that body called with {@code run}, which
     *     would wait for ever; so do {@code join} and {@code get} of the {@link #toCompletableFuture()} view
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
     * Cancels the run: one not started yet never starts; a running one is interrupted. Either way
     * the run ends {@link State#CANCELLED} at once ({@link #isDone()} is true and {@link #join()}
     * throws the cancellation when this returns), whatever a body that ignores the interrupt does
     * after; its result is dropped, and the task runs or subflows it starts are refused with an
     * {@link IllegalStateException}.
     *
     * @return false if the run had already finished
     */
    boolean cancel();

    /**
     * A {@link CompletableFuture} view, for composing with other async code; each call makes a new
     * one, and completing it does not complete the run. Its methods that hand the run's failure to
     * the caller count as joining the run: {@code join}, {@code get}, {@code getNow},
     * {@code exceptionally}, {@code exceptionallyCompose}, {@code handle}, {@code whenComplete} and
     * their async forms, on the view or on a stage made from it. {@code thenApply},
     * {@code thenAccept} and the like alone do not (nor {@code isCompletedExceptionally}), so a
     * failure only they saw still fails the flow. {@code join} and {@code get} run a queued run as
     * {@link #join()} does; {@code cancel} on the view cancels the run as {@link #cancel()} does.
     */
    CompletableFuture<R> toCompletableFuture();
}
