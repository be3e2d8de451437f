package dev.sluice.function;

/**
 * The body of a task or flow that takes no argument. May throw checked exceptions.
 *
 * @param <R> the result type
 */
@FunctionalInterface
public interface ThrowingSupplier<R> {
    /** Computes the result. */
    R get() throws Exception;
}
