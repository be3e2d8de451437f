package dev.sluice.function;

/**
 * The body of a task or flow that takes one argument. May throw checked exceptions.
 *
 * @param <A> the argument type
 * @param <R> the result type
 */
@FunctionalInterface
public interface ThrowingFunction<A, R> {
    /** Computes the result from {@code a}. */
    R apply(A a) throws Exception;
}
