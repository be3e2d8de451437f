package dev.sluice;

import dev.sluice.cache.CachePolicy;
import dev.sluice.function.ThrowingBiConsumer;
import dev.sluice.function.ThrowingBiFunction;
import dev.sluice.function.ThrowingConsumer;
import dev.sluice.function.ThrowingFunction;
import dev.sluice.function.ThrowingRunnable;
import dev.sluice.function.ThrowingSupplier;
import dev.sluice.function.ThrowingTriFunction;
import dev.sluice.internal.Spec;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A task's name and options before its body: made by {@link Task#named(String)}, finished by one
 * of the {@code of} methods. Because the body comes last, Java infers the task's types from the
 * variable it is assigned to, whatever the body returns on each branch:
 *
 * <pre>{@code
 * Task<String, List<Double>> fetch = Task.named("fetch-temperatures")
 *         .withRetries(2, Duration.ofMillis(200))
 *         .withTimeout(Duration.ofSeconds(10))
 *         .of((String city) -> city.isEmpty() ? List.of() : api.temperatures(city));
 * }</pre>
 *
 * Immutable: every {@code withX} returns a copy, so one builder can start several tasks.
 */
public final class TaskBuilder extends Definition<TaskBuilder, TaskRun> {
    TaskBuilder(Spec spec) {
        super(spec);
    }

    @Override
    TaskBuilder copy(Spec spec) {
        return new TaskBuilder(spec);
    }

    /** A copy whose tasks are cached as {@code policy} says (see {@link BaseTask#withCache}). */
    public TaskBuilder withCache(CachePolicy policy) {
        return copy(spec.withCache(policy));
    }

    /** A task of no arguments with these options. */
    public <R extends @Nullable Object> Task0<R> of(ThrowingSupplier<R> body) {
        Objects.requireNonNull(body, "body");
        return new Task0<>(spec.bind(0, body, a -> body.get()));
    }

    /** A task of one argument with these options. */
    @SuppressWarnings("unchecked")
    public <A extends @Nullable Object, R extends @Nullable Object> Task<A, R> of(ThrowingFunction<A, R> body) {
        Objects.requireNonNull(body, "body");
        return new Task<>(spec.bind(1, body, a -> body.apply((A) a[0])));
    }

    /** A task of two arguments with these options. */
    @SuppressWarnings("unchecked")
    public <A extends @Nullable Object, B extends @Nullable Object, R extends @Nullable Object> Task2<A, B, R> of(
            ThrowingBiFunction<A, B, R> body) {
        Objects.requireNonNull(body, "body");
        return new Task2<>(spec.bind(2, body, a -> body.apply((A) a[0], (B) a[1])));
    }

    /** A task of three arguments with these options. */
    @SuppressWarnings("unchecked")
    public <A extends @Nullable Object, B extends @Nullable Object, C extends @Nullable Object, R extends @Nullable Object>
            Task3<A, B, C, R> of(ThrowingTriFunction<A, B, C, R> body) {
        Objects.requireNonNull(body, "body");
        return new Task3<>(spec.bind(3, body, a -> body.apply((A) a[0], (B) a[1], (C) a[2])));
    }

    /** A task of no arguments and no result with these options. */
    public Task0<@Nullable Void> action(ThrowingRunnable body) {
        Objects.requireNonNull(body, "body");
        return new Task0<>(spec.bind(0, body, a -> {
            body.run();
            return null;
        }));
    }

    /** A task of one argument and no result with these options. */
    @SuppressWarnings("unchecked")
    public <A extends @Nullable Object> Task<A, @Nullable Void> action(ThrowingConsumer<A> body) {
        Objects.requireNonNull(body, "body");
        return new Task<>(spec.bind(1, body, a -> {
            body.accept((A) a[0]);
            return null;
        }));
    }

    /** A task of two arguments and no result with these options. */
    @SuppressWarnings("unchecked")
    public <A extends @Nullable Object, B extends @Nullable Object> Task2<A, B, @Nullable Void> action(
            ThrowingBiConsumer<A, B> body) {
        Objects.requireNonNull(body, "body");
        return new Task2<>(spec.bind(2, body, a -> {
            body.accept((A) a[0], (B) a[1]);
            return null;
        }));
    }
}
