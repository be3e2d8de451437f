package dev.sluice;

/**
 * Receives every state change and every log line of every run under a {@link SluiceRuntime}: the place to plug in
 * a database, a metrics system or a UI. Called synchronously on the thread that changes the
 * state, so an implementation must be fast and thread-safe, and must not throw.
 *
 * <p>Every runtime keeps an {@link InMemoryRunRecorder} ({@link SluiceRuntime#recentRuns()}); add
 * others with {@link SluiceRuntime.Builder#recorder(RunRecorder)}. A recorder that throws is logged and
 * never changes the run.
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
     * their scopes. The default does nothing and returns {@link Scope#NOOP}.
     *
     * <p>Must be fast and must not throw; a recorder that throws here is logged, and the body runs.
     */
    default Scope enter(Run run) {
        return Scope.NOOP;
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
