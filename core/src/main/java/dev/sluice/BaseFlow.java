package dev.sluice;

import dev.sluice.internal.Engine;
import dev.sluice.internal.FlowRunRecord;
import dev.sluice.internal.Spec;
import org.jspecify.annotations.Nullable;

/**
 * What every flow has, whatever its number of arguments. Create flows with {@code Flow.of}.
 *
 * @param <S> the concrete flow type
 */
public abstract sealed class BaseFlow<S extends BaseFlow<S>> extends Definition<S, FlowRun<?>>
        permits Flow0, Flow, Flow2, Flow3 {
    BaseFlow(Spec spec) {
        super(spec);
    }

    /** A copy that runs at most {@code n} submitted task runs at once; the rest wait their turn. */
    public final S withMaxConcurrency(int n) {
        return copy(spec.withMaxConcurrency(n));
    }

    /** The bound on concurrently running submitted task runs (0 = none). */
    public final int maxConcurrency() {
        return spec.maxConcurrency();
    }

    @SuppressWarnings("unchecked")
    final <R> FlowRun<R> runForState0(@Nullable Object... args) {
        return (FlowRun<R>) (FlowRun<?>) Engine.runFlow(spec, args);
    }

    @SuppressWarnings("unchecked")
    final <R> @Nullable R run0(@Nullable Object... args) {
        FlowRunRecord run = Engine.runFlow(spec, args);
        if (run.state().isSuccess()) {
            return (R) run.result();
        }
        if (run.failure() instanceof Error error) {
            throw error;
        }
        throw Engine.flowFailed(run);
    }
}
