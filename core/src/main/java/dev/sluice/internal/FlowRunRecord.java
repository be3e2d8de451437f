package dev.sluice.internal;

import dev.sluice.FlowRun;
import dev.sluice.State;
import dev.sluice.TaskRun;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/** The live record of a flow run, with the task runs and subflow runs it started. */
public final class FlowRunRecord extends RunRecord implements FlowRun<Object> {
    final @Nullable FlowRunRecord parent;
    private final AtomicLong taskSeq = new AtomicLong();
    /** Task runs in start order; completed ones at the head are dropped past the limit. */
    private final ArrayDeque<TaskRunRecord> kept = new ArrayDeque<>();
    /** Task runs that did not complete, moved out of {@link #kept} so they are never dropped. */
    private final List<TaskRunRecord> keptUnsuccessful = new ArrayList<>();
    private final List<FlowRunRecord> subflows = new ArrayList<>();
    final Queue<TaskFutureImpl<?>> futures = new ConcurrentLinkedQueue<>();
    final Dispatcher dispatcher;
    private volatile @Nullable Object result;
    private volatile @Nullable Throwable failure;

    FlowRunRecord(RuntimeState runtime, Spec spec, @Nullable Object[] args, Set<String> tags, @Nullable FlowRunRecord parent) {
        super(runtime, spec, args, tags, State.PENDING);
        this.parent = parent;
        this.dispatcher = new Dispatcher(runtime.workers().tasks(), spec.maxConcurrency());
    }

    long nextTaskSeq() {
        return taskSeq.getAndIncrement();
    }

    void addTaskRun(TaskRunRecord run) {
        synchronized (kept) {
            kept.addLast(run);
            while (kept.size() > Limits.MAX_TASK_RUNS_KEPT) {
                TaskRunRecord head = kept.peekFirst();
                State s = head.state();
                if (!s.isTerminal()) {
                    break;
                }
                kept.pollFirst();
                if (!s.isSuccess()) {
                    keptUnsuccessful.add(head);
                }
            }
        }
    }

    synchronized void addSubflow(FlowRunRecord run) {
        subflows.add(run);
    }

    void succeed(@Nullable Object value) {
        this.result = value;
    }

    void failWith(Throwable t) {
        this.failure = t;
        fail(t);
    }

    public @Nullable Throwable failure() {
        return failure;
    }

    @Override
    public Optional<String> parentFlowRunId() {
        return parent == null ? Optional.empty() : Optional.of(parent.id);
    }

    @Override
    public List<TaskRun> taskRuns() {
        List<TaskRunRecord> all;
        synchronized (kept) {
            all = new ArrayList<>(kept.size() + keptUnsuccessful.size());
            all.addAll(keptUnsuccessful);
            all.addAll(kept);
        }
        all.sort(Comparator.comparingLong(r -> r.seq));
        return List.copyOf(all);
    }

    @Override
    public long taskRunCount() {
        return taskSeq.get();
    }

    @Override
    public synchronized List<FlowRun<?>> subflowRuns() {
        return List.copyOf(subflows);
    }

    @Override
    public Optional<TaskRun> failedTaskRun() {
        TaskRun first = null;
        for (TaskRun r : taskRuns()) {
            State s = r.state();
            if (s.isTerminal() && !s.isSuccess()) {
                first = r;
                break;
            }
        }
        for (FlowRun<?> sub : subflowRuns()) {
            if (sub.state().isSuccess()) {
                continue;
            }
            Optional<TaskRun> inSub = sub.failedTaskRun();
            if (inSub.isPresent() && (first == null || inSub.get().startTime().orElseThrow()
                    .isBefore(first.startTime().orElse(java.time.Instant.MAX)))) {
                first = inSub.get();
            }
        }
        return Optional.ofNullable(first);
    }

    @Override
    public @Nullable Object result() {
        State s = state();
        if (s.isSuccess()) {
            return result;
        }
        if (!s.isTerminal()) {
            throw new IllegalStateException("flow run '" + name() + "' has not finished; it is " + s);
        }
        throw Engine.flowFailed(this);
    }

    @Override
    int maxLogLines() {
        return Limits.MAX_LOG_LINES_PER_FLOW_RUN;
    }

    @Override
    String defaultName() {
        return spec.name() + "-" + id.substring(id.length() - 8);
    }
}
