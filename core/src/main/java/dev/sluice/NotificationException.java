package dev.sluice;

import org.jspecify.annotations.Nullable;

/**
 * A notification could not be delivered, even after the retries of {@link Notify}. Thrown only by
 * hooks made with {@link Notify#raiseOnFailure()}, and by notifiers themselves.
 */
public class NotificationException extends SluiceException {
    private static final long serialVersionUID = 1L;

    /** An exception with a message. */
    public NotificationException(String message) {
        super(message);
    }

    /** An exception with a message and its cause. */
    public NotificationException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
