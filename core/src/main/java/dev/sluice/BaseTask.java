package dev.sluice;

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

    @SuppressWarnings("unchecked")
    final <R> @Nullable R run0(@Nullable Object... args) {
        return (R) Engine.runTask(spec, args);
    }

    final <R> TaskFuture<R> submit0(@Nullable Object... args) {
        return Engine.submitTask(spec, args);
    }
}
