package dev.sluice;

import dev.sluice.internal.Spec;
import org.jspecify.annotations.Nullable;

/**
 * A flow of 2 arguments; made by {@link Flow#of(String, dev.sluice.function.ThrowingBiFunction)}.
 *
 * @param <A> the first argument type
 * @param <B> the second argument type
 * @param <R> the result type
 */
public final class Flow2<A extends @Nullable Object, B extends @Nullable Object, R extends @Nullable Object> extends BaseFlow<Flow2<A, B, R>> {
    Flow2(Spec spec) {
        super(spec);
    }

    @Override
    Flow2<A, B, R> copy(Spec spec) {
        return new Flow2<>(spec);
    }

    /**
     * Runs the flow and returns its result. An {@link Error} thrown by the body (a crash) is
     * rethrown as is.
     *
     * @throws FlowFailedException if the run failed, timed out or was cancelled
     */
    public R run(A a, B b) {
        return run0(a, b);
    }

    /**
     * Runs the flow and returns its record, whatever the outcome; never throws for a failed run. A mistake in
     * the call itself (a run-name placeholder that names no parameter, a default of the wrong type) is an
     * {@code IllegalArgumentException}, thrown before any run starts.
     */
    public FlowRun<R> runForState(A a, B b) {
        return runForState0(a, b);
    }
}
