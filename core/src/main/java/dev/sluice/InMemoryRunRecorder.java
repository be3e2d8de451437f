package dev.sluice;

import dev.sluice.internal.FlowRunRecord;
import dev.sluice.internal.TaskRunRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The default {@link RunRecorder}: keeps the top-level runs (flow runs that are not subflows, and
 * task runs outside any flow) of this JVM in memory. Running ones are all kept; of the finished
 * ones only the most recent {@link #limit()}, and fewer when they hold more than
 * {@link #maxTaskRuns()} task runs between them (the newest is always kept), so a long-lived JVM
 * does not grow. Task runs and subflow runs are reachable from their flow run.
 *
 * <p>Safe for concurrent use without a shared lock or counter on the common path, so threads running
 * standalone tasks side by side do not slow each other down: each thread keeps the runs it runs now
 * apart, and numbers the runs it finishes from a block of its own (once it finished a few: a thread
 * that ends a run or two, such as a thread per request or per submitted task, numbers them one by
 * one), so across threads "the most recent" is exact to within a few runs per thread, and up to the
 * limit every finished run is kept however many threads ended them.
 */
public final class InMemoryRunRecorder implements RunRecorder {
    private final int limit;
    private final long maxTaskRuns;
    /**
     * Running top-level runs, in stripes chosen by the run's hash: threads adding and removing runs
     * side by side rarely take the same stripe (a shared concurrent map would have each add read the
     * counters every thread writes).
     */
    private final Running[] running = new Running[16];
    /** Finished runs by their sequence number modulo the limit. */
    private final AtomicReferenceArray<Finished> ring;
    /**
     * Finished runs of weight 1 (standalone task runs, flow runs without task runs) while no heavier
     * run was kept: one {@link Batch} per block of {@link #BLOCK} sequence numbers a thread took, by the
     * block's number modulo the length. A thread publishes a batch once and then fills it, so the shared
     * (old) array takes one reference per block rather than one per run: a store of a young object into
     * an old array costs every thread the collector's card marking, and the refinement it triggers.
     */
    private final AtomicReferenceArray<Batch> batches;
    /**
     * How many finished runs were ever added (the next one's sequence number), as element {@link #ADDED} of an
     * array of which it uses nothing else: threads take blocks of numbers from it side by side, and a cache line
     * of its own keeps their increments from evicting the fields every run reads.
     */
    private final java.util.concurrent.atomic.AtomicLongArray added = new java.util.concurrent.atomic.AtomicLongArray(2 * ADDED);
    private static final int ADDED = 16;
    /**
     * {@link #batches} uses every {@value}th element only, so that a thread checking its own batch on every run
     * shares no cache line with the batches other threads publish.
     */
    private static final int SPREAD = 16;
    /** The task runs of the kept flow runs (their weight minus one each): only flow runs touch it. */
    private final AtomicLong extraWeight = new AtomicLong();
    /** Slots emptied to keep within {@link #maxTaskRuns} and not filled again yet. */
    private final AtomicLong emptied = new AtomicLong();
    private final Object trimming = new Object();
    /** Set once a run of weight above 1 (a flow run with task runs) was kept: from then on weights are counted. */
    private volatile boolean weighty;
    private final int step;
    /** Runs before this sequence number were looked at by {@link #trim()} already; guarded by {@link #trimming}. */
    private long trimFrom;

    /** A finished run in the ring. */
    private record Finished(long seq, @org.jspecify.annotations.Nullable Run run, long weight) {
    }

    /** The finished runs numbered from one block of sequence numbers, filled by the thread that took the block. */
    private static final class Batch {
        final long base;
        /** The runs with sequence numbers {@code base + i}; written with release, read with acquire. */
        final @org.jspecify.annotations.Nullable Run[] runs = new Run[BLOCK];

        Batch(long base) {
            this.base = base;
        }
    }

    private static final java.lang.invoke.VarHandle RUNS = java.lang.invoke.MethodHandles.arrayElementVarHandle(Run[].class);

    /** What a slot holds once {@link #trim()} or {@link #clear()} dropped its run. */
    private static final Finished EMPTIED = new Finished(-1, null, 1);

    /** How many sequence numbers a thread takes at once for the runs it finishes (one shared increment per block). */
    private static final int BLOCK = 16;

    /** The running runs of a thread that has run none yet. */
    private static final Run[] NO_RUNS = new Run[0];

    /**
     * Each thread's running runs and block of sequence numbers; registered in {@link #threads} once it
     * runs a run (a thread that only finishes runs, such as a worker of submitted tasks, never is).
     */
    private final ThreadLocal<PerThread> local = ThreadLocal.withInitial(() -> new PerThread(Thread.currentThread()));
    private final java.util.concurrent.ConcurrentLinkedQueue<PerThread> threads = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Threads registered since {@link #threads} was last rid of the ended ones, and how many it held then. */
    private final AtomicLong registeredSincePrune = new AtomicLong();
    private volatile long liveAtPrune;

    /**
     * Registers {@code p}, and now and then forgets the threads that ended, so that a thread per
     * request (virtual threads, say) does not grow the list while nobody reads the runs: after as
     * many registrations as there were live threads at the last pruning (and at least 256), so its
     * cost per registration stays constant.
     */
    private void register(PerThread p) {
        threads.add(p);
        if (registeredSincePrune.incrementAndGet() >= Math.max(256, liveAtPrune)) {
            registeredSincePrune.set(0);
            pruneEndedThreads();
        }
    }

    /** Forgets the threads that ended with no run going on; returns how many are left. */
    private long pruneEndedThreads() {
        long live = 0;
        for (java.util.Iterator<PerThread> it = threads.iterator(); it.hasNext(); ) {
            if (it.next().gone()) {
                it.remove();
            } else {
                live++;
            }
        }
        liveAtPrune = live;
        return live;
    }

    /**
     * One thread's part: the runs it runs now, added and removed by it alone (so threads running
     * tasks side by side share no cache line), and the sequence numbers it hands to the runs it
     * finishes, taken {@link #BLOCK} at a time.
     */
    @SuppressWarnings("unused")
    private final class PerThread {
        /** Slots kept empty at each end of {@link #stack}: two threads' stacks never share a cache line. */
        private static final int PAD = 16;
        private long p1, p2, p3, p4, p5, p6, p7, p8;
        private final java.lang.ref.WeakReference<Thread> owner;
        /**
         * The runs this thread runs now, innermost last (a run called from a run is pushed on it), from {@link #PAD};
         * empty until the thread runs one, when it is also registered in {@link #threads}.
         */
        private Run[] stack = NO_RUNS;
        private int depth;
        /** The block this thread fills with the runs it finishes, and how many it holds. */
        private @org.jspecify.annotations.Nullable Batch batch;
        private int filled;
        /**
         * Runs this thread finished, counted up to {@link #BLOCK}: until then they are kept one by one
         * ({@link #keepOne}), so a thread that ends a run or two (a worker thread of its own per submitted
         * task, a thread per request) takes no block of sequence numbers it would leave nearly empty.
         */
        private int finishedHere;
        private long q1, q2, q3, q4, q5, q6, q7, q8;

        PerThread(Thread owner) {
            this.owner = new java.lang.ref.WeakReference<>(owner);
        }

        void add(Run run) {
            boolean first;
            synchronized (this) {
                first = stack == NO_RUNS;
                if (first) {
                    stack = new Run[PAD + 8 + PAD];
                } else if (PAD + depth == stack.length - PAD) {
                    Run[] bigger = new Run[PAD + depth * 2 + PAD];
                    System.arraycopy(stack, PAD, bigger, PAD, depth);
                    stack = bigger;
                }
                stack[PAD + depth++] = run;
            }
            if (first) {
                register(this); // outside this thread's lock: registering may look at (lock) other threads' parts
            }
        }

        synchronized boolean remove(Run run) {
            for (int i = PAD + depth - 1; i >= PAD; i--) { // the innermost, almost always
                if (stack[i] == run) {
                    System.arraycopy(stack, i + 1, stack, i, PAD + depth - i - 1);
                    stack[PAD + --depth] = null;
                    return true;
                }
            }
            return false;
        }

        synchronized List<Run> snapshot() {
            return new ArrayList<>(java.util.Arrays.asList(stack).subList(PAD, PAD + depth));
        }

        synchronized boolean gone() {
            Thread t = owner.get();
            return depth == 0 && (t == null || !t.isAlive());
        }

        /** Whether this thread finished enough runs to keep the next in {@link #finished(Run) its batch}. */
        boolean batching() {
            if (finishedHere == BLOCK) {
                return true;
            }
            finishedHere++;
            return false;
        }

        /** Keeps {@code run}, finished on this thread, in this thread's batch (taking a new block when it is full or was overtaken). */
        void finished(Run run) {
            Batch b = batch;
            if (b == null || filled == BLOCK || batches.get(batchSlot(b.base)) != b) {
                b = publishNewBatch();
                batch = b;
                filled = 0;
            }
            RUNS.setRelease(b.runs, filled++, run);
        }
    }

    /** Takes a block of sequence numbers and publishes its (empty) batch, unless newer runs took its slot already. */
    private Batch publishNewBatch() {
        while (true) {
            Batch b = new Batch(added.getAndAdd(ADDED, BLOCK));
            int i = batchSlot(b.base);
            Batch current = batches.get(i);
            while (current == null || current.base < b.base) {
                if (batches.compareAndSet(i, current, b)) {
                    return b;
                }
                current = batches.get(i);
            }
            // a newer block took the slot while this one was being made: take another
        }
    }

    private int batchSlot(long base) {
        return (int) ((base / BLOCK) % (batches.length() / SPREAD)) * SPREAD;
    }

    /** The running runs of every thread and stripe; forgets threads that ended with none. */
    private List<Run> runningRuns() {
        List<Run> all = new ArrayList<>();
        for (java.util.Iterator<PerThread> it = threads.iterator(); it.hasNext(); ) {
            PerThread p = it.next();
            if (p.gone()) {
                it.remove();
            } else {
                all.addAll(p.snapshot());
            }
        }
        for (Running stripe : running) {
            all.addAll(stripe.snapshot());
        }
        return all;
    }

    /** The largest {@link #limit()}: the recorder holds a slot per kept run from the start. */
    public static final int MAX_LIMIT = 10_000_000;

    /**
     * A recorder keeping at most {@code limit} finished top-level runs and 100,000 task runs in them.
     *
     * @throws IllegalArgumentException if {@code limit} is below 1 or above {@link #MAX_LIMIT}
     */
    public InMemoryRunRecorder(int limit) {
        this(limit, 100_000);
    }

    /**
     * A recorder keeping at most {@code limit} finished top-level runs and {@code maxTaskRuns} task runs in them.
     *
     * @throws IllegalArgumentException if {@code limit} is below 1 or above {@link #MAX_LIMIT}, or {@code maxTaskRuns} below 1
     */
    public InMemoryRunRecorder(int limit, long maxTaskRuns) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        if (limit > MAX_LIMIT) {
            // the recorder keeps an array of limit slots from the start: Integer.MAX_VALUE ran the JVM out of memory
            throw new IllegalArgumentException("limit must be <= " + MAX_LIMIT + ", was " + limit + "; to keep every run,"
                    + " record runs in a database (sluice-history) instead of in memory");
        }
        if (maxTaskRuns < 1) {
            throw new IllegalArgumentException("maxTaskRuns must be >= 1, was " + maxTaskRuns);
        }
        this.limit = limit;
        this.maxTaskRuns = maxTaskRuns;
        this.ring = new AtomicReferenceArray<>(limit);
        // room for 16 threads' blocks being filled
        this.batches = new AtomicReferenceArray<>((limit / BLOCK + 2 + 16) * SPREAD);
        for (int i = 0; i < running.length; i++) {
            running[i] = new Running();
        }
        int step = 17;
        while (gcd(step, limit) != 1) {
            step++;
        }
        this.step = step;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /**
     * The ring slot of the run with sequence number {@code seq}: consecutive runs go {@link #step}
     * slots apart (a step prime to the limit, so every slot is used), so threads finishing runs side by
     * side do not write to one cache line.
     */
    private int slot(long seq) {
        return (int) ((seq % limit) * step % limit);
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

    static {
        dev.sluice.internal.RecentRunsAccess.set(InMemoryRunRecorder::changed);
    }

    @Override
    public void stateChanged(Run run, StateChange change) {
        changed(run, change.state());
    }

    /** What {@link #stateChanged} does: only the state counts here. */
    private void changed(Run run, State state) {
        if (!isTopLevel(run)) {
            return;
        }
        if (state.isTerminal()) {
            if (!(ranHere(run) && local.get().remove(run)) && !stripe(run).remove(run)) {
                for (PerThread p : threads) { // ended on another thread than it started on: not the engine's way
                    if (p.remove(run)) {
                        break;
                    }
                }
            }
            finished(run);
        } else if (state == State.PENDING && ranHere(run)) {
            local.get().add(run); // started and ended on this thread: kept where only this thread writes
        } else if (state == State.SCHEDULED || state == State.PENDING) {
            stripe(run).add(run); // a run's first state: later ones (RUNNING, RETRYING) find it here
        }
    }

    /**
     * Whether {@code run} goes from its first state to its last on one thread: a flow run or a task
     * run called (not submitted), made by the engine.
     */
    private static boolean ranHere(Run run) {
        return run instanceof dev.sluice.internal.RunRecord r && r.initialState() == State.PENDING;
    }

    private void finished(Run run) {
        long w = weight(run);
        if (w == 1 && !weighty && limit <= maxTaskRuns) {
            PerThread here = local.get();
            if (here.batching()) {
                here.finished(run); // no weights to count, nothing to trim: batched
                return;
            }
        }
        keepOne(run, w);
    }

    /** Keeps {@code run} in the ring under a sequence number of its own. */
    private void keepOne(Run run, long w) {
        long seq = added.getAndIncrement(ADDED);
        Finished entry = new Finished(seq, run, w);
        int i = slot(seq);
        while (true) {
            Finished current = ring.get(i);
            if (current != null && current.seq > seq) {
                // a newer run took the slot (this thread's block of numbers is old, or it was delayed): number it anew
                seq = added.getAndIncrement(ADDED);
                entry = new Finished(seq, run, w);
                i = slot(seq);
                continue;
            }
            if (ring.compareAndSet(i, current, entry)) {
                if (current == EMPTIED) {
                    emptied.decrementAndGet();
                }
                long delta = (w - 1) - (current == null ? 0 : current.weight - 1);
                if (delta == 0 && !weighty && limit <= maxTaskRuns) {
                    return; // runs of weight 1 only, and no more of them than maxTaskRuns: nothing to trim (nor to read)
                }
                if (w > 1 && !weighty) {
                    weighty = true;
                }
                long extra = delta == 0 ? extraWeight.get() : extraWeight.addAndGet(delta);
                if (Math.min(seq + 1, limit) - emptied.get() + extra > maxTaskRuns) {
                    trim();
                }
                return;
            }
        }
    }

    /** Drops the oldest finished runs until the kept ones hold at most {@link #maxTaskRuns} task runs (the newest stays). */
    private void trim() {
        synchronized (trimming) {
            long newest = added.get(ADDED) - 1;
            long s = Math.max(trimFrom, newest - limit + 1);
            for (; s < newest && Math.min(newest + 1, limit) - emptied.get() + extraWeight.get() > maxTaskRuns; s++) {
                int i = slot(s);
                Finished f = ring.get(i);
                if (f != null && f.seq == s && ring.compareAndSet(i, f, EMPTIED)) {
                    emptied.incrementAndGet();
                    if (f.weight > 1) {
                        extraWeight.addAndGet(-(f.weight - 1));
                    }
                }
            }
            trimFrom = s;
        }
    }

    private static boolean isTopLevel(Run run) {
        if (run instanceof TaskRunRecord task) {
            return task.flow() == null;
        }
        if (run instanceof FlowRunRecord flow) {
            return flow.parentFlow() == null;
        }
        if (run instanceof FlowRun<?> flow) {
            return flow.parentFlowRunId().isEmpty();
        }
        return run instanceof TaskRun task && task.flowRunId().isEmpty();
    }

    /** The kept finished runs, oldest first: the {@link #limit} with the highest sequence numbers. */
    private List<Run> finishedRuns() {
        List<Finished> all = new ArrayList<>();
        for (int i = 0; i < ring.length(); i++) {
            Finished f = ring.get(i);
            if (f != null && f.run() != null) {
                all.add(f);
            }
        }
        for (int i = 0; i < batches.length(); i++) {
            Batch b = batches.get(i);
            if (b != null) {
                for (int j = 0; j < BLOCK; j++) {
                    Run r = (Run) RUNS.getAcquire(b.runs, j);
                    if (r != null) {
                        all.add(new Finished(b.base + j, r, 1));
                    }
                }
            }
        }
        all.sort(java.util.Comparator.comparingLong(Finished::seq));
        List<Run> kept = new ArrayList<>(Math.min(all.size(), limit));
        for (Finished f : all.subList(Math.max(0, all.size() - limit), all.size())) {
            kept.add(f.run());
        }
        return kept;
    }

    /** The kept top-level runs: finished ones oldest first, then running ones. */
    public List<Run> runs() {
        List<Run> all = finishedRuns();
        Set<Run> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        seen.addAll(all);
        for (Run r : runningRuns()) {
            if (seen.add(r)) {
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
        for (Run r : runningRuns()) {
            if (r.id().equals(id)) {
                return Optional.of(r);
            }
        }
        for (Run r : finishedRuns()) {
            if (r.id().equals(id)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** Forgets every finished run. */
    public void clear() {
        synchronized (trimming) {
            for (int i = 0; i < batches.length(); i++) {
                Batch b = batches.get(i);
                if (b != null) {
                    for (int j = 0; j < BLOCK; j++) {
                        RUNS.setRelease(b.runs, j, null);
                    }
                }
            }
            long newest = added.get(ADDED) - 1;
            for (long s = Math.max(0, newest - limit + 1); s <= newest; s++) {
                int i = slot(s);
                Finished f = ring.get(i);
                if (f != null && f != EMPTIED && ring.compareAndSet(i, f, EMPTIED)) {
                    emptied.incrementAndGet();
                    if (f.weight > 1) {
                        extraWeight.addAndGet(-(f.weight - 1));
                    }
                }
            }
        }
    }

    private Running stripe(Run run) {
        int h = run.hashCode();
        return running[(h ^ (h >>> 16)) & (running.length - 1)];
    }

    /** One stripe of running runs, padded so that two stripes never share a cache line. */
    @SuppressWarnings("unused")
    private static final class Running {
        private long p1, p2, p3, p4, p5, p6, p7;
        private final java.util.HashSet<Run> runs = new java.util.HashSet<>();
        private long q1, q2, q3, q4, q5, q6, q7;

        synchronized void add(Run run) {
            runs.add(run);
        }

        synchronized boolean remove(Run run) {
            return runs.remove(run);
        }

        synchronized List<Run> snapshot() {
            return new ArrayList<>(runs);
        }
    }
}
