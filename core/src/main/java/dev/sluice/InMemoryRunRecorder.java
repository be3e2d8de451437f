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
 * ones only the most recent {@link #limit()}, and fewer when they hold more than
 * {@link #maxTaskRuns()} task runs between them (the newest is always kept), so a long-lived JVM
 * does not grow. Task runs and subflow runs are reachable from their flow run.
 */
public final class InMemoryRunRecorder implements RunRecorder {
    private final int limit;
    private final long maxTaskRuns;
    private final Map<String, Run> active = new ConcurrentHashMap<>();
    private final ArrayDeque<Run> finished = new ArrayDeque<>();
    private long finishedTaskRuns;

    /** A recorder keeping at most {@code limit} finished top-level runs and 100,000 task runs in them. */
    public InMemoryRunRecorder(int limit) {
        this(limit, 100_000);
    }

    /** A recorder keeping at most {@code limit} finished top-level runs and {@code maxTaskRuns} task runs in them. */
    public InMemoryRunRecorder(int limit, long maxTaskRuns) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        if (maxTaskRuns < 1) {
            throw new IllegalArgumentException("maxTaskRuns must be >= 1, was " + maxTaskRuns);
        }
        this.limit = limit;
        this.maxTaskRuns = maxTaskRuns;
    }

    /** How many task runs the kept finished flow runs may hold between them. */
    public long maxTaskRuns() {
        return maxTaskRuns;
    }

    private static long weight(Run run) {
        return run instanceof FlowRun<?> flow ? 1 + flow.taskRunCount() : 1;
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
            long weight = weight(run);
            synchronized (finished) {
                finished.addLast(run);
                finishedTaskRuns += weight;
                while (finished.size() > limit || (finishedTaskRuns > maxTaskRuns && finished.size() > 1)) {
                    finishedTaskRuns -= weight(finished.pollFirst());
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
            finishedTaskRuns = 0;
        }
    }
}
