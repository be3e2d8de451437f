package dev.sluice;

import dev.sluice.internal.Spec;
import org.jspecify.annotations.Nullable;

/**
 * A flow of 3 arguments; made by {@link Flow#of(String, dev.sluice.function.ThrowingTriFunction)}.
 *
 * @param <A> the first argument type
 * @param <B> the second argument type
 * @param <C> the third argument type
 * @param <R> the result type
 */
public final class Flow3<A extends @Nullable Object, B extends @Nullable Object, C extends @Nullable Object, R extends @Nullable Object> extends BaseFlow<Flow3<A, B, C, R>> {
    Flow3(Spec spec) {
        super(spec);
    }

    @Override
    Flow3<A, B, C, R> copy(Spec spec) {
        return new Flow3<>(spec);
    }

    /**
     * Runs the flow and returns its result. An {@link Error} thrown by the body (a crash) is
     * rethrown as is.
     *
     * @throws FlowFailedException if the run failed, timed out or was cancelled
     */
    public R run(A a, B b, C c) {
        return run0(a, b, c);
    }

    /**
     * Runs the flow and returns its record, whatever the outcome; never throws for a failed run. A mistake in
     * the call itself (a run-name placeholder that names no parameter, a default of the wrong type) is an
     * {@code IllegalArgumentException}, thrown before any run starts.
     */
    public FlowRun<R> runForState(A a, B b, C c) {
        return runForState0(a, b, c);
    }
}
