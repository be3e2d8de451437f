package dev.sluice;

import org.jspecify.annotations.Nullable;

/**
 * Thrown by {@code flow.run(...)} when a flow run does not complete. {@link #run()} holds the
 * whole record: state, history, task runs, logs. The cause is the exception that ended the run, or,
 * when a message in its chain holds a revealed secret, a masked copy (see {@link TaskFailedException}).
 */
public class FlowFailedException extends SluiceException {
    private static final long serialVersionUID = 1L;

    private final transient FlowRun<?> run;
    /** The cause as thrown (unmasked), for retry conditions; never handed out. */
    private final transient @org.jspecify.annotations.Nullable Throwable thrown;

    /** An exception for {@code run}. */
    public FlowFailedException(FlowRun<?> run, String message, @Nullable Throwable cause) {
        super(dev.sluice.internal.Masker.mask(message), cause == null ? null : dev.sluice.internal.Masker.maskThrowable(cause));
        this.run = run;
        this.thrown = cause;
    }

    /** The flow run that did not complete. */
    public FlowRun<?> run() {
        return run;
    }

    /** The state the run ended in. */
    public State state() {
        return run.state();
    }

    /** The cause as the body threw it (before masking), or null. */
    @org.jspecify.annotations.Nullable Throwable thrown() {
        return thrown;
    }
}
