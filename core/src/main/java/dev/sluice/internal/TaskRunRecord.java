package dev.sluice.internal;

import dev.sluice.LogLine;
import dev.sluice.State;
import dev.sluice.TaskRun;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** The live record of a task run. */
public final class TaskRunRecord extends RunRecord implements TaskRun {
    final @Nullable FlowRunRecord flow;
    /** The run's number in its flow (0, 1, ...), or -1 outside any flow. */
    final long seq;

    TaskRunRecord(RuntimeState runtime, Spec spec, @Nullable Object[] args, Set<String> tags, State initial,
            @Nullable FlowRunRecord flow, @Nullable TaskRunRecord parentTask, long seq) {
        super(runtime, spec, args, tags, initial);
        this.flow = flow;
        if (parentTask != null) {
            extras().parentTask = parentTask; // few runs are called from inside another task run
        }
        this.seq = seq;
    }

    @Override
    public Optional<String> flowRunId() {
        return flow == null ? Optional.empty() : Optional.of(flow.id());
    }

    @Override
    public Optional<String> parentTaskRunId() {
        Extras x = extras;
        TaskRunRecord parent = x == null ? null : x.parentTask;
        return parent == null ? Optional.empty() : Optional.of(parent.id());
    }

    @Override
    public Optional<String> cacheKey() {
        Extras x = extras;
        return Optional.ofNullable(x == null ? null : x.cacheKey);
    }

    @Override
    public Optional<String> cachedFromRunId() {
        Extras x = extras;
        return Optional.ofNullable(x == null ? null : x.cachedFromRunId);
    }

    void cacheKey(String key) {
        extras().cacheKey = key;
    }

    void cachedFrom(String runId) {
        extras().cachedFromRunId = runId;
    }

    public @Nullable FlowRunRecord flow() {
        return flow;
    }

    @Override
    void addLog(LogLine line) {
        super.addLog(line);
        if (flow != null) {
            flow.keep(line);
        }
    }

    @Override
    int maxLogLines() {
        return Limits.MAX_LOG_LINES_PER_TASK_RUN;
    }

    @Override
    String defaultName() {
        if (seq >= 0) {
            return spec.name() + "-" + seq;
        }
        String text = id();
        return spec.name() + "-" + text.substring(text.length() - 8);
    }

    @Override
    boolean topLevel() {
        return flow == null;
    }
}
