package dev.sluice;

/**
 * Receives every state change and every log line of every run in this JVM: the place to plug in
 * a database, a metrics system or a UI. Called synchronously on the thread that changes the
 * state, so an implementation must be fast and thread-safe, and must not throw.
 *
 * <p>The default is an {@link InMemoryRunRecorder}; replace it with
 * {@link Sluice#setRunRecorder(RunRecorder)}.
 */
public interface RunRecorder {
    /** {@code run} entered {@code change.state()}. */
    void stateChanged(Run run, StateChange change);

    /** {@code run} logged {@code line} (already masked). */
    default void logged(Run run, LogLine line) {
    }
}
