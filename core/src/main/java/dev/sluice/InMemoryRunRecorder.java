package dev.sluice;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The default {@link RunRecorder}: keeps the top-level runs (flow runs that are not subflows, and
 * task runs outside any flow) of this JVM in memory. Running ones are all kept; of the finished
 * ones only the most recent {@link #limit()}, so a long-lived JVM does not grow. Task runs and
 * subflow runs are reachable from their flow run.
 */
public final class InMemoryRunRecorder implements RunRecorder {
    private final int limit;
    private final Map<String, Run> active = new ConcurrentHashMap<>();
    private final ArrayDeque<Run> finished = new ArrayDeque<>();

    /** A recorder keeping at most {@code limit} finished top-level runs. */
    public InMemoryRunRecorder(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        this.limit = limit;
    }

    /** How many finished top-level runs are kept. */
    public int limit() {
        return limit;
    }

    @Override
    public void stateChanged(Run run, StateChange change) {
        if (!isTopLevel(run)) {
            return;
        }
        if (change.state().isTerminal()) {
            active.remove(run.id());
            synchronized (finished) {
                finished.addLast(run);
                while (finished.size() > limit) {
                    finished.pollFirst();
                }
            }
        } else {
            active.putIfAbsent(run.id(), run);
        }
    }

    private static boolean isTopLevel(Run run) {
        if (run instanceof FlowRun<?> flow) {
            return flow.parentFlowRunId().isEmpty();
        }
        return run instanceof TaskRun task && task.flowRunId().isEmpty();
    }

    /** The kept top-level runs: finished ones oldest first, then running ones. */
    public List<Run> runs() {
        List<Run> all;
        synchronized (finished) {
            all = new ArrayList<>(finished);
        }
        for (Run r : active.values()) {
            if (!all.contains(r)) {
                all.add(r);
            }
        }
        return List.copyOf(all);
    }

    /** The kept top-level flow runs, finished ones oldest first, then running ones. */
    public List<FlowRun<?>> flowRuns() {
        List<FlowRun<?>> flows = new ArrayList<>();
        for (Run r : runs()) {
            if (r instanceof FlowRun<?> f) {
                flows.add(f);
            }
        }
        return List.copyOf(flows);
    }

    /** The kept top-level run with this id. */
    public Optional<Run> find(String id) {
        Run running = active.get(id);
        if (running != null) {
            return Optional.of(running);
        }
        synchronized (finished) {
            for (Run r : finished) {
                if (r.id().equals(id)) {
                    return Optional.of(r);
                }
            }
        }
        return Optional.empty();
    }

    /** Forgets every finished run. */
    public void clear() {
        synchronized (finished) {
            finished.clear();
        }
    }
}
