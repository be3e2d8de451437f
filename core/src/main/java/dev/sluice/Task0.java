package dev.sluice;

import dev.sluice.internal.Spec;
import org.jspecify.annotations.Nullable;

/**
 * A task of no arguments; made by {@link Task#of(String, dev.sluice.function.ThrowingSupplier)}.
 *
 * @param <R> the result type
 */
public final class Task0<R extends @Nullable Object> extends BaseTask<Task0<R>> {
    Task0(Spec spec) {
        super(spec);
    }

    @Override
    Task0<R> copy(Spec spec) {
        return new Task0<>(spec);
    }

    /**
     * Runs the task and returns its result.
     * An {@link Error} thrown by the body (the run is {@link State#CRASHED}) is rethrown as is.
     *
     * @throws TaskFailedException if the run failed, timed out or was cancelled
     */
    public R run() {
        return run0();
    }

    /** Starts the task concurrently. */
    public TaskFuture<R> submit() {
        return submit0();
    }
}
