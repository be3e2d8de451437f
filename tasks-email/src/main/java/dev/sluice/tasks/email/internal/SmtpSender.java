package dev.sluice.tasks.email.internal;

import dev.sluice.RetryPolicy;
import dev.sluice.tasks.email.EmailException;
import dev.sluice.tasks.email.EmailMessage;
import dev.sluice.tasks.email.EmailSendResult;
import dev.sluice.tasks.email.EmailServerCredentials;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/** Sends messages over SMTP: one on its own connection, or a batch over one connection. */
public final class SmtpSender {
    /**
     * Reconnecting after the server dropped the connection mid-batch: at once, then once more after
     * 1 s, for failures that may go away. Not yielding on purpose: once a batch has sent a message its
     * run completes whatever happens next (a retry must never send a message twice), so no enclosing
     * layer ever retries a reconnect and these retries cannot multiply with another layer's.
     */
    private static final RetryPolicy RECONNECT = RetryPolicy.delays(Duration.ofSeconds(1))
            .retryIf(e -> e instanceof EmailException email && email.isRetryable());

    private SmtpSender() {
    }

    /**
     * Sends {@code message} on a connection of its own and returns its Message-ID. Recipients the
     * server refuses do not keep it from the others: it goes to every recipient the server takes,
     * and then fails ({@link EmailException.Kind#REJECTED}, not retryable: it was delivered) naming
     * the refused ones and those it went to.
     *
     * @throws EmailException naming the server, user, recipient or file at fault
     */
    public static String send(EmailServerCredentials credentials, EmailMessage message, Logger log) {
        return send(credentials, message, log, Deliveries.fresh());
    }

    /** Sends a notification: as {@link #send(EmailServerCredentials, EmailMessage, Logger)}. */
    public static String sendToEveryoneItCan(EmailServerCredentials credentials, EmailMessage message, Logger log) {
        return send(credentials, message, log, Deliveries.fresh());
    }

    /**
     * As {@link #send(EmailServerCredentials, EmailMessage, Logger)}, never sending the message again
     * when an earlier attempt of the same task run ({@code deliveries}) handed it over: its Message-ID
     * is returned if the server confirmed it for every recipient, the same refusal if it went to only
     * some, else an unconfirmed {@link EmailException}.
     */
    public static String send(EmailServerCredentials credentials, EmailMessage message, Logger log, Deliveries deliveries) {
        return sendOnce(credentials, message, log, deliveries);
    }

    private static String sendOnce(EmailServerCredentials credentials, EmailMessage message, Logger log, Deliveries deliveries) {
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(message, "message");
        String which = "message '" + message.subject() + "'";
        MimeMessages.check(message, credentials.username(), which);
        Session session = SmtpConnection.session(credentials);
        MimeMessage mime = build(session, message, credentials, which);
        Object attempt = new Object();
        try (SmtpConnection connection = SmtpConnection.open(credentials, session, log)) {
            stopIfInterrupted(which);
            EmailSendResult earlier = deliveries.claim(0, attempt, which);
            if (earlier != null) {
                return earlier(earlier, which, log);
            }
            SmtpConnection.Outcome outcome = connection.send(mime); // throwing: the delivery stays unknown
            if (outcome instanceof SmtpConnection.Outcome.Sent sent) {
                deliveries.sent(0, sent.messageId(), attempt);
                log.debug("sent {} to {} via {}: {}", which, message.recipients().size() + " recipient(s)",
                        credentials.address(), sent.messageId());
                return sent.messageId();
            }
            if (outcome instanceof SmtpConnection.Outcome.PartlySent partly) {
                deliveries.partlySent(0, partly.messageId(), partly.error().getMessage(), attempt);
                log.warn("{} went to only some of its recipients: {}", which, partly.error().getMessage());
            } else {
                record(deliveries, 0, outcome, mime, attempt);
            }
            throw error(outcome);
        }
    }

    /** What an earlier attempt did with a message: its Message-ID if the server confirmed it, else the error. */
    private static String earlier(EmailSendResult earlier, String which, Logger log) {
        if (earlier.sent()) {
            log.info("{} was sent by an earlier attempt of this task run; not sending it again", which);
            return Objects.requireNonNull(earlier.messageId());
        }
        if (earlier.status() == EmailSendResult.Status.PARTLY_SENT) {
            log.info("{} was delivered to some of its recipients by an earlier attempt of this task run; not sending it again",
                    which);
            throw new EmailException(EmailException.Kind.REJECTED, Objects.requireNonNull(earlier.error())
                    + " (by an earlier attempt of this task run; not sent again)", false, null);
        }
        throw new EmailException(EmailException.Kind.UNCONFIRMED, Objects.requireNonNull(earlier.error()), false, null);
    }

    /** Notes in {@code deliveries} what a failed send of message {@code index} means for a later attempt. */
    private static void record(Deliveries deliveries, int index, SmtpConnection.Outcome outcome, MimeMessage mime,
            Object attempt) {
        if (outcome instanceof SmtpConnection.Outcome.LostAfter) {
            deliveries.unconfirmed(index, idOf(mime), attempt);
        } else {
            deliveries.notSent(index, attempt); // refused, or lost before it was handed over
        }
    }

    /** An attempt the task's timeout or a cancel interrupted sends nothing more: a retry may be under way. */
    private static void stopIfInterrupted(String which) {
        if (Thread.currentThread().isInterrupted()) {
            throw new EmailException(EmailException.Kind.CONNECTION, which + " not sent: the attempt was interrupted"
                    + " (the task's timeout or a cancel) before it was handed over", false, null);
        }
    }

    /**
     * Sends {@code messages} over one connection, reconnecting if the server drops it, and returns
     * one result per message in order. A message lost with the connection before it was handed over
     * is sent again once; one lost after is reported unconfirmed and never sent twice.
     *
     * @throws EmailException only before anything was sent: a message that cannot be built (missing
     *                        attachment file), or the first connection or login failing
     */
    public static List<EmailSendResult> sendAll(EmailServerCredentials credentials, List<EmailMessage> messages, Logger log) {
        return sendAll(credentials, messages, log, Deliveries.fresh());
    }

    /**
     * As {@link #sendAll(EmailServerCredentials, List, Logger)}, never sending a message again that an
     * earlier attempt of the same task run ({@code deliveries}) handed over: it is reported as that
     * attempt left it (sent, or unconfirmed), and the rest are sent.
     */
    public static List<EmailSendResult> sendAll(EmailServerCredentials credentials, List<EmailMessage> messages, Logger log,
            Deliveries deliveries) {
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(messages, "messages");
        List<EmailMessage> list = List.copyOf(messages);
        for (int i = 0; i < list.size(); i++) {
            MimeMessages.check(list.get(i), credentials.username(), which(i, list.get(i)));
        }
        List<EmailSendResult> results = new ArrayList<>(list.size());
        if (list.isEmpty()) {
            return List.of();
        }
        Session session = SmtpConnection.session(credentials);
        SmtpConnection connection = SmtpConnection.open(credentials, session, log);
        Object attempt = new Object();
        int reconnects = 0;
        try {
            for (int i = 0; i < list.size(); i++) {
                EmailMessage message = list.get(i);
                if (Thread.currentThread().isInterrupted()) {
                    // the run was cancelled or timed out: stop here rather than keep sending unseen
                    for (int j = i; j < list.size(); j++) {
                        results.add(earlierOr(deliveries, j, list.get(j), new EmailSendResult(j, EmailSendResult.Status.FAILED,
                                null, which(j, list.get(j)) + " not sent: the batch was interrupted")));
                    }
                    return List.copyOf(results);
                }
                MimeMessage mime;
                try {
                    mime = build(session, message, credentials, which(i, message));
                } catch (EmailException e) {
                    results.add(new EmailSendResult(i, EmailSendResult.Status.FAILED, null, e.getMessage()));
                    continue;
                }
                EmailSendResult earlier = deliveries.claim(i, attempt, which(i, message));
                if (earlier != null) {
                    log.info("{} was {} by an earlier attempt of this task run; not sending it again", which(i, message),
                            earlier.sent() ? "sent" : "handed over");
                    results.add(earlier);
                    continue;
                }
                boolean resent = false;
                while (true) {
                    if (connection == null) {
                        try {
                            connection = reconnect(credentials, session, log);
                            reconnects++;
                        } catch (EmailException e) {
                            log.warn("could not reconnect to SMTP server {}; {} message(s) not sent: {}",
                                    credentials.address(), list.size() - i, e.getMessage());
                            deliveries.notSent(i, attempt);
                            for (int j = i; j < list.size(); j++) {
                                results.add(earlierOr(deliveries, j, list.get(j), new EmailSendResult(j,
                                        EmailSendResult.Status.FAILED, null, which(j, list.get(j)) + " not sent: " + e.getMessage())));
                            }
                            return List.copyOf(results);
                        }
                    }
                    SmtpConnection.Outcome outcome;
                    try {
                        outcome = connection.send(mime);
                    } catch (RuntimeException e) {
                        // not a protocol answer: the connection's state is unknown, so drop it and do not resend
                        connection.close();
                        connection = null;
                        results.add(new EmailSendResult(i, EmailSendResult.Status.FAILED, null,
                                which(i, message) + " failed: " + SmtpConnection.describe(e)));
                        break;
                    }
                    if (outcome instanceof SmtpConnection.Outcome.Sent sent) {
                        deliveries.sent(i, sent.messageId(), attempt);
                        results.add(new EmailSendResult(i, EmailSendResult.Status.SENT, sent.messageId(), null));
                        break;
                    }
                    if (outcome instanceof SmtpConnection.Outcome.PartlySent partly) {
                        String error = which(i, message) + ": " + partly.error().getMessage();
                        deliveries.partlySent(i, partly.messageId(), error, attempt);
                        log.warn("{} went to only some of its recipients: {}", which(i, message), partly.error().getMessage());
                        results.add(new EmailSendResult(i, EmailSendResult.Status.PARTLY_SENT, partly.messageId(), error));
                        if (!connection.isOpen()) {
                            // the rest of its recipients broke the connection: the next message reconnects
                            connection.close();
                            connection = null;
                        }
                        break;
                    }
                    if (outcome instanceof SmtpConnection.Outcome.LostBefore lost && !resent
                            && !Thread.currentThread().isInterrupted()) {
                        log.info("connection to SMTP server {} lost before {} was sent ({}); reconnecting to send it and the rest",
                                credentials.address(), which(i, message), lost.error().getMessage());
                        connection = null;
                        resent = true;
                        continue;
                    }
                    record(deliveries, i, outcome, mime, attempt);
                    EmailException error = error(outcome);
                    if (!(outcome instanceof SmtpConnection.Outcome.Refused)) {
                        connection = null;
                    }
                    EmailSendResult.Status status = outcome instanceof SmtpConnection.Outcome.LostAfter
                            ? EmailSendResult.Status.UNCONFIRMED : EmailSendResult.Status.FAILED;
                    log.warn("{} {}: {}", which(i, message), status == EmailSendResult.Status.UNCONFIRMED
                            ? "is unconfirmed" : "failed", error.getMessage());
                    results.add(new EmailSendResult(i, status,
                            status == EmailSendResult.Status.UNCONFIRMED ? idOf(mime) : null, error.getMessage()));
                    break;
                }
            }
        } finally {
            if (connection != null) {
                connection.close();
            }
        }
        log.debug("sent {} of {} message(s) via {} ({} reconnect(s))",
                results.stream().filter(EmailSendResult::sent).count(), list.size(), credentials.address(), reconnects);
        return List.copyOf(results);
    }

    /** What an earlier attempt of the task run did with message {@code index}, else {@code otherwise}. */
    private static EmailSendResult earlierOr(Deliveries deliveries, int index, EmailMessage message, EmailSendResult otherwise) {
        EmailSendResult earlier = deliveries.earlier(index, which(index, message));
        return earlier != null ? earlier : otherwise;
    }

    private static SmtpConnection reconnect(EmailServerCredentials credentials, Session session, Logger log) {
        return RECONNECT.execute("reconnecting to SMTP server " + credentials.address(),
                attempt -> SmtpConnection.open(credentials, session, log));
    }

    private static MimeMessage build(Session session, EmailMessage message, EmailServerCredentials credentials, String which) {
        try {
            return MimeMessages.build(session, message, credentials.username());
        } catch (MessagingException e) {
            throw new EmailException(EmailException.Kind.INVALID_MESSAGE, "could not build " + which + ": "
                    + SmtpConnection.describe(e), false, e);
        }
    }

    private static EmailException error(SmtpConnection.Outcome outcome) {
        if (outcome instanceof SmtpConnection.Outcome.Refused r) {
            return r.error();
        }
        if (outcome instanceof SmtpConnection.Outcome.LostBefore l) {
            return l.error();
        }
        if (outcome instanceof SmtpConnection.Outcome.LostAfter l) {
            return l.error();
        }
        if (outcome instanceof SmtpConnection.Outcome.PartlySent p) {
            return p.error();
        }
        throw new IllegalStateException("not an error: " + outcome);
    }

    private static @Nullable String idOf(MimeMessage mime) {
        try {
            return mime.getMessageID();
        } catch (MessagingException e) {
            return null;
        }
    }

    private static String which(int index, EmailMessage message) {
        List<String> recipients = message.recipients();
        String to = recipients.size() <= 3 ? recipients.toString()
                : recipients.subList(0, 3).toString().replace("]", ", ... " + (recipients.size() - 3) + " more]");
        return "message " + index + " ('" + message.subject() + "' to " + to + ")";
    }
}
