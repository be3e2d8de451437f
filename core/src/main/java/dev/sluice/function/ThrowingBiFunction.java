package dev.sluice.function;

import org.jspecify.annotations.Nullable;

/**
 * The body of a task or flow that takes two arguments. May throw checked exceptions.
 *
 * @param <A> the first argument type
 * @param <B> the second argument type
 * @param <R> the result type
 */
@FunctionalInterface
public interface ThrowingBiFunction<A extends @Nullable Object, B extends @Nullable Object, R extends @Nullable Object> extends java.io.Serializable {
    /** Computes the result from {@code a} and {@code b}. */
    R apply(A a, B b) throws Exception;
}
