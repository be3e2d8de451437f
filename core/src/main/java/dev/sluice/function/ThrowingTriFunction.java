package dev.sluice.function;

import org.jspecify.annotations.Nullable;

/**
 * The body of a task or flow that takes three arguments. May throw checked exceptions.
 *
 * @param <A> the first argument type
 * @param <B> the second argument type
 * @param <C> the third argument type
 * @param <R> the result type
 */
@FunctionalInterface
public interface ThrowingTriFunction<A extends @Nullable Object, B extends @Nullable Object, C extends @Nullable Object, R extends @Nullable Object> extends java.io.Serializable {
    /** Computes the result from {@code a}, {@code b} and {@code c}. */
    R apply(A a, B b, C c) throws Exception;
}
