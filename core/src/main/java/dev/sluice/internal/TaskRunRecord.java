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
    final @Nullable TaskRunRecord parentTask;
    final long seq;
    private volatile @Nullable String cacheKey;
    private volatile @Nullable String cachedFromRunId;

    TaskRunRecord(RuntimeState runtime, Spec spec, @Nullable Object[] args, Set<String> tags, State initial,
            @Nullable FlowRunRecord flow, @Nullable TaskRunRecord parentTask, long seq) {
        super(runtime, spec, args, tags, initial);
        this.flow = flow;
        this.parentTask = parentTask;
        this.seq = seq;
    }

    @Override
    public Optional<String> flowRunId() {
        return flow == null ? Optional.empty() : Optional.of(flow.id);
    }

    @Override
    public Optional<String> parentTaskRunId() {
        return parentTask == null ? Optional.empty() : Optional.of(parentTask.id);
    }

    @Override
    public Optional<String> cacheKey() {
        return Optional.ofNullable(cacheKey);
    }

    @Override
    public Optional<String> cachedFromRunId() {
        return Optional.ofNullable(cachedFromRunId);
    }

    void cacheKey(String key) {
        this.cacheKey = key;
    }

    void cachedFrom(String runId) {
        this.cachedFromRunId = runId;
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
        return spec.name() + "-" + seq;
    }
}
