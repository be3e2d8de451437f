package dev.sluice.tasks.email;

import dev.sluice.notify.NotificationException;
import org.jspecify.annotations.Nullable;

/**
 * Thrown when an email could not be sent: the server could not be reached, TLS or authentication
 * failed, the server refused the message, or the message could not be built (an attachment file
 * is missing). The message names the server, user or input at fault and never contains the
 * password. {@link #kind()} says what went wrong and {@link #isRetryable()} whether trying again
 * later may help.
 *
 * <p>A {@link NotificationException}, since an email is a message delivered: {@code Notify} retries
 * an {@link EmailNotifier} only when {@link #isRetryable()} is true, so a message the server may
 * already have delivered ({@link Kind#UNCONFIRMED}) or refused for good is never sent again.
 */
public class EmailException extends NotificationException {
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Kind {
        /** The message could not be built before connecting (an attachment file is missing or unreadable). */
        INVALID_MESSAGE,
        /** The server could not be reached, or the connection broke. Retryable. */
        CONNECTION,
        /** TLS could not be set up: untrusted certificate, wrong host name, or no STARTTLS offered. */
        TLS,
        /**
         * The server refused the username and password; retryable when the refusal was temporary
         * (4xx, such as {@code 454 Too many login attempts, please try again later}).
         */
        AUTHENTICATION,
        /** The server refused the message or a recipient; retryable when the refusal was temporary (4xx). */
        REJECTED,
        /** The connection broke after the whole message was handed over, so it may or may not have been delivered. */
        UNCONFIRMED
    }

    private final Kind kind;

    /** An exception of {@code kind} with a message and the cause it wraps. */
    public EmailException(Kind kind, String message, boolean retryable, @Nullable Throwable cause) {
        super(message, cause, retryable);
        this.kind = java.util.Objects.requireNonNull(kind, "kind");
    }

    /** What went wrong. */
    public Kind kind() {
        return kind;
    }

    /**
     * Whether trying again later may succeed: true for connection failures and temporary (4xx)
     * refusals, of a login too; false for bad input, TLS and (permanent) authentication failures,
     * permanent refusals and unconfirmed deliveries (sending again could deliver twice).
     */
    @Override
    public boolean isRetryable() {
        return super.isRetryable();
    }
}
