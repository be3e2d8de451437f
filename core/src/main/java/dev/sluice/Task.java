package dev.sluice;

import dev.sluice.function.ThrowingBiConsumer;
import dev.sluice.function.ThrowingBiFunction;
import dev.sluice.function.ThrowingConsumer;
import dev.sluice.function.ThrowingRunnable;
import dev.sluice.function.ThrowingFunction;
import dev.sluice.function.ThrowingSupplier;
import dev.sluice.function.ThrowingTriFunction;
import dev.sluice.internal.Spec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A named function of one argument whose calls are recorded as task runs, with retries, a
 * timeout, tags and hooks. Immutable; also the entry point for tasks of 0, 2 and 3 arguments.
 *
 * <pre>{@code
 * Task<String, JsonNode> extract = Task.of("extract", (String city) -> api.weather(city))
 *         .withRetries(3, Duration.ofSeconds(2))
 *         .withTimeout(Duration.ofSeconds(30));
 * JsonNode raw = extract.run("Boston");
 * }</pre>
 *
 * @param <A> the argument type
 * @param <R> the result type
 */
public final class Task<A extends @Nullable Object, R extends @Nullable Object> extends BaseTask<Task<A, R>> {
    Task(Spec spec) {
        super(spec);
    }

    /**
     * The name and options of a task whose body comes last, so its types are inferred from the
     * variable it is assigned to (see {@link TaskBuilder}):
     * {@code Task<String, List<Row>> t = Task.named("extract").withRetries(3, d).of((String day) -> rows(day));}
     *
     * @throws IllegalArgumentException if the name is null, blank or holds a control character (a line break, a tab)
     */
    public static TaskBuilder named(String name) {
        return new TaskBuilder(Spec.unbound(Spec.Kind.TASK, name));
    }

    /** A task of no arguments. */
    public static <R extends @Nullable Object> Task0<R> of(String name, ThrowingSupplier<R> body) {
        Objects.requireNonNull(body, "body");
        return new Task0<>(Spec.of(Spec.Kind.TASK, name, 0, body, a -> body.get()));
    }

    /** A task of one argument. */
    @SuppressWarnings("unchecked")
    public static <A extends @Nullable Object, R extends @Nullable Object> Task<A, R> of(String name, ThrowingFunction<A, R> body) {
        Objects.requireNonNull(body, "body");
        return new Task<>(Spec.of(Spec.Kind.TASK, name, 1, body, a -> body.apply((A) a[0])));
    }

    /** A task of two arguments. */
    @SuppressWarnings("unchecked")
    public static <A extends @Nullable Object, B extends @Nullable Object, R extends @Nullable Object> Task2<A, B, R> of(String name, ThrowingBiFunction<A, B, R> body) {
        Objects.requireNonNull(body, "body");
        return new Task2<>(Spec.of(Spec.Kind.TASK, name, 2, body, a -> body.apply((A) a[0], (B) a[1])));
    }

    /** A task of three arguments. */
    @SuppressWarnings("unchecked")
    public static <A extends @Nullable Object, B extends @Nullable Object, C extends @Nullable Object, R extends @Nullable Object> Task3<A, B, C, R> of(String name, ThrowingTriFunction<A, B, C, R> body) {
        Objects.requireNonNull(body, "body");
        return new Task3<>(Spec.of(Spec.Kind.TASK, name, 3, body, a -> body.apply((A) a[0], (B) a[1], (C) a[2])));
    }

    /**
     * A task of no arguments and no result, for side effects ({@code task.run()} returns null):
     * {@code Task.action("refresh-view", () -> db.refresh())}.
     */
    public static Task0<@Nullable Void> action(String name, ThrowingRunnable body) {
        Objects.requireNonNull(body, "body");
        return new Task0<>(Spec.of(Spec.Kind.TASK, name, 0, body, a -> {
            body.run();
            return null;
        }));
    }

    /**
     * A task of one argument and no result, for side effects:
     * {@code Task.action("send", (String who) -> mailer.send(who))}. Unlike {@link #of}, the body
     * needs no {@code return null}.
     */
    @SuppressWarnings("unchecked")
    public static <A extends @Nullable Object> Task<A, @Nullable Void> action(String name, ThrowingConsumer<A> body) {
        Objects.requireNonNull(body, "body");
        return new Task<>(Spec.of(Spec.Kind.TASK, name, 1, body, a -> {
            body.accept((A) a[0]);
            return null;
        }));
    }

    /** A task of two arguments and no result, for side effects. */
    @SuppressWarnings("unchecked")
    public static <A extends @Nullable Object, B extends @Nullable Object> Task2<A, B, @Nullable Void> action(String name,
            ThrowingBiConsumer<A, B> body) {
        Objects.requireNonNull(body, "body");
        return new Task2<>(Spec.of(Spec.Kind.TASK, name, 2, body, a -> {
            body.accept((A) a[0], (B) a[1]);
            return null;
        }));
    }

    @Override
    Task<A, R> copy(Spec spec) {
        return new Task<>(spec);
    }

    /**
     * Runs the task and returns its result. Inside a flow the run is recorded as one of its task
     * runs; outside any flow, as a task run of its own. Retries, timeout and hooks apply either way.
     * An {@link Error} thrown by the body (the run is {@link State#CRASHED}) is rethrown as is.
     *
     * @throws TaskFailedException if the run failed, timed out or was cancelled
     */
    public R run(A a) {
        return run0(a);
    }

    /** Starts the task concurrently; inside a flow, bounded by the flow's max concurrency. */
    public TaskFuture<R> submit(A a) {
        return submit0(a);
    }

    /** Submits one run per input, in order. */
    public List<TaskFuture<R>> map(Collection<? extends A> inputs) {
        Objects.requireNonNull(inputs, "inputs");
        List<TaskFuture<R>> futures = new ArrayList<>(inputs.size());
        for (A a : inputs) {
            futures.add(submit(a));
        }
        return List.copyOf(futures);
    }
}
