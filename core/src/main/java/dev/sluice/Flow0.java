package dev.sluice;

import dev.sluice.internal.Spec;
import org.jspecify.annotations.Nullable;

/**
 * A flow of no arguments; made by {@link Flow#of(String, dev.sluice.function.ThrowingSupplier)}.
 *
 * @param <R> the result type
 */
public final class Flow0<R extends @Nullable Object> extends BaseFlow<Flow0<R>> {
    Flow0(Spec spec) {
        super(spec);
    }

    @Override
    Flow0<R> copy(Spec spec) {
        return new Flow0<>(spec);
    }

    /**
     * Runs the flow and returns its result. An {@link Error} thrown by the body (a crash) is
     * rethrown as is.
     *
     * @throws FlowFailedException if the run failed, timed out or was cancelled
     */
    public R run() {
        return run0();
    }

    /**
     * Runs the flow and returns its record, whatever the outcome; never throws for a failed run. A mistake in
     * the call itself (a run-name placeholder that names no parameter, a default of the wrong type) is an
     * {@code IllegalArgumentException}, thrown before any run starts.
     */
    public FlowRun<R> runForState() {
        return runForState0();
    }
}
