package dev.sluice;

import dev.sluice.function.ThrowingBiFunction;
import dev.sluice.function.ThrowingFunction;
import dev.sluice.function.ThrowingSupplier;
import dev.sluice.function.ThrowingTriFunction;
import dev.sluice.internal.Spec;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A named function of one argument whose calls are recorded as flow runs: the task runs it makes
 * belong to the run, it can be retried and timed out, and hooks see its outcome. A flow called
 * inside a flow is a subflow run. Immutable; also the entry point for flows of 0, 2 and 3
 * arguments.
 *
 * <pre>{@code
 * Flow<String, Integer> etl = Flow.of("daily-etl", (String city) -> load.run(transform.run(extract.run(city))))
 *         .onFailure(run -> alert(run));
 * int loaded = etl.run("Boston");                  // the result, or FlowFailedException
 * FlowRun<Integer> run = etl.runForState("Boston"); // the record, whatever the outcome
 * }</pre>
 *
 * @param <A> the argument type
 * @param <R> the result type
 */
public final class Flow<A extends @Nullable Object, R extends @Nullable Object> extends BaseFlow<Flow<A, R>> {
    Flow(Spec spec) {
        super(spec);
    }

    /**
     * The name and options of a flow whose body comes last, so its types are inferred from the
     * variable it is assigned to (see {@link FlowBuilder}).
     *
     * @throws IllegalArgumentException if the name is null, blank or holds a control character (a line break, a tab)
     */
    public static FlowBuilder named(String name) {
        return new FlowBuilder(Spec.unbound(Spec.Kind.FLOW, name));
    }

    /** A flow of no arguments. */
    public static <R extends @Nullable Object> Flow0<R> of(String name, ThrowingSupplier<R> body) {
        Objects.requireNonNull(body, "body");
        return new Flow0<>(Spec.of(Spec.Kind.FLOW, name, 0, body, a -> body.get()));
    }

    /** A flow of one argument. */
    @SuppressWarnings("unchecked")
    public static <A extends @Nullable Object, R extends @Nullable Object> Flow<A, R> of(String name, ThrowingFunction<A, R> body) {
        Objects.requireNonNull(body, "body");
        return new Flow<>(Spec.of(Spec.Kind.FLOW, name, 1, body, a -> body.apply((A) a[0])));
    }

    /** A flow of two arguments. */
    @SuppressWarnings("unchecked")
    public static <A extends @Nullable Object, B extends @Nullable Object, R extends @Nullable Object> Flow2<A, B, R> of(String name, ThrowingBiFunction<A, B, R> body) {
        Objects.requireNonNull(body, "body");
        return new Flow2<>(Spec.of(Spec.Kind.FLOW, name, 2, body, a -> body.apply((A) a[0], (B) a[1])));
    }

    /** A flow of three arguments. */
    @SuppressWarnings("unchecked")
    public static <A extends @Nullable Object, B extends @Nullable Object, C extends @Nullable Object, R extends @Nullable Object> Flow3<A, B, C, R> of(String name, ThrowingTriFunction<A, B, C, R> body) {
        Objects.requireNonNull(body, "body");
        return new Flow3<>(Spec.of(Spec.Kind.FLOW, name, 3, body, a -> body.apply((A) a[0], (B) a[1], (C) a[2])));
    }

    @Override
    Flow<A, R> copy(Spec spec) {
        return new Flow<>(spec);
    }

    /**
     * Runs the flow and returns its result. An {@link Error} thrown by the body (a crash) is
     * rethrown as is.
     *
     * @throws FlowFailedException if the run failed, timed out or was cancelled
     */
    public R run(A a) {
        return run0(a);
    }

    /**
     * Runs the flow and returns its record, whatever the outcome; never throws for a failed run. A mistake in
     * the call itself (a run-name placeholder that names no parameter, a default of the wrong type) is an
     * {@code IllegalArgumentException}, thrown before any run starts.
     */
    public FlowRun<R> runForState(A a) {
        return runForState0(a);
    }
}
