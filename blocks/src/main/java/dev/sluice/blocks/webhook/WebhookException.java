package dev.sluice.blocks.webhook;

import dev.sluice.notify.NotificationException;
import org.jspecify.annotations.Nullable;

/**
 * A webhook notifier could not deliver a notification: the service refused it, kept answering
 * 429 or 5xx, or could not be reached. The message names the service and host (never the secret
 * part of a webhook URL, a routing key or a token), the HTTP status and what to check.
 */
public class WebhookException extends NotificationException {
    private static final long serialVersionUID = 1L;

    private final int statusCode;

    /**
     * An exception for an answer with {@code statusCode}, or 0 when there was no answer, thrown
     * after the notifier's own retries: {@code Notify} does not retry it again.
     */
    public WebhookException(String message, int statusCode, @Nullable Throwable cause) {
        this(message, statusCode, false, cause);
    }

    /**
     * An exception for an answer with {@code statusCode}, or 0 when there was no answer;
     * {@code retryable} when the notifier made a single attempt and left retrying to an enclosing
     * layer ({@code Notify}, a task's retries), which may then try again.
     */
    public WebhookException(String message, int statusCode, boolean retryable, @Nullable Throwable cause) {
        super(message, cause, retryable);
        this.statusCode = statusCode;
    }

    /** The HTTP status of the last answer, or 0 if the service never answered (timeout, network failure). */
    public int statusCode() {
        return statusCode;
    }
}
