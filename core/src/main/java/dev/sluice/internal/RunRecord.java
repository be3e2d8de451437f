package dev.sluice.internal;

import dev.sluice.ErrorInfo;
import dev.sluice.LogLine;
import dev.sluice.Run;
import dev.sluice.RunContext;
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

/** The live record of one run; what the engine updates and users read through {@link Run}. */
public abstract class RunRecord implements Run {
    final String id;
    final Spec spec;
    /** The arguments while the run goes on; empty once it ended (see {@link #summary}). */
    volatile @Nullable Object[] args;
    /** Once the run ended: a {@link Parameters summary} of the parameters. */
    private volatile @Nullable Map<String, @Nullable Object> summary;
    volatile Set<String> tags;
    final RuntimeState runtime;
    private @Nullable String name;
    private volatile java.util.concurrent.@Nullable ConcurrentHashMap<RunContext.Key<?>, Object> attributes;

    private static final @Nullable Object[] NO_ARGS = new Object[0];
    /** When the current attempt times out ({@link System#nanoTime()}), or 0 when it has no timeout. */
    volatile long attemptDeadline;
    private volatile State state;
    private final List<StateChange> history = new ArrayList<>(4);
    private volatile int attempts;
    private volatile @Nullable ErrorInfo error;
    private volatile @Nullable Instant start;
    private volatile @Nullable Instant end;
    private @Nullable ArrayDeque<LogLine> logs;
    private long droppedLogLines;

    RunRecord(RuntimeState runtime, Spec spec, @Nullable Object[] args, Set<String> tags, State initial) {
        this.runtime = runtime;
        this.id = Ids.next();
        this.spec = spec;
        this.args = args;
        this.tags = tags;
        this.state = initial;
        StateChange first = new StateChange(initial, runtime.clock().instant(), null);
        history.add(first);
    }

    /** Announces the initial state to the recorder; called once the record is fully built. */
    final void announce() {
        StateChange first;
        synchronized (this) {
            first = history.get(0);
        }
        runtime.recorder().stateChanged(this, first);
    }

    /** Enters {@code next} and tells the run recorder. */
    public final void transition(State next, @Nullable String message) {
        StateChange change = new StateChange(next, runtime.clock().instant(), message == null ? null : Masker.mask(message));
        if (next.isTerminal() && spec.runNameTemplate() != null) {
            name(); // the run name is made from the arguments: fix it before they are summarized
        }
        synchronized (this) {
            if (state.isTerminal()) {
                return;
            }
            history.add(change);
            state = next;
            if (next == State.RUNNING && start == null) {
                start = change.at();
            }
            if (next.isTerminal()) {
                summary = Parameters.summarize(spec.parameters(args));
                args = NO_ARGS;
                end = change.at();
                if (start == null) {
                    start = change.at();
                }
            }
        }
        runtime.recorder().stateChanged(this, change);
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
        java.util.concurrent.ConcurrentHashMap<RunContext.Key<?>, Object> map = attributes;
        if (map == null) {
            synchronized (this) {
                map = attributes;
                if (map == null) {
                    map = new java.util.concurrent.ConcurrentHashMap<>();
                    attributes = map;
                }
            }
        }
        return (T) map.computeIfAbsent(key, k -> java.util.Objects.requireNonNull(initial.get(), "initial value"));
    }

    /** The run-scoped value of {@code key}, or null. */
    @SuppressWarnings("unchecked")
    public final <T> @Nullable T attributeIfPresent(RunContext.Key<T> key) {
        var map = attributes;
        return map == null ? null : (T) map.get(key);
    }

    /** Drops the run-scoped values: the run has ended and its hooks have run. */
    final void dropAttributes() {
        attributes = null;
    }

    final int startAttempt() {
        return ++attempts;
    }

    final void fail(Throwable t) {
        error = new ErrorInfo(t.getClass().getName(), Masker.mask(t.getMessage()), Masker.stackTrace(t));
    }

    /** Keeps {@code line} with this run (bounded) and tells the run recorder. */
    void addLog(LogLine line) {
        keep(line);
        runtime.recorder().logged(this, line);
    }

    final void keep(LogLine line) {
        synchronized (this) {
            if (logs == null) {
                logs = new ArrayDeque<>();
            }
            logs.addLast(line);
            if (logs.size() > maxLogLines()) {
                logs.pollFirst();
                droppedLogLines++;
            }
        }
    }

    abstract int maxLogLines();

    private @Nullable RunLogger logger;

    /** The logger bound to this run. */
    public final synchronized RunLogger logger() {
        if (logger == null) {
            logger = new RunLogger(this);
        }
        return logger;
    }

    /** A default run name, when no template is set. */
    abstract String defaultName();

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final synchronized String name() {
        if (name == null) {
            name = spec.runNameTemplate() != null ? spec.runName(args) : defaultName();
        }
        return name;
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
        return state;
    }

    @Override
    public final synchronized List<StateChange> history() {
        return List.copyOf(history);
    }

    @Override
    public final int attempts() {
        return attempts;
    }

    @Override
    public final Optional<ErrorInfo> error() {
        return Optional.ofNullable(error);
    }

    @Override
    public final Map<String, Object> parameters() {
        Map<String, @Nullable Object> done = summary;
        if (done != null) {
            return Collections.unmodifiableMap(done);
        }
        @Nullable Object[] live = args;
        Map<String, @Nullable Object> now = spec.parameters(live);
        done = summary; // it may have ended meanwhile
        return Collections.unmodifiableMap(done != null ? done : now);
    }

    @Override
    public final Set<String> tags() {
        return tags;
    }

    @Override
    public final Optional<Instant> startTime() {
        return Optional.ofNullable(start);
    }

    @Override
    public final Optional<Instant> endTime() {
        return Optional.ofNullable(end);
    }

    @Override
    public final Duration duration() {
        Instant s = start;
        if (s == null) {
            return Duration.ZERO;
        }
        Instant e = end;
        return Duration.between(s, e == null ? runtime.clock().instant() : e);
    }

    @Override
    public final synchronized List<LogLine> logs() {
        return logs == null ? List.of() : List.copyOf(logs);
    }

    /** Log lines dropped because the run logged more than it keeps. */
    public final synchronized long droppedLogLines() {
        return droppedLogLines;
    }

    public final Spec spec() {
        return spec;
    }

    @Override
    public String toString() {
        return spec.kind().word() + " run '" + name() + "' (" + id + ") " + state;
    }
}
