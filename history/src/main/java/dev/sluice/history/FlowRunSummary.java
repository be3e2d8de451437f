package dev.sluice.history;

import dev.sluice.State;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A flow run as kept in the history: what a list of runs shows.
 *
 * @param id the run id (a time-ordered UUID)
 * @param name the run name
 * @param flowName the name of the flow
 * @param version the flow's version, if it had one
 * @param state the last state recorded
 * @param parentFlowRunId the flow run that started this one as a subflow, if any
 * @param tags the run's tags, including those added while it ran
 * @param attempts attempts started
 * @param createdAt when the run was created
 * @param startTime when it started running, if it has
 * @param endTime when it reached its terminal state, if it has
 * @param duration from start to end; for a run still going, from start to the time of the query
 * @param updatedAt when its record was last written
 */
public record FlowRunSummary(String id, String name, String flowName, @Nullable String version, State state,
        @Nullable String parentFlowRunId, Set<String> tags, int attempts, Instant createdAt,
        @Nullable Instant startTime, @Nullable Instant endTime, Duration duration, Instant updatedAt) {
    /** Validates and copies the fields. */
    public FlowRunSummary {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(flowName, "flowName");
        Objects.requireNonNull(state, "state");
        tags = Set.copyOf(Objects.requireNonNull(tags, "tags"));
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }
}
