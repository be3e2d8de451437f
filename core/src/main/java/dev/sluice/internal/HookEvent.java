package dev.sluice.internal;

import dev.sluice.State;

/** The moments a hook can be registered for. */
public enum HookEvent {
    RUNNING("onRunning"),
    COMPLETION("onCompletion"),
    FAILURE("onFailure"),
    CANCELLATION("onCancellation"),
    CRASHED("onCrashed");

    private final String method;

    HookEvent(String method) {
        this.method = method;
    }

    /** The name of the method that registers such a hook, for messages. */
    public String method() {
        return method;
    }

    /**
     * Whether hooks of this event fire when a run ends in {@code state}. {@code onFailure} also
     * fires for TIMED_OUT and CRASHED, so a failure notification is never missed.
     */
    public boolean firesOn(State state) {
        return switch (this) {
            case RUNNING -> state == State.RUNNING;
            case COMPLETION -> state.isSuccess();
            case FAILURE -> state == State.FAILED || state == State.TIMED_OUT || state == State.CRASHED;
            case CANCELLATION -> state == State.CANCELLED;
            case CRASHED -> state == State.CRASHED;
        };
    }
}
