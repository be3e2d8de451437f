package dev.sluice.history;

import dev.sluice.ErrorInfo;
import dev.sluice.StateChange;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Everything kept about one flow run: what a run's page shows. The lists of task runs, subflow runs
 * and log lines are first pages; continue them with {@link History#taskRuns},
 * {@link History#flowRuns} and {@link History#logs} and the pages' cursors.
 *
 * @param run the run
 * @param stateHistory every state it entered, oldest first (messages masked)
 * @param parameters its parameters: numbers and booleans as they were, anything else as its (masked,
 *        shortened) text
 * @param error the error that ended it, masked, if any
 * @param taskRuns its first task runs, in start order
 * @param subflowRuns its first subflow runs, in start order
 * @param logs its first log lines
 */
public record FlowRunDetail(FlowRunSummary run, List<StateChange> stateHistory, Map<String, @Nullable Object> parameters,
        @Nullable ErrorInfo error, Page<TaskRunSummary> taskRuns, Page<FlowRunSummary> subflowRuns, Page<LogEntry> logs) {
    /** Validates and copies the fields. */
    public FlowRunDetail {
        Objects.requireNonNull(run, "run");
        stateHistory = List.copyOf(Objects.requireNonNull(stateHistory, "stateHistory"));
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(parameters, "parameters")));
        Objects.requireNonNull(taskRuns, "taskRuns");
        Objects.requireNonNull(subflowRuns, "subflowRuns");
        Objects.requireNonNull(logs, "logs");
    }
}
