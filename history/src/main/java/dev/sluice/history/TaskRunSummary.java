package dev.sluice.history;

import dev.sluice.State;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A task run as kept in the history: what a list of task runs shows.
 *
 * @param id the run id (a time-ordered UUID)
 * @param name the run name
 * @param taskName the name of the task
 * @param version the task's version, if it had one
 * @param state the last state recorded
 * @param flowRunId the flow run it ran in; {@code null} for a task run outside any flow
 * @param parentTaskRunId the task run whose body called this one, if any
 * @param tags the run's tags, including those added while it ran
 * @param attempts attempts started
 * @param cacheKey the cache key, for a run of a cached task
 * @param cachedFromRunId for a {@link State#CACHED} run, the run that computed the result
 * @param createdAt when the run was created
 * @param startTime when it started running, if it has
 * @param endTime when it reached its terminal state, if it has
 * @param duration from start to end; for a run still going, from start to the time of the query
 * @param updatedAt when its record was last written
 */
public record TaskRunSummary(String id, String name, String taskName, @Nullable String version, State state,
        @Nullable String flowRunId, @Nullable String parentTaskRunId, Set<String> tags, int attempts,
        @Nullable String cacheKey, @Nullable String cachedFromRunId, Instant createdAt, @Nullable Instant startTime,
        @Nullable Instant endTime, Duration duration, Instant updatedAt) {
    /** Validates and copies the fields. */
    public TaskRunSummary {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(taskName, "taskName");
        Objects.requireNonNull(state, "state");
        tags = Set.copyOf(Objects.requireNonNull(tags, "tags"));
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }
}
