package dev.sluice.tasks.email.internal;

import dev.sluice.RunContext;
import dev.sluice.tasks.email.EmailSendResult;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the attempts of one task run did with its messages (by their index), kept with the task run
 * ({@link RunContext#attribute}) across its attempts, so that a retry never sends a message an
 * earlier attempt handed to the server, whatever the retry policy says: an attempt cut off by the
 * task's timeout while the server had the message, and a thread of it still waiting for the
 * server's answer, included. A message an earlier attempt sent is reported sent again (not sent),
 * one it delivered to only some of its recipients partly sent again; one it was sending when it was
 * cut off is unconfirmed.
 */
public final class Deliveries {
    private static final RunContext.Key<Deliveries> KEY = RunContext.Key.of("email deliveries");

    private enum Status { SENDING, SENT, PARTLY_SENT, UNCONFIRMED }

    private record Entry(Status status, @Nullable String messageId, Object attempt, @Nullable String error) {
        Entry(Status status, @Nullable String messageId, Object attempt) {
            this(status, messageId, attempt, null);
        }
    }

    private final Map<Integer, Entry> entries = new HashMap<>();

    private Deliveries() {
    }

    /** The deliveries of the task run the calling code is in. */
    public static Deliveries ofThisTaskRun() {
        return RunContext.attribute(KEY, Deliveries::new);
    }

    /** Deliveries of their own, for a sender outside any task run (a notifier). */
    public static Deliveries fresh() {
        return new Deliveries();
    }

    /**
     * Claims message {@code index} for {@code attempt}: null to say send it, or what an earlier
     * attempt did with it (sent, or handed over and unconfirmed), to report without sending.
     */
    synchronized @Nullable EmailSendResult claim(int index, Object attempt, String which) {
        Entry e = entries.get(index);
        if (e == null || (e.status() == Status.SENDING && e.attempt() == attempt)) {
            entries.put(index, new Entry(Status.SENDING, null, attempt));
            return null;
        }
        if (e.status() == Status.SENT) {
            return new EmailSendResult(index, EmailSendResult.Status.SENT, e.messageId(), null);
        }
        if (e.status() == Status.PARTLY_SENT) {
            return new EmailSendResult(index, EmailSendResult.Status.PARTLY_SENT, e.messageId(), e.error());
        }
        return new EmailSendResult(index, EmailSendResult.Status.UNCONFIRMED, e.messageId(), which
                + " was being sent by an earlier attempt of this task run when it was cut off (timeout or error), so"
                + " the server may have it: it may have been delivered, so it is not sent again");
    }

    /** What an earlier attempt did with message {@code index} (sent, or handed over), without claiming it; else null. */
    synchronized @Nullable EmailSendResult earlier(int index, String which) {
        Entry e = entries.get(index);
        return e == null ? null : claim(index, new Object(), which);
    }

    /** The server confirmed message {@code index}. */
    synchronized void sent(int index, String messageId, Object attempt) {
        entries.put(index, new Entry(Status.SENT, messageId, attempt));
    }

    /**
     * The server took message {@code index} for some of its recipients and refused the others
     * ({@code error} names them): a later attempt reports that again rather than send it twice.
     */
    synchronized void partlySent(int index, String messageId, String error, Object attempt) {
        entries.put(index, new Entry(Status.PARTLY_SENT, messageId, attempt, error));
    }

    /** Message {@code index} certainly did not reach the server: a later attempt may send it. */
    synchronized void notSent(int index, Object attempt) {
        Entry e = entries.get(index);
        if (e != null && e.attempt() == attempt && e.status() == Status.SENDING) {
            entries.remove(index);
        }
    }

    /** Message {@code index} was handed over and not confirmed. */
    synchronized void unconfirmed(int index, @Nullable String messageId, Object attempt) {
        entries.put(index, new Entry(Status.UNCONFIRMED, messageId, attempt));
    }
}
