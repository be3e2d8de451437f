package dev.sluice.internal;

import org.jspecify.annotations.Nullable;

/** A task or flow body of any arity, called with its arguments as an array. */
@FunctionalInterface
public interface Invoker {
    @Nullable Object invoke(@Nullable Object[] args) throws Exception;
}
