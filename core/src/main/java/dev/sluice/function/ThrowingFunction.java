package dev.sluice.function;

import org.jspecify.annotations.Nullable;

/**
 * The body of a task or flow that takes one argument. May throw checked exceptions.
 *
 * @param <A> the argument type
 * @param <R> the result type
 */
@FunctionalInterface
public interface ThrowingFunction<A extends @Nullable Object, R extends @Nullable Object> extends java.io.Serializable {
    /** Computes the result from {@code a}. */
    R apply(A a) throws Exception;
}
