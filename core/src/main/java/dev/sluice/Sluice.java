package dev.sluice;

import java.util.Objects;

/** JVM-wide settings of the engine. */
public final class Sluice {
    private static final InMemoryRunRecorder DEFAULT_RECORDER =
            new InMemoryRunRecorder(Integer.getInteger("sluice.recentRuns", 1_000));
    private static volatile RunRecorder recorder = DEFAULT_RECORDER;

    private Sluice() {
    }

    /** The recorder every state change and log line goes to. */
    public static RunRecorder runRecorder() {
        return recorder;
    }

    /** Replaces the run recorder for the whole JVM. */
    public static void setRunRecorder(RunRecorder runRecorder) {
        recorder = Objects.requireNonNull(runRecorder, "runRecorder");
    }

    /** The built-in in-memory recorder (the default), whether or not it is the one in use. */
    public static InMemoryRunRecorder recentRuns() {
        return DEFAULT_RECORDER;
    }
}
