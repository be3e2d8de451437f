package dev.sluice;

import dev.sluice.function.ThrowingBiFunction;
import dev.sluice.function.ThrowingFunction;
import dev.sluice.function.ThrowingSupplier;
import dev.sluice.function.ThrowingTriFunction;
import dev.sluice.internal.Spec;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A flow's name and options before its body: made by {@link Flow#named(String)}, finished by one
 * of the {@code of} methods, so Java infers the flow's types from the variable it is assigned to:
 *
 * <pre>{@code
 * Flow<String, Report> daily = Flow.named("daily-report")
 *         .withParameterNames("city")
 *         .withParameterDefault("city", "Boston")
 *         .onFailure(Notify.via(new LogNotifier("ops")))
 *         .of((String city) -> build(city));
 * }</pre>
 *
 * Immutable: every {@code withX} returns a copy.
 */
public final class FlowBuilder extends Definition<FlowBuilder, FlowRun<?>> {
    FlowBuilder(Spec spec) {
        super(spec);
    }

    @Override
    FlowBuilder copy(Spec spec) {
        return new FlowBuilder(spec);
    }

    /** A copy whose flows run at most {@code n} submitted task runs at once. */
    public FlowBuilder withMaxConcurrency(int n) {
        return copy(spec.withMaxConcurrency(n));
    }

    /** A flow of no arguments with these options. */
    public <R extends @Nullable Object> Flow0<R> of(ThrowingSupplier<R> body) {
        Objects.requireNonNull(body, "body");
        return new Flow0<>(spec.bind(0, body, a -> body.get()));
    }

    /** A flow of one argument with these options. */
    @SuppressWarnings("unchecked")
    public <A extends @Nullable Object, R extends @Nullable Object> Flow<A, R> of(ThrowingFunction<A, R> body) {
        Objects.requireNonNull(body, "body");
        return new Flow<>(spec.bind(1, body, a -> body.apply((A) a[0])));
    }

    /** A flow of two arguments with these options. */
    @SuppressWarnings("unchecked")
    public <A extends @Nullable Object, B extends @Nullable Object, R extends @Nullable Object> Flow2<A, B, R> of(
            ThrowingBiFunction<A, B, R> body) {
        Objects.requireNonNull(body, "body");
        return new Flow2<>(spec.bind(2, body, a -> body.apply((A) a[0], (B) a[1])));
    }

    /** A flow of three arguments with these options. */
    @SuppressWarnings("unchecked")
    public <A extends @Nullable Object, B extends @Nullable Object, C extends @Nullable Object, R extends @Nullable Object>
            Flow3<A, B, C, R> of(ThrowingTriFunction<A, B, C, R> body) {
        Objects.requireNonNull(body, "body");
        return new Flow3<>(spec.bind(3, body, a -> body.apply((A) a[0], (B) a[1], (C) a[2])));
    }
}
