package dev.sluice;

import dev.sluice.cache.CachePolicy;
import dev.sluice.internal.Engine;
import dev.sluice.internal.Spec;
import org.jspecify.annotations.Nullable;

/**
 * What every task has, whatever its number of arguments. Create tasks with {@code Task.of}.
 *
 * @param <S> the concrete task type
 */
public abstract sealed class BaseTask<S extends BaseTask<S>> extends Definition<S, TaskRun>
        permits Task0, Task, Task2, Task3 {
    BaseTask(Spec spec) {
        super(spec);
    }

    /**
     * A copy whose results are cached as {@code policy} says: a run whose key has a stored,
     * unexpired result ends {@link State#CACHED} with that result, without running the body.
     * {@link CachePolicy#none()} turns caching off.
     */
    public final S withCache(CachePolicy policy) {
        return copy(spec.withCache(policy));
    }

    /** The cache policy ({@link CachePolicy#none()} unless set). */
    public final CachePolicy cachePolicy() {
        CachePolicy policy = spec.cache();
        return policy == null ? CachePolicy.none() : policy;
    }

    @SuppressWarnings("unchecked")
    final <R> @Nullable R run0(@Nullable Object... args) {
        return (R) Engine.runTask(spec, args);
    }

    final <R> TaskFuture<R> submit0(@Nullable Object... args) {
        return Engine.submitTask(spec, args);
    }
}
