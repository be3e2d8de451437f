package dev.sluice.internal;

import dev.sluice.ErrorInfo;
import dev.sluice.LogLine;
import dev.sluice.Run;
import dev.sluice.RunContext;
import dev.sluice.RunRecorder;
import dev.sluice.State;
import dev.sluice.StateChange;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The live record of one run; what the engine updates and users read through {@link Run}.
 *
 * <p>Kept small, since a flow may hold a million of them through their futures: the id is two
 * longs (its text made on first use), the first {@value #INLINE} state changes are a state and a
 * time each (the {@link StateChange} objects made when asked for), and what most runs never have
 * (log lines, run-scoped attributes, messages, an error, more state changes) lives in an
 * {@link Extras} made on first use.
 */
public abstract class RunRecord implements Run {
    private static final int INLINE = 3;
    private static final State[] STATES = State.values();
    private static final Class<?> SYSTEM_CLOCK = java.time.Clock.systemUTC().getClass();
    private static final java.lang.invoke.VarHandle CHANGES;
    private static final java.lang.invoke.VarHandle ATTEMPTS;
    private static final java.lang.invoke.VarHandle ARGS;
    private static final java.lang.invoke.VarHandle TAGS;
    private static final java.lang.invoke.VarHandle END_CLAIMED;

    static {
        try {
            var lookup = java.lang.invoke.MethodHandles.lookup();
            CHANGES = lookup.findVarHandle(RunRecord.class, "changes", int.class);
            ATTEMPTS = lookup.findVarHandle(RunRecord.class, "attempts", int.class);
            ARGS = lookup.findVarHandle(RunRecord.class, "args", Object.class);
            TAGS = lookup.findVarHandle(RunRecord.class, "tags", Set.class);
            END_CLAIMED = lookup.findVarHandle(RunRecord.class, "endClaimed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long idHigh;
    private final long idLow;
    /**
     * The id's text, made on first use by {@link #id()}; read directly only by code that called
     * {@link #id()} (or {@link #logger()}) first.
     */
    @Nullable String id;
    final Spec spec;
    /**
     * The arguments (an {@code Object[]}) while the run goes on; once it ended, their summaries (see
     * {@link Parameters}): the summary itself for a run of one positional parameter (a summary is
     * never an array), else a {@link Summary}.
     */
    private volatile @Nullable Object args;
    volatile Set<String> tags;
    final RuntimeState runtime;
    /** The values recorders keep with the run ({@link dev.sluice.RunRecorder.Slot}), newest first. */
    private volatile @Nullable SlotValue slots;
    private volatile int attempts;
    /**
     * How many state changes there are. Only the thread running the run changes its state; it fills
     * a change in, then publishes it by setting this (a release store), so readers that read this
     * first see whole changes without a lock.
     */
    private volatile int changes;
    /** The first state changes: their states and times (epoch nanoseconds). */
    private byte state0;
    private byte state1;
    private byte state2;
    private long at0;
    private long at1;
    private long at2;
    volatile @Nullable Extras extras;

    private static final Object NULL_SUMMARY = new Object();

    /**
     * Where runs with equal arguments share one summary of them: the cached runs of one cache key
     * (equal keys, equal arguments). The first run to end fills it in.
     */
    static final class SummaryShare {
        volatile @Nullable Object summary;
    }

    /** One recorder's value kept with the run. */
    private record SlotValue(int index, Object value, @Nullable SlotValue next) {
    }

    /** The value a recorder keeps with this run under {@code index}, or null. */
    public final @Nullable Object slot(int index) {
        for (SlotValue v = slots; v != null; v = v.next) {
            if (v.index == index) {
                return v.value;
            }
        }
        return null;
    }

    /**
     * Keeps {@code value} with this run under {@code index} (null forgets it). Recorders are told of one
     * run's changes one at a time, so one writer at a time; readers see whole lists.
     */
    public final void slot(int index, @Nullable Object value) {
        SlotValue rest = without(slots, index);
        slots = value == null ? rest : new SlotValue(index, value, rest);
    }

    private static @Nullable SlotValue without(@Nullable SlotValue list, int index) {
        if (list == null) {
            return null;
        }
        if (list.index == index) {
            return list.next;
        }
        SlotValue rest = without(list.next, index);
        return rest == list.next ? list : new SlotValue(list.index, list.value, rest);
    }

    /** The last attempt stopped from outside its body (0 = none). */
    final int stoppedAttempt() {
        Extras x = extras;
        return x == null ? 0 : x.stoppedAttempt;
    }

    /** Marks attempt {@code attempt} as stopped: see {@link #stoppedAttempt()}. */
    final void stopAttempt(int attempt) {
        extras().stoppedAttempt = attempt;
    }

    /** When the current attempt times out ({@link System#nanoTime()}), or 0 when it has no timeout. */
    final long attemptDeadline() {
        Extras x = extras;
        return x == null ? 0 : x.attemptDeadline;
    }

    /** Whether a thread claimed the run's last state change ({@link #claimEnd}, {@link #endFromOutside}): set once, by a CAS. */
    private volatile boolean endClaimed;

    /** What few runs have; guarded by the record. */
    static final class Extras {
        /** When the current attempt times out ({@link System#nanoTime()}), or 0 when it has no timeout. */
        volatile long attemptDeadline;
        /**
         * The last attempt stopped from outside its body (timed out): its body, if it goes on regardless,
         * starts no runs in this run ({@link Frame#attemptOver}), even before the run ended or its next attempt began.
         */
        volatile int stoppedAttempt;
        /** Set by the cache for a run whose arguments equal those of runs before it. */
        @Nullable SummaryShare summaryShare;
        /** The run name made from the arguments by the run-name template. */
        volatile @Nullable String name;
        @Nullable String message1;
        @Nullable String message2;
        /** State changes past the first {@value #INLINE}, replaced whole on each change. */
        StateChange @Nullable [] more;
        volatile @Nullable ErrorInfo error;
        @Nullable ArrayDeque<LogLine> logs;
        long droppedLogLines;
        @Nullable RunLogger logger;
        volatile java.util.concurrent.@Nullable ConcurrentHashMap<RunContext.Key<?>, Object> attributes;
        volatile @Nullable String cacheKey;
        volatile @Nullable String cachedFromRunId;
        /** The task run this task run was called from, if any. */
        @Nullable TaskRunRecord parentTask;
        /**
         * The terminal change another thread made ({@link #endFromOutside}): once set it is the run's
         * state, and the changes the running thread still makes are ignored.
         */
        volatile @Nullable StateChange endedFromOutside;
    }

    RunRecord(RuntimeState runtime, Spec spec, @Nullable Object[] args, Set<String> tags, State initial) {
        java.util.Objects.requireNonNull(args, "args");
        this.runtime = runtime;
        java.time.Clock clock = runtime.clock();
        Instant now = clock.instant();
        // the id's time: this reading when the runtime's clock is the system's, else the system's own
        this.idHigh = Ids.high(clock.getClass() == SYSTEM_CLOCK ? now.toEpochMilli() : System.currentTimeMillis());
        this.idLow = Ids.low();
        this.spec = spec;
        // plain stores: the record reaches other threads only through locks and concurrent queues
        ARGS.set(this, args);
        TAGS.set(this, tags);
        this.state0 = (byte) initial.ordinal();
        this.at0 = nanos(now);
        CHANGES.set(this, 1);
    }

    /** Announces the initial state to the recorder; called once the record is fully built. */
    final void announce() {
        // on the thread that built the record, before anyone else can see it: no lock needed
        RunRecorder recorder = runtime.recorder();
        if (recorder == runtime.recentRuns()) {
            if (topLevel()) {
                RecentRunsAccess.changed(runtime.recentRuns(), this, STATES[state0]);
            }
        } else {
            recorder.stateChanged(this, new StateChange(STATES[state0], instant(at0), null));
        }
    }

    /** Whether this is a flow run that is no subflow, or a task run outside any flow. */
    abstract boolean topLevel();

    /**
     * Enters {@code next} and tells the run recorder. Called only by the thread running the run
     * (the engine never moves one run's state from two threads).
     */
    public final void transition(State next, @Nullable String message) {
        transition(next, message, runtime.clock().instant());
    }

    /**
     * Enters {@code next} at the time the run was created: for a run that starts its first attempt
     * right after it was made, with nothing in between worth a clock reading of its own (no cache
     * look-up, no recorder but the in-memory one).
     */
    final void startedWhenCreated(State next) {
        transition(next, null, instant(at0));
    }

    private void transition(State next, @Nullable String message, Instant at) {
        String masked = message == null ? null : Masker.mask(message);
        if (state().isTerminal()) {
            return;
        }
        if (next.isTerminal()) {
            if (spec.runNameTemplate() != null) {
                name(); // the run name is made from the arguments: fix it before they are summarized
            }
            Extras x = extras;
            SummaryShare share = x == null ? null : x.summaryShare;
            Object summary = share == null ? null : share.summary;
            if (summary == null) {
                @Nullable Object[] live = args();
                List<String> names = Parameters.names(spec, live);
                @Nullable Object[] values = Parameters.summarize(spec, names, live);
                summary = names == spec.parameterNames() && values.length == 1 ? values[0] : new Summary(names, values);
                if (share != null) {
                    share.summary = summary == null ? NULL_SUMMARY : summary;
                }
            }
            ARGS.setRelease(this, summary == NULL_SUMMARY ? null : summary);
        }
        long t = nanos(at);
        int n = changes;
        if (n < INLINE) {
            if (n == 1) {
                state1 = (byte) next.ordinal();
                at1 = t;
            } else {
                state2 = (byte) next.ordinal();
                at2 = t;
            }
            if (masked != null) {
                Extras x = extras();
                if (n == 1) {
                    x.message1 = masked;
                } else {
                    x.message2 = masked;
                }
            }
        } else {
            Extras x = extras();
            StateChange[] before = x.more;
            int k = before == null ? 0 : before.length;
            StateChange[] after = before == null ? new StateChange[1] : java.util.Arrays.copyOf(before, k + 1);
            after[k] = new StateChange(next, instant(t), masked);
            x.more = after;
        }
        CHANGES.setRelease(this, n + 1);
        RunRecorder recorder = runtime.recorder();
        if (recorder == runtime.recentRuns()) {
            if (topLevel()) {
                RecentRunsAccess.changed(runtime.recentRuns(), this, next);
            }
        } else {
            recorder.stateChanged(this, new StateChange(next, at, masked));
        }
    }

    private static long nanos(Instant at) {
        long s = at.getEpochSecond();
        if (s >= Long.MAX_VALUE / 1_000_000_000L) {
            return Long.MAX_VALUE;
        }
        if (s <= Long.MIN_VALUE / 1_000_000_000L) {
            return Long.MIN_VALUE;
        }
        return s * 1_000_000_000L + at.getNano();
    }

    private static Instant instant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }

    /** The extras of this run, made on first use. */
    final Extras extras() {
        Extras x = extras;
        if (x == null) {
            synchronized (this) {
                x = extras;
                if (x == null) {
                    x = new Extras();
                    extras = x;
                }
            }
        }
        return x;
    }

    /** Adds {@code more} to the run's tags and tells the recorders. */
    public final void addTags(Set<String> more) {
        Set<String> now;
        synchronized (this) {
            if (tags.containsAll(more)) {
                return;
            }
            Set<String> all = new java.util.LinkedHashSet<>(tags);
            all.addAll(more);
            now = Collections.unmodifiableSet(all);
            tags = now;
        }
        runtime.recorder().tagsChanged(this, now);
    }

    /** The run-scoped value of {@code key}, made by {@code initial} on first use. */
    @SuppressWarnings("unchecked")
    public final <T> T attribute(RunContext.Key<T> key, java.util.function.Supplier<? extends T> initial) {
        Extras x = extras();
        java.util.concurrent.ConcurrentHashMap<RunContext.Key<?>, Object> map = x.attributes;
        if (map == null) {
            synchronized (this) {
                map = x.attributes;
                if (map == null) {
                    map = new java.util.concurrent.ConcurrentHashMap<>();
                    x.attributes = map;
                }
            }
        }
        Object value = map.get(key);
        if (value == null) {
            // not computeIfAbsent: an initial value made from another attribute of the run (nested calls) would be a
            // "Recursive update" whenever the two keys share a bin; the lock is reentrant, and held only to make one
            synchronized (map) {
                value = map.get(key);
                if (value == null) {
                    value = java.util.Objects.requireNonNull(initial.get(), "initial value");
                    map.put(key, value);
                }
            }
        }
        return (T) value;
    }

    /** The run-scoped value of {@code key}, or null. */
    @SuppressWarnings("unchecked")
    public final <T> @Nullable T attributeIfPresent(RunContext.Key<T> key) {
        Extras x = extras;
        var map = x == null ? null : x.attributes;
        return map == null ? null : (T) map.get(key);
    }

    /** Drops the run-scoped values: the run has ended and its hooks have run. */
    final void dropAttributes() {
        Extras x = extras;
        if (x != null) {
            x.attributes = null;
        }
    }

    final int startAttempt() {
        int n = attempts + 1; // only the thread running the run counts its attempts
        ATTEMPTS.setRelease(this, n);
        return n;
    }

    final void fail(Throwable t) {
        extras().error = new ErrorInfo(t.getClass().getName(), Masker.mask(t.getMessage()), Masker.stackTrace(t));
    }

    /** Keeps {@code line} with this run (bounded) and tells the run recorder. */
    void addLog(LogLine line) {
        keep(line);
        runtime.recorder().logged(this, line);
    }

    final void keep(LogLine line) {
        Extras x = extras();
        synchronized (this) {
            if (x.logs == null) {
                x.logs = new ArrayDeque<>();
            }
            x.logs.addLast(line);
            if (x.logs.size() > maxLogLines()) {
                x.logs.pollFirst();
                x.droppedLogLines++;
            }
        }
    }

    abstract int maxLogLines();

    /** The logger bound to this run. */
    public final RunLogger logger() {
        Extras x = extras();
        synchronized (this) {
            if (x.logger == null) {
                id();
                if (this instanceof TaskRunRecord task && task.flow != null) {
                    task.flow.id();
                }
                x.logger = new RunLogger(this);
            }
            return x.logger;
        }
    }

    /** A default run name, when no template is set. */
    abstract String defaultName();

    /** The state the run was made in (SCHEDULED for a submitted task run, else PENDING). */
    public final State initialState() {
        return STATES[state0];
    }

    @Override
    public final String id() {
        String s = id;
        if (s == null) {
            s = Ids.text(idHigh, idLow);
            id = s;
        }
        return s;
    }

    @Override
    public final String name() {
        if (spec.runNameTemplate() == null) {
            return defaultName();
        }
        Extras x = extras();
        String n = x.name;
        if (n == null) {
            synchronized (this) {
                n = x.name;
                if (n == null) {
                    n = args instanceof Object[] live ? spec.runName(live) : defaultName();
                    if (n.isBlank()) {
                        n = defaultName(); // the template filled with empty values names nothing
                    }
                    x.name = n;
                }
            }
        }
        return n;
    }

    @Override
    public final String definitionName() {
        return spec.name();
    }

    @Override
    public final Optional<String> version() {
        return Optional.ofNullable(spec.version());
    }

    @Override
    public final State state() {
        Extras x = extras;
        if (x != null) {
            StateChange ended = x.endedFromOutside;
            if (ended != null) {
                return ended.state();
            }
        }
        int n = changes;
        if (n == 1) {
            return STATES[state0];
        }
        if (n == 2) {
            return STATES[state1];
        }
        if (n == INLINE) {
            return STATES[state2];
        }
        StateChange[] more = extras.more;
        return more[n - INLINE - 1].state();
    }

    @Override
    public final List<StateChange> history() {
        int n = changes;
        Extras x = extras;
        StateChange[] more = n > INLINE && x != null ? x.more : null;
        List<StateChange> all = new ArrayList<>(n);
        all.add(new StateChange(STATES[state0], instant(at0), null));
        if (n > 1) {
            all.add(new StateChange(STATES[state1], instant(at1), x == null ? null : x.message1));
        }
        if (n > 2) {
            all.add(new StateChange(STATES[state2], instant(at2), x == null ? null : x.message2));
        }
        for (int i = 0; more != null && i < n - INLINE && i < more.length; i++) {
            all.add(more[i]);
        }
        StateChange ended = x == null ? null : x.endedFromOutside;
        if (ended != null) {
            all.add(ended);
        }
        return Collections.unmodifiableList(all);
    }

    /**
     * Claims the run's last state change for the calling thread (the engine's {@code end}): false if
     * another thread ended the run from outside ({@link #endFromOutside}) or claimed it first, so
     * that the run ends once, with one set of hooks.
     */
    final boolean claimEnd() {
        // one CAS, no lock: on the path of every run's end
        return END_CLAIMED.compareAndSet(this, false, true) && !state().isTerminal();
    }

    /**
     * Ends the run in {@code next} from a thread other than the one running it (a cancel), which may
     * still be making changes of its own: this one is kept apart from those, so the two never write
     * the same change, and it is the run's state from now on. The caller must make sure the running
     * thread does not end the run too. False if the run had ended.
     */
    final boolean endFromOutside(State next, Throwable error, @Nullable String message) {
        if (!markEndedFromOutside(next, error, message)) {
            return false;
        }
        announceEndedFromOutside(next);
        return true;
    }

    /**
     * The first half of {@link #endFromOutside}: makes {@code next} the run's state at once, without
     * telling the recorders yet ({@link #announceEndedFromOutside} does), so that a cancel can end the run
     * before it interrupts the thread running it. False if the run had ended.
     */
    final boolean markEndedFromOutside(State next, Throwable error, @Nullable String message) {
        Extras x = extras();
        synchronized (this) {
            if (state().isTerminal() || !END_CLAIMED.compareAndSet(this, false, true)) {
                return false;
            }
            fail(error); // before the change: a recorder told of it reads the error
            x.endedFromOutside = new StateChange(next, runtime.clock().instant(), message == null ? null : Masker.mask(message));
        }
        return true;
    }

    /** The second half of {@link #endFromOutside}: tells the recorders of the change {@link #markEndedFromOutside} made. */
    final void announceEndedFromOutside(State next) {
        StateChange change = extras().endedFromOutside;
        RunRecorder recorder = runtime.recorder();
        if (recorder == runtime.recentRuns()) {
            if (topLevel()) {
                RecentRunsAccess.changed(runtime.recentRuns(), this, next);
            }
        } else {
            recorder.stateChanged(this, change);
        }
    }

    @Override
    public final int attempts() {
        return attempts;
    }

    @Override
    public final Optional<ErrorInfo> error() {
        Extras x = extras;
        return Optional.ofNullable(x == null ? null : x.error);
    }

    /** The arguments of a run that goes on (the engine's callers only ask while it does). */
    final @Nullable Object[] args() {
        if (args instanceof Object[] live) {
            return live;
        }
        throw new IllegalStateException(this + " has ended: its arguments were summarized");
    }

    /** A finished run's summarized parameters, when not a single positional one. */
    private record Summary(List<String> names, @Nullable Object[] values) {
    }

    @Override
    public final Map<String, Object> parameters() {
        Object a = args;
        if (a instanceof Object[] live) {
            return Collections.unmodifiableMap(spec.parameters(live));
        }
        Map<String, @Nullable Object> map = new LinkedHashMap<>();
        if (a instanceof Summary summary) {
            for (int i = 0; i < summary.names().size() && i < summary.values().length; i++) {
                map.put(summary.names().get(i), summary.values()[i]);
            }
        } else {
            map.put(spec.parameterNames().get(0), a);
        }
        return Collections.unmodifiableMap(map);
    }

    @Override
    public final Set<String> tags() {
        return tags;
    }

    @Override
    public final Optional<Instant> startTime() {
        // the usual case, without building the history: the first attempt started in the second or third change
        int n = changes;
        int running = State.RUNNING.ordinal();
        if (n > 1 && state1 == running) {
            return Optional.of(instant(at1));
        }
        if (n > 2 && state1 != running && state2 == running) {
            return Optional.of(instant(at2));
        }
        for (StateChange c : history()) {
            if (c.state() == State.RUNNING) {
                return Optional.of(c.at());
            }
        }
        return endTime(); // never ran: it started when it ended
    }

    @Override
    public final Optional<Instant> endTime() {
        List<StateChange> all = history();
        StateChange last = all.get(all.size() - 1);
        return last.state().isTerminal() ? Optional.of(last.at()) : Optional.empty();
    }

    @Override
    public final Duration duration() {
        Optional<Instant> s = startTime();
        if (s.isEmpty()) {
            return Duration.ZERO;
        }
        Optional<Instant> e = endTime();
        return Duration.between(s.get(), e.isPresent() ? e.get() : runtime.clock().instant());
    }

    @Override
    public final synchronized List<LogLine> logs() {
        Extras x = extras;
        return x == null || x.logs == null ? List.of() : List.copyOf(x.logs);
    }

    /** Log lines dropped because the run logged more than it keeps. */
    public final synchronized long droppedLogLines() {
        Extras x = extras;
        return x == null ? 0 : x.droppedLogLines;
    }

    public final Spec spec() {
        return spec;
    }

    /** Runs are equal only to themselves; the hash comes from the id (no identity hash to install). */
    @Override
    public final int hashCode() {
        return Long.hashCode(idHigh ^ idLow);
    }

    @Override
    public final boolean equals(@Nullable Object o) {
        return this == o;
    }

    @Override
    public String toString() {
        return spec.kind().word() + " run '" + name() + "' (" + id() + ") " + state();
    }
}
