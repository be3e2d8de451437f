package dev.sluice.tasks.email;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What happened to one message of a {@link EmailTasks#sendMessages() batch}.
 *
 * @param index     the message's position in the list given to the task
 * @param status    sent, partly sent, failed, or unconfirmed
 * @param messageId the Message-ID header of a message that was sent (to all or some of its recipients,
 *                  or handed over when unconfirmed)
 * @param error     why it failed, is unconfirmed or went to only some recipients, naming server and
 *                  recipients; null when sent
 */
public record EmailSendResult(int index, Status status, @Nullable String messageId, @Nullable String error) {

    /** What happened to a message. */
    public enum Status {
        /** The server accepted the message. */
        SENT,
        /**
         * The server took the message for some of its recipients and refused the others: it was
         * delivered to those it took ({@code messageId} is set) and {@code error} names the refused
         * ones and the server's answer. It is not sent again, so that no one gets it twice.
         */
        PARTLY_SENT,
        /** The message was not delivered: refused by the server, or the server could not be reached. */
        FAILED,
        /**
         * The whole message was handed over, then the connection broke before the server confirmed
         * it: it may have been delivered. It is not sent again, so that no one gets it twice.
         */
        UNCONFIRMED
    }

    /** Validates. */
    public EmailSendResult {
        Objects.requireNonNull(status, "status");
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0, was " + index);
        }
        if (status == Status.SENT && messageId == null) {
            throw new IllegalArgumentException("a sent message has a message id");
        }
        if (status != Status.SENT && error == null) {
            throw new IllegalArgumentException("a " + status + " result has an error");
        }
    }

    /**
     * True if the server accepted the message for all its recipients ({@link Status#SENT}); false
     * for a {@link Status#PARTLY_SENT partly sent} one too, whose {@link #error()} names the recipients it missed.
     */
    public boolean sent() {
        return status == Status.SENT;
    }
}
