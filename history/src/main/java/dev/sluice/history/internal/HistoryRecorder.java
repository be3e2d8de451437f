package dev.sluice.history.internal;

import dev.sluice.FlowRun;
import dev.sluice.LogLine;
import dev.sluice.Run;
import dev.sluice.RunRecorder;
import dev.sluice.State;
import dev.sluice.StateChange;
import dev.sluice.TaskRun;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The {@link RunRecorder} of a history: takes a small snapshot of the run on the calling thread and
 * queues it for the {@link Writer}. Never throws and never blocks longer than the writer's
 * back-pressure bound.
 */
public final class HistoryRecorder implements RunRecorder {
    /** Where the snapshots go: the history's {@link Writer}, or a buffer while the database cannot be opened. */
    public interface Sink {
        /** Takes {@code event}; never throws. */
        void offer(Event event);

        /** A recorder call failed before an event was made. */
        void recorderFailed(RuntimeException e);
    }

    private final Sink writer;
    /** Subflow run id → its top-level flow run id, while the subflow goes on. */
    private final Map<String, String> roots = new ConcurrentHashMap<>();
    private final String description;

    public HistoryRecorder(Sink writer, String description) {
        this.writer = writer;
        this.description = description;
    }

    /** Where this recorder's snapshots go. */
    public Sink sink() {
        return writer;
    }

    @Override
    public void stateChanged(Run run, StateChange change) {
        try {
            writer.offer(snapshot(run, change, run.tags(), false));
        } catch (RuntimeException e) {
            writer.recorderFailed(e);
        }
    }

    @Override
    public void logged(Run run, LogLine line) {
        try {
            writer.offer(new Event.LogEvent(line, run.id(), run instanceof FlowRun<?>));
        } catch (RuntimeException e) {
            writer.recorderFailed(e);
        }
    }

    @Override
    public void tagsChanged(Run run, Set<String> tags) {
        try {
            writer.offer(snapshot(run, null, tags, true));
        } catch (RuntimeException e) {
            writer.recorderFailed(e);
        }
    }

    private Event.RunEvent snapshot(Run run, @Nullable StateChange change, Set<String> tags, boolean tagsChanged) {
        State state = change != null ? change.state() : run.state();
        boolean initial = state == State.PENDING || state == State.SCHEDULED;
        Map<String, ? extends @Nullable Object> parameters = null;
        if (change != null && state.isTerminal()) {
            parameters = run.parameters(); // summarized by core once the run ended; masked by the writer
        } else if (change != null && initial) {
            Map<String, Object> live = run.parameters();
            Map<String, @Nullable Object> snap = new LinkedHashMap<>(live.size() * 2);
            live.forEach((k, v) -> snap.put(k, Json.snapshot(v)));
            parameters = snap;
        }
        boolean ended = state.isTerminal();
        if (run instanceof FlowRun<?> flow) {
            String parent = flow.parentFlowRunId().orElse(null);
            String root;
            if (parent == null) {
                root = run.id();
            } else {
                root = roots.get(run.id());
                if (root == null) {
                    root = roots.getOrDefault(parent, parent);
                    if (!state.isTerminal()) {
                        roots.put(run.id(), root);
                    }
                }
                if (state.isTerminal() && change != null) {
                    roots.remove(run.id());
                }
            }
            return new Event.RunEvent(true, run.id(), run.name(), run.definitionName(), run.version().orElse(null), state,
                    change, parent, root, tags, tagsChanged, run.attempts(), ended ? run.error().orElse(null) : null,
                    parameters, run.startTime().orElse(null), run.endTime().orElse(null), null, null);
        }
        TaskRun task = (TaskRun) run;
        return new Event.RunEvent(false, run.id(), run.name(), run.definitionName(), run.version().orElse(null), state,
                change, task.flowRunId().orElse(null), task.parentTaskRunId().orElse(null), tags, tagsChanged,
                run.attempts(), ended ? run.error().orElse(null) : null, parameters, run.startTime().orElse(null),
                run.endTime().orElse(null), task.cacheKey().orElse(null),
                state == State.CACHED ? task.cachedFromRunId().orElse(null) : null);
    }

    @Override
    public String toString() {
        return "run history recorder (" + description + ")";
    }
}
