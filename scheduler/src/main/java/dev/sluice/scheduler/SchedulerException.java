package dev.sluice.scheduler;

import dev.sluice.SluiceException;
import org.jspecify.annotations.Nullable;

/**
 * The root of the exceptions of deployments and schedules ({@link InvalidParametersException}, ...).
 * Mistakes in building a {@link Schedule} or {@link Deployment} are {@link IllegalArgumentException}s
 * naming the field, as for every Sluice builder.
 *
 * <pre>{@code
 * try {
 *     deployment.runForState(input);
 * } catch (SchedulerException e) {       // InvalidParametersException, ...
 *     log.warn("not run: {}", e.getMessage());
 * }
 * }</pre>
 */
public abstract class SchedulerException extends SluiceException {
    private static final long serialVersionUID = 1L;

    /** An exception with a message. */
    protected SchedulerException(String message) {
        super(message);
    }

    /** An exception with a message and the cause it wraps. */
    protected SchedulerException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
