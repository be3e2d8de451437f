package dev.sluice;

/**
 * Receives every state change and every log line of every run under a {@link SluiceRuntime}: the place to plug in
 * a database, a metrics system or a UI. Called synchronously on the thread that changes the
 * state, so an implementation must be fast and thread-safe, and must not throw.
 *
 * <p>Every runtime keeps an {@link InMemoryRunRecorder} ({@link SluiceRuntime#recentRuns()}); add
 * others with {@link SluiceRuntime.Builder#recorder(RunRecorder)}. A recorder that throws is logged and
 * never changes the run.
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
}
