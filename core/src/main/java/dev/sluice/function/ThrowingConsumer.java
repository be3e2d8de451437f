package dev.sluice.function;

import org.jspecify.annotations.Nullable;

/**
 * A body of one argument and no result that may throw checked exceptions: see {@code Task.action}.
 *
 * @param <A> the argument type
 */
@FunctionalInterface
public interface ThrowingConsumer<A extends @Nullable Object> {
    /** Runs the body with {@code a}. */
    void accept(A a) throws Exception;
}
