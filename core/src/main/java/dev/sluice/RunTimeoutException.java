package dev.sluice;

import java.time.Duration;

/**
 * The error of an attempt that did not finish within its timeout. The body's thread was
 * interrupted; if it ignores interruption it may still be running, detached from the run: a task
 * run or subflow it starts from then on is refused with an {@link IllegalStateException}, so it
 * adds nothing to the run that timed out (nor to the run's next attempt).
 * Retried like any other failure unless the retry policy says otherwise.
 */
public class RunTimeoutException extends SluiceException {
    private static final long serialVersionUID = 1L;

    private final Duration timeout;

    /** An exception for a run named {@code what} that exceeded {@code timeout}. */
    public RunTimeoutException(String what, Duration timeout) {
        super(what + " did not finish within its timeout of " + timeout);
        this.timeout = timeout;
    }

    /** The timeout that was exceeded. */
    public Duration timeout() {
        return timeout;
    }
}
