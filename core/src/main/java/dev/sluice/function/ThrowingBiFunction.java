package dev.sluice.function;

/**
 * The body of a task or flow that takes two arguments. May throw checked exceptions.
 *
 * @param <A> the first argument type
 * @param <B> the second argument type
 * @param <R> the result type
 */
@FunctionalInterface
public interface ThrowingBiFunction<A, B, R> {
    /** Computes the result from {@code a} and {@code b}. */
    R apply(A a, B b) throws Exception;
}
