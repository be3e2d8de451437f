package dev.sluice.tasks.email;

import dev.sluice.RetryPolicy;
import dev.sluice.RunContext;
import dev.sluice.Task;
import dev.sluice.Task2;
import dev.sluice.tasks.email.internal.Deliveries;
import dev.sluice.tasks.email.internal.SmtpSender;
import java.time.Duration;
import java.util.List;

/**
 * Prebuilt tasks that send email. Each call returns a new {@link Task2} value that can be re-tuned
 * like any task ({@code EmailTasks.sendMessage().withRetries(5, Duration.ofSeconds(10))}).
 *
 * <p>Both tasks come with {@link #defaultRetryPolicy()}: two retries, with backoff, of errors that
 * may go away ({@link #isRetryable}): a server that cannot be reached or a temporary refusal (of a
 * login too: {@code 454 Too many login attempts}). Bad input, TLS and authentication failures fail at once. Waits go through the runtime's
 * {@link dev.sluice.Sleeper}. {@code withRetries(n, delay)} replaces that policy with one that retries
 * every failure, a wrong password or a refused message too; to change only the counts or delays, keep
 * the condition: {@code withRetryPolicy(RetryPolicy.fixed(3, Duration.ofSeconds(5)).retryIf(EmailTasks::isRetryable))}.
 *
 * <p>Time: each server reply may take the credentials' {@link EmailServerCredentials#readTimeout()
 * read timeout} in all (a reply trickled in a byte at a time included; a TLS handshake counts as a
 * reply), and a task's
 * {@code withTimeout} deadline (or a cancel) closes the attempt's connection at once, so a slow or
 * stuck server holds neither the caller nor the attempt's thread past it.
 */
public final class EmailTasks {
    private static final RetryPolicy DEFAULT_RETRY = RetryPolicy.exponential(2, Duration.ofSeconds(2), Duration.ofSeconds(30))
            .retryIf(EmailTasks::isRetryable)
            .yieldingToEnclosingRetries();

    private EmailTasks() {
    }

    /**
     * A task named {@code email-send-message} that sends one message on its own connection and
     * returns its Message-ID header (e.g. {@code <...@example.com>}).
     *
     * <pre>{@code
     * String id = EmailTasks.sendMessage().run(smtp, EmailMessage.of("ops@example.com", "Loaded", "1,204 rows"));
     * }</pre>
     *
     * <p>The message is checked before connecting: a missing attachment file fails the run without
     * contacting the server. Failures are {@link EmailException}s (the cause of the task's
     * {@code TaskFailedException}) naming the server, user, recipient or file at fault.
     *
     * <p>Recipients the server refuses (a mailbox that no longer exists) do not keep the message
     * from the others: it goes to every recipient the server takes, and then the run fails with a
     * {@link EmailException.Kind#REJECTED} error, not retryable since it was delivered, whose message
     * names the refused recipients with the server's answer (a temporary {@code 4xx} refusal too) and
     * the recipients it reached. Recipients beyond the server's limit per message ({@code 452 4.5.3 Too
     * many recipients}) are not refused: they get the message in further transactions on the same
     * connection, each recipient once.
     *
     * <p>Never sent twice by a retry, whatever the retry policy: once an attempt has handed the
     * message to the server (an attempt cut off by {@code withTimeout} while the server had it
     * included), a later attempt of the same task run does not send it again. It returns that
     * attempt's Message-ID if the server confirmed it for every recipient, fails with the same
     * refusal if it went to only some, else fails with an {@link EmailException.Kind#UNCONFIRMED} error.
     */
    public static Task2<EmailServerCredentials, EmailMessage, String> sendMessage() {
        return Task.of("email-send-message", (EmailServerCredentials credentials, EmailMessage message) ->
                        SmtpSender.send(credentials, message, RunContext.logger(), Deliveries.ofThisTaskRun()))
                .withParameterNames("credentials", "message")
                .withRetryPolicy(defaultRetryPolicy());
    }

    /**
     * A task named {@code email-send-messages} that sends many messages over one SMTP connection
     * (reconnecting if the server drops it) and returns one {@link EmailSendResult} per message, in
     * order. A message lost with the connection before it was handed over is sent again after
     * reconnecting; one lost after it was handed over is {@link EmailSendResult.Status#UNCONFIRMED
     * unconfirmed} and never sent twice. A message the server refuses is
     * {@link EmailSendResult.Status#FAILED failed} and the others still go; one it refuses for some of
     * its recipients only goes to the others and is {@link EmailSendResult.Status#PARTLY_SENT partly
     * sent}, its error naming the refused recipients.
     *
     * <p>The run fails (and may be retried) only before anything was sent: an attachment file
     * missing from any message, or the first connection or login failing. Once a message is sent
     * the run completes, so a retry never sends a message twice; check the results. A run cut off
     * by {@code withTimeout} and retried (a policy that retries timeouts) resumes: messages an earlier
     * attempt sent are reported sent, the one it was sending is unconfirmed, and only the rest go.
     */
    public static Task2<EmailServerCredentials, List<EmailMessage>, List<EmailSendResult>> sendMessages() {
        return Task.of("email-send-messages", (EmailServerCredentials credentials, List<EmailMessage> messages) ->
                        SmtpSender.sendAll(credentials, messages, RunContext.logger(), Deliveries.ofThisTaskRun()))
                .withParameterNames("credentials", "messages")
                .withRetryPolicy(defaultRetryPolicy());
    }

    /**
     * The retry policy the email tasks start with: up to 2 retries, 2 then 4 seconds apart, of
     * errors for which {@link #isRetryable} is true, yielding to an enclosing retry layer
     * ({@link RetryPolicy#yieldingToEnclosingRetries()}). A policy set with {@code withRetryPolicy}
     * replaces it.
     */
    public static RetryPolicy defaultRetryPolicy() {
        return DEFAULT_RETRY;
    }

    /**
     * True if {@code error} is an {@link EmailException} that may go away if tried again (see
     * {@link EmailException#isRetryable()}); for {@code RetryPolicy.retryIf(EmailTasks::isRetryable)}.
     */
    public static boolean isRetryable(Throwable error) {
        return error instanceof EmailException e && e.isRetryable();
    }
}
