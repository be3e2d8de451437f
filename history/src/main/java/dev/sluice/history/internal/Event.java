package dev.sluice.history.internal;

import dev.sluice.ErrorInfo;
import dev.sluice.LogLine;
import dev.sluice.State;
import dev.sluice.StateChange;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;

/** What the recorder hands to the writer: immutable snapshots taken on the run's thread. */
public sealed interface Event {
    /**
     * A run's state changed (or its tags did, when {@code change} is null). Carries everything needed
     * to create the run's row, so a run whose earlier records were lost still gets one.
     */
    record RunEvent(
            boolean flow,
            String id,
            String name,
            String definitionName,
            @Nullable String version,
            State state,
            @Nullable StateChange change,
            /* flow run: the parent flow run; task run: the flow run */
            @Nullable String parentId,
            /* flow run: the top-level flow run; task run: the parent task run */
            @Nullable String rootOrParentTask,
            Set<String> tags,
            boolean tagsChanged,
            int attempts,
            @Nullable ErrorInfo error,
            @Nullable Map<String, ? extends @Nullable Object> parameters,
            java.time.@Nullable Instant start,
            java.time.@Nullable Instant end,
            @Nullable String cacheKey,
            @Nullable String cachedFromRunId) implements Event {
    }

    /** A run logged a line. */
    record LogEvent(LogLine line, String runId, boolean flow) implements Event {
    }

    /** Everything queued before this is written (or counted lost) when the latch opens. */
    record FlushEvent(CountDownLatch done) implements Event {
    }
}
