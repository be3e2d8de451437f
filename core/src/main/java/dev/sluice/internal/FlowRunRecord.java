package dev.sluice.internal;

import dev.sluice.FlowRun;
import dev.sluice.State;
import dev.sluice.TaskRun;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/** The live record of a flow run, with the task runs and subflow runs it started. */
public final class FlowRunRecord extends RunRecord implements FlowRun<Object> {
    final @Nullable FlowRunRecord parent;
    private final AtomicLong taskSeq = new AtomicLong();
    /**
     * The most recent task runs, by their number modulo {@link Limits#MAX_TASK_RUNS_KEPT}: a run takes
     * the slot of the run that many before it, without a lock. Chunks are made as the flow grows.
     */
    private final java.util.concurrent.atomic.AtomicReferenceArray<java.util.concurrent.atomic.AtomicReferenceArray<TaskRunRecord>> recent =
            new java.util.concurrent.atomic.AtomicReferenceArray<>((Limits.MAX_TASK_RUNS_KEPT + RECENT_CHUNK - 1) / RECENT_CHUNK);
    private static final int RECENT_CHUNK = 64;
    /** Runs pushed out of {@link #recent} that had not completed then: never dropped. */
    private final List<TaskRunRecord> keptAside = new ArrayList<>();
    private final List<FlowRunRecord> subflows = new ArrayList<>();
    /** The futures of the runs this flow submitted, in order, until the flow has waited for them. */
    final FutureLog futures = new FutureLog();
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
        long slot = run.seq % Limits.MAX_TASK_RUNS_KEPT;
        var chunk = recentChunk((int) (slot / RECENT_CHUNK));
        int i = (int) (slot % RECENT_CHUNK);
        TaskRunRecord pushedOut = chunk.getAndSet(i, run);
        if (pushedOut != null && pushedOut.seq > run.seq) {
            // this thread was late: a run made after this one already took the slot; it goes back
            TaskRunRecord again = chunk.getAndSet(i, pushedOut);
            if (again != run && again != null) {
                keepAsideUnlessCompleted(again);
            }
            pushedOut = run;
        }
        if (pushedOut != null) {
            keepAsideUnlessCompleted(pushedOut);
        }
    }

    private java.util.concurrent.atomic.AtomicReferenceArray<TaskRunRecord> recentChunk(int index) {
        var chunk = recent.get(index);
        if (chunk == null) {
            recent.compareAndSet(index, null, new java.util.concurrent.atomic.AtomicReferenceArray<>(RECENT_CHUNK));
            chunk = recent.get(index);
        }
        return chunk;
    }

    private void keepAsideUnlessCompleted(TaskRunRecord run) {
        State s = run.state();
        if (!s.isTerminal() || !s.isSuccess()) {
            synchronized (keptAside) {
                keptAside.add(run);
            }
        }
    }

    synchronized void addSubflow(FlowRunRecord run) {
        subflows.add(run);
    }

    void succeed(@Nullable Object value) {
        this.result = value;
    }

    /**
     * Keeps {@code t} as the cause {@code flow.run} throws; the run's error record is made where the run ends with
     * it ({@code Engine.end}, {@link #endFromOutside}), once.
     */
    void keepFailure(Throwable t) {
        this.failure = t;
    }

    public @Nullable Throwable failure() {
        return failure;
    }

    /** The flow run this one is a subflow of, or null for a top-level flow run. */
    public @Nullable FlowRunRecord parentFlow() {
        return parent;
    }

    @Override
    public Optional<String> parentFlowRunId() {
        return parent == null ? Optional.empty() : Optional.of(parent.id());
    }

    @Override
    public List<TaskRun> taskRuns() {
        List<TaskRunRecord> all = new ArrayList<>();
        for (int c = 0; c < recent.length(); c++) {
            var chunk = recent.get(c);
            for (int i = 0; chunk != null && i < RECENT_CHUNK; i++) {
                TaskRunRecord r = chunk.get(i);
                if (r != null) {
                    all.add(r);
                }
            }
        }
        synchronized (keptAside) {
            all.addAll(keptAside);
        }
        all.sort(Comparator.comparingLong(r -> r.seq));
        List<TaskRun> out = new ArrayList<>(all.size());
        TaskRunRecord previous = null;
        for (TaskRunRecord r : all) {
            if (r != previous) { // a run kept aside while a late thread put it back in its slot
                out.add(r);
            }
            previous = r;
        }
        return List.copyOf(out);
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
        String text = id();
        return spec.name() + "-" + text.substring(text.length() - 8);
    }

    @Override
    boolean topLevel() {
        return parent == null;
    }

    /**
     * The futures a flow submitted, in submission order: appended by any thread, taken by the flow's
     * own thread. An array in chunks (four bytes a future, where a linked queue takes 24), each chunk
     * dropped once taken whole.
     */
    static final class FutureLog {
        private static final int CHUNK = 1024;
        private final java.util.concurrent.atomic.AtomicLong appended = new java.util.concurrent.atomic.AtomicLong();
        /** Chunks by index; grown under the lock, read without it. */
        private volatile java.util.concurrent.atomic.AtomicReferenceArray<java.util.concurrent.atomic.AtomicReferenceArray<TaskFutureImpl<?>>> chunks =
                new java.util.concurrent.atomic.AtomicReferenceArray<>(16);
        /** The next to take; only the flow's thread takes. */
        private long taken;

        void add(TaskFutureImpl<?> future) {
            long i = appended.getAndIncrement();
            chunk(i / CHUNK).set((int) (i % CHUNK), future);
        }

        private java.util.concurrent.atomic.AtomicReferenceArray<TaskFutureImpl<?>> chunk(long index) {
            var all = chunks;
            if (index >= all.length()) {
                synchronized (this) {
                    all = chunks;
                    if (index >= all.length()) {
                        var bigger = new java.util.concurrent.atomic.AtomicReferenceArray<java.util.concurrent.atomic.AtomicReferenceArray<TaskFutureImpl<?>>>(
                                (int) Math.max(index + 1, all.length() * 2L));
                        for (int k = 0; k < all.length(); k++) {
                            bigger.set(k, all.get(k));
                        }
                        chunks = bigger;
                        all = bigger;
                    }
                }
            }
            var c = all.get((int) index);
            if (c == null) {
                synchronized (this) {
                    all = chunks;
                    c = all.get((int) index);
                    if (c == null) {
                        c = new java.util.concurrent.atomic.AtomicReferenceArray<>(CHUNK);
                        all.set((int) index, c);
                    }
                }
            }
            return c;
        }

        /** The next future in submission order, or null when all were taken. */
        @Nullable TaskFutureImpl<?> poll() {
            if (taken >= appended.get()) {
                return null;
            }
            long i = taken++;
            var c = chunk(i / CHUNK);
            TaskFutureImpl<?> f;
            while ((f = c.get((int) (i % CHUNK))) == null) {
                Thread.onSpinWait(); // counted, not written yet: the adding thread is between the two steps
            }
            if (i % CHUNK == CHUNK - 1) {
                synchronized (this) {
                    chunks.set((int) (i / CHUNK), null); // taken whole
                }
            }
            return f;
        }
    }
}
