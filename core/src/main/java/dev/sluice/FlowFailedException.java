package dev.sluice;

import org.jspecify.annotations.Nullable;

/**
 * Thrown by {@code flow.run(...)} when a flow run does not complete. {@link #run()} holds the
 * whole record: state, history, task runs, logs. The cause is the exception that ended the run.
 */
public class FlowFailedException extends SluiceException {
    private static final long serialVersionUID = 1L;

    private final transient FlowRun<?> run;

    /** An exception for {@code run}. */
    public FlowFailedException(FlowRun<?> run, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.run = run;
    }

    /** The flow run that did not complete. */
    public FlowRun<?> run() {
        return run;
    }

    /** The state the run ended in. */
    public State state() {
        return run.state();
    }
}
