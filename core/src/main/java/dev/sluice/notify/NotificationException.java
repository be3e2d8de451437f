package dev.sluice.notify;

import dev.sluice.SluiceException;
import org.jspecify.annotations.Nullable;

/**
 * A notification could not be delivered, even after the retries of {@link Notify}. Thrown only by
 * hooks made with {@link Notify#raiseOnFailure()}, and by notifiers themselves.
 */
public class NotificationException extends SluiceException {
    private static final long serialVersionUID = 1L;

    private final boolean retryable;

    /** An exception with a message; {@link Notify} may retry the delivery. */
    public NotificationException(String message) {
        this(message, null, true);
    }

    /** An exception with a message and its cause; {@link Notify} may retry the delivery. */
    public NotificationException(String message, @Nullable Throwable cause) {
        this(message, cause, true);
    }

    /**
     * An exception with a message and its cause. {@code retryable = false} tells {@link Notify} not to
     * try again: the notifier already retried as far as it should (or trying again cannot help).
     */
    public NotificationException(String message, @Nullable Throwable cause, boolean retryable) {
        super(message, cause);
        this.retryable = retryable;
    }

    /** Whether delivering the same notification again may succeed. */
    public boolean isRetryable() {
        return retryable;
    }
}
