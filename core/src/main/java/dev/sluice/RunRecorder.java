package dev.sluice;

/**
 * Receives every state change and every log line of every run under a {@link SluiceRuntime}: the place to plug in
 * a database, a metrics system or a UI. Called synchronously on the thread that changes the
 * state, so an implementation must be fast and thread-safe, and must not throw.
 *
 * <p>Every runtime keeps an {@link InMemoryRunRecorder} ({@link SluiceRuntime#recentRuns()}); add
 * others with {@link SluiceRuntime.Builder#recorder(RunRecorder)}. A recorder that throws (an exception
 * or an {@link Error}, such as a class it needs missing from the class path) is logged and never
 * changes the run.
 *
 * <p>Secrets: log lines, errors and state messages reach a recorder masked, but a run that is still
 * going on hands out its arguments as they are ({@link Run#parameters()}); a recorder that writes
 * them down before the run ended passes their text through {@link dev.sluice.block.Secret#mask(String)}
 * first (or waits for the terminal change, when they are summarized and masked).
 *
 * <p>A recorder that needs something in force on the thread while a run's body runs (a tracing
 * context, so spans the body makes are children of the run's) overrides {@link #enter(Run)}. The
 * runtime checks once, when it is built, whether any of its recorders does; when none does, the
 * engine never calls it.
 */
public interface RunRecorder {
    /** {@code run} entered {@code change.state()}. */
    void stateChanged(Run run, StateChange change);

    /** {@code run} logged {@code line} (already masked). */
    default void logged(Run run, LogLine line) {
    }

    /** {@code run}'s tags changed while it goes on ({@link RunContext#addTags}); {@code tags} is the new set. */
    default void tagsChanged(Run run, java.util.Set<String> tags) {
    }

    /**
     * Called on the thread about to run one attempt's body of {@code run} (after its {@link State#RUNNING}
     * change was recorded); the scope returned is closed on the same thread when the body returns or
     * throws, before the attempt's outcome is recorded. Attempts of a run with a timeout run their body on
     * another thread: this is called there. Nested runs (a task run inside a flow run's body) nest
     * their scopes. It is called too, for the innermost run, on a thread that runs code through a
     * {@link RunContext#snapshot()} taken in that run's body, for as long as that code runs. The default does nothing and returns {@link Scope#NOOP}.
     *
     * <p>Must be fast and must not throw; a recorder that throws here is logged, and the body runs.
     */
    default Scope enter(Run run) {
        return Scope.NOOP;
    }

    /**
     * A value a recorder keeps with each run while the run goes on (a tracing span, a start time), held by
     * the run itself: cheaper than a map by run, which would be looked up on every change of every run.
     * Make one per recorder, {@link #set} it at the run's first state, {@link #get} it at later changes or in
     * {@link #enter}, and set it to null at the run's last state (a run the runtime keeps among its recent
     * runs would keep the value alive otherwise). A {@link Run} not made by a runtime keeps its values in a
     * map of the slot's.
     *
     * <pre>{@code
     * private final RunRecorder.Slot<Span> spans = RunRecorder.Slot.create();
     *
     * public void stateChanged(Run run, StateChange change) {
     *     if (change.state() == State.PENDING || change.state() == State.SCHEDULED) {
     *         spans.set(run, startSpan(run));    // at the run's first state
     *     }
     *     Span span = spans.get(run);            // at a later change (or in enter(run))
     *     if (span != null && change.state().isTerminal()) {
     *         span.end();
     *         spans.set(run, null);              // at the run's last state
     *     }
     * }
     * }</pre>
     *
     * @param <T> the type of the value kept
     */
    final class Slot<T> {
        private static final java.util.concurrent.atomic.AtomicInteger NEXT = new java.util.concurrent.atomic.AtomicInteger();
        private final int index = NEXT.getAndIncrement();
        private final java.util.concurrent.ConcurrentHashMap<Run, Object> others = new java.util.concurrent.ConcurrentHashMap<>();

        private Slot() {
        }

        /** A new slot, distinct from every other. */
        public static <T> Slot<T> create() {
            return new Slot<>();
        }

        /** The value kept with {@code run} in this slot, or null. */
        @SuppressWarnings("unchecked")
        public @org.jspecify.annotations.Nullable T get(Run run) {
            if (run instanceof dev.sluice.internal.RunRecord r) {
                return (T) r.slot(index);
            }
            return (T) others.get(run);
        }

        /** Keeps {@code value} with {@code run} in this slot; null forgets what it kept. */
        public void set(Run run, @org.jspecify.annotations.Nullable T value) {
            if (run instanceof dev.sluice.internal.RunRecord r) {
                r.slot(index, value);
            } else if (value == null) {
                others.remove(run);
            } else {
                others.put(run, value);
            }
        }

        @Override
        public String toString() {
            return "RunRecorder.Slot#" + index;
        }
    }

    /** What {@link #enter(Run)} put in force on a thread; {@link #close()} takes it away again. */
    @FunctionalInterface
    interface Scope extends AutoCloseable {
        /** A scope that does nothing. */
        Scope NOOP = () -> {
        };

        /** Ends the scope, on the thread it was entered on; throws nothing. */
        @Override
        void close();
    }
}
