package dev.sluice.function;

import org.jspecify.annotations.Nullable;

/**
 * A body of two arguments and no result that may throw checked exceptions: see {@code Task.action}.
 *
 * @param <A> the first argument type
 * @param <B> the second argument type
 */
@FunctionalInterface
public interface ThrowingBiConsumer<A extends @Nullable Object, B extends @Nullable Object> {
    /** Runs the body with {@code a} and {@code b}. */
    void accept(A a, B b) throws Exception;
}
