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
 * Everything kept about one task run.
 *
 * @param run the run
 * @param stateHistory every state it entered, oldest first (messages masked)
 * @param parameters its parameters: numbers and booleans as they were, anything else as its (masked,
 *        shortened) text
 * @param error the error that ended it, masked, if any
 * @param logs its first log lines; continue with {@link History#logs}
 */
public record TaskRunDetail(TaskRunSummary run, List<StateChange> stateHistory, Map<String, @Nullable Object> parameters,
        @Nullable ErrorInfo error, Page<LogEntry> logs) {
    /** Validates and copies the fields. */
    public TaskRunDetail {
        Objects.requireNonNull(run, "run");
        stateHistory = List.copyOf(Objects.requireNonNull(stateHistory, "stateHistory"));
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(parameters, "parameters")));
        Objects.requireNonNull(logs, "logs");
    }
}
