package dev.sluice.function;

import org.jspecify.annotations.Nullable;

/**
 * The body of a task or flow that takes no argument. May throw checked exceptions.
 *
 * @param <R> the result type
 */
@FunctionalInterface
public interface ThrowingSupplier<R extends @Nullable Object> extends java.io.Serializable {
    /** Computes the result. */
    R get() throws Exception;
}
