package dev.sluice;

import dev.sluice.internal.Spec;
import org.jspecify.annotations.Nullable;

/**
 * A task of three arguments; made by {@link Task#of(String, dev.sluice.function.ThrowingTriFunction)}.
 *
 * @param <A> the first argument type
 * @param <B> the second argument type
 * @param <C> the third argument type
 * @param <R> the result type
 */
public final class Task3<A extends @Nullable Object, B extends @Nullable Object, C extends @Nullable Object, R extends @Nullable Object> extends BaseTask<Task3<A, B, C, R>> {
    Task3(Spec spec) {
        super(spec);
    }

    @Override
    Task3<A, B, C, R> copy(Spec spec) {
        return new Task3<>(spec);
    }

    /**
     * Runs the task and returns its result.
     * An {@link Error} thrown by the body (the run is {@link State#CRASHED}) is rethrown as is.
     *
     * @throws TaskFailedException if the run failed, timed out or was cancelled
     */
    public R run(A a, B b, C c) {
        return run0(a, b, c);
    }

    /** Starts the task concurrently. */
    public TaskFuture<R> submit(A a, B b, C c) {
        return submit0(a, b, c);
    }
}
