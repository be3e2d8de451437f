package dev.sluice;

import java.util.Optional;

/** One run of a task: what {@code task.run(...)} or {@code task.submit(...)} records. */
public interface TaskRun extends Run {
    /** The id of the flow run this task ran in; empty for a task run outside any flow. */
    Optional<String> flowRunId();

    /** The id of the task run whose body called this one, if a task called a task. */
    Optional<String> parentTaskRunId();

    /** The cache key of a run of a cached task (64 hex digits); empty when the task is not cached. */
    Optional<String> cacheKey();

    /** For a {@link State#CACHED} run: the id of the run that computed the result it returned. */
    Optional<String> cachedFromRunId();
}
