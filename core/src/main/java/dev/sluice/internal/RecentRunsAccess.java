package dev.sluice.internal;

import dev.sluice.InMemoryRunRecorder;
import dev.sluice.Run;
import dev.sluice.State;

/**
 * How the engine tells a runtime's {@link InMemoryRunRecorder} of a state change without making the
 * {@link dev.sluice.StateChange} (and its {@link java.time.Instant}) the public method takes: the in-memory
 * recorder needs only the state, and when it is the runtime's only recorder, a standalone run or a flow run
 * then allocates a third less. Set once by the recorder's class.
 */
public final class RecentRunsAccess {
    /** The recorder's own entry point for a change of state. */
    @FunctionalInterface
    public interface Hook {
        /** {@code run} entered {@code state}. */
        void changed(InMemoryRunRecorder recorder, Run run, State state);
    }

    private static volatile Hook hook;

    private RecentRunsAccess() {
    }

    /** Called once, by {@link InMemoryRunRecorder}'s static initializer. */
    public static void set(Hook h) {
        hook = h;
    }

    static void changed(InMemoryRunRecorder recorder, Run run, State state) {
        hook.changed(recorder, run, state);
    }
}
