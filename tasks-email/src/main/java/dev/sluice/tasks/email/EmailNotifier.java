package dev.sluice.tasks.email;

import dev.sluice.RetryPolicy;
import dev.sluice.RunContext;
import dev.sluice.block.Block;
import dev.sluice.block.BlockRef;
import dev.sluice.block.BlockType;
import dev.sluice.notify.Notification;
import dev.sluice.notify.Notifier;
import dev.sluice.notify.Severity;
import dev.sluice.tasks.email.internal.Checks;
import dev.sluice.tasks.email.internal.SmtpSender;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Notifier} that emails each {@link Notification} to fixed recipients: what
 * {@code Notify.via(...)} uses to email a flow failure. A {@link Block}: it refers to its saved
 * {@link EmailServerCredentials} with a {@link BlockRef}, loaded from the current runtime's block
 * store each time it sends, or holds them directly.
 *
 * <pre>{@code
 * EmailNotifier notifier = EmailNotifier.of("ops-smtp", List.of("oncall@example.com"));   // credentials by name
 * EmailNotifier direct = EmailNotifier.of(smtp, List.of("oncall@example.com"));           // credentials given
 * }</pre>
 *
 * <p>The subject is {@code subjectPrefix} plus the notification's subject (line breaks replaced by
 * spaces); the body is the notification's body followed by its fields, one {@code key: value} per
 * line. Severity goes in the {@code X-Sluice-Severity} header (and {@code X-Priority: 1} for ERROR
 * and CRITICAL).
 *
 * <p>Retries: {@link #send} retries failures that may go away ({@link EmailTasks#isRetryable}: a
 * server that cannot be reached, a temporary 4xx refusal) up to twice, 1 s then 2 s apart, through
 * the runtime's {@link dev.sluice.Sleeper}. Those retries yield to an enclosing retry layer: inside
 * {@link dev.sluice.notify.Notify#via}'s retries, or in a task run with retries, each send makes one
 * attempt, so a notification is never retried by two layers at once. A message the server may have
 * delivered ({@link EmailException.Kind#UNCONFIRMED}) or refused for good fails with an
 * {@link EmailException} that is not {@linkplain EmailException#isRetryable() retryable}, so neither
 * this notifier nor {@code Notify} sends it again.
 *
 * @param credentialsBlock the saved {@link EmailServerCredentials} to use (stored as their name);
 *                         null when {@code credentials} is given
 * @param to               the recipients (at least one)
 * @param from             the sender; null means the credentials' username
 * @param subjectPrefix    put before every subject, e.g. {@code "[sluice] "}
 * @param credentials      credentials given directly instead of by reference (a block store keeps a
 *                         copy of them inside this block, their secrets encrypted as in any block)
 */
@BlockType("email-notifier")
public record EmailNotifier(
        @Nullable BlockRef<EmailServerCredentials> credentialsBlock,
        List<String> to,
        @Nullable String from,
        String subjectPrefix,
        @Nullable EmailServerCredentials credentials) implements Block, Notifier {

    /** The subject prefix unless set. */
    public static final String DEFAULT_SUBJECT_PREFIX = "[sluice] ";

    private static final int MAX_SUBJECT = 250;
    /** {@link #send}'s own retries; yielding, so an enclosing layer (Notify's retries) is the only one. */
    private static final RetryPolicy RETRY = RetryPolicy.exponential(2, Duration.ofSeconds(1), Duration.ofSeconds(10))
            .retryIf(EmailTasks::isRetryable)
            .yieldingToEnclosingRetries();

    /** Validates. */
    public EmailNotifier {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(subjectPrefix, "subjectPrefix");
        to = List.copyOf(to);
        if (to.isEmpty()) {
            throw new IllegalArgumentException("an email notifier needs at least one recipient in 'to'");
        }
        Checks.addresses("to", to);
        if (from != null) {
            Checks.address("from", from);
        }
        Checks.noLineBreaks("subjectPrefix", subjectPrefix);
        if (credentialsBlock == null && credentials == null) {
            throw new IllegalArgumentException("an email notifier needs credentials: a reference to an"
                    + " email-server-credentials block, or the credentials themselves");
        }
    }

    /**
     * A notifier using the {@link EmailServerCredentials} saved as {@code credentialsBlock}.
     *
     * @throws IllegalArgumentException if the name is not a valid block name
     */
    public static EmailNotifier of(String credentialsBlock, List<String> to) {
        Objects.requireNonNull(credentialsBlock, "credentialsBlock");
        return of(BlockRef.to(EmailServerCredentials.class, credentialsBlock), to);
    }

    /** A notifier using the saved {@link EmailServerCredentials} {@code credentialsBlock} refers to. */
    public static EmailNotifier of(BlockRef<EmailServerCredentials> credentialsBlock, List<String> to) {
        Objects.requireNonNull(credentialsBlock, "credentialsBlock");
        return new EmailNotifier(credentialsBlock, to, null, DEFAULT_SUBJECT_PREFIX, null);
    }

    /** A notifier using {@code credentials} directly (no block store needed). */
    public static EmailNotifier of(EmailServerCredentials credentials, List<String> to) {
        Objects.requireNonNull(credentials, "credentials");
        return new EmailNotifier(null, to, null, DEFAULT_SUBJECT_PREFIX, credentials);
    }

    /** A copy whose subjects start with {@code subjectPrefix}. */
    public EmailNotifier withSubjectPrefix(String subjectPrefix) {
        return new EmailNotifier(credentialsBlock, to, from, subjectPrefix, credentials);
    }

    /** A copy sending from {@code from} instead of the credentials' username. */
    public EmailNotifier withFrom(String from) {
        Objects.requireNonNull(from, "from");
        return new EmailNotifier(credentialsBlock, to, from, subjectPrefix, credentials);
    }

    /**
     * Emails {@code notification} to {@link #to()}, on a connection of its own per attempt, retried as
     * the class comment says.
     *
     * @throws EmailException if it could not be sent ({@link EmailException#isRetryable()} tells whether
     *         sending it again is safe and may help)
     * @throws dev.sluice.SluiceException if the credentials block cannot be loaded
     */
    @Override
    public void send(Notification notification) {
        Objects.requireNonNull(notification, "notification");
        EmailServerCredentials server = credentials != null
                ? credentials
                : Objects.requireNonNull(credentialsBlock).load();
        EmailMessage message = message(notification);
        RETRY.execute("email notification via SMTP server " + server.address(),
                attempt -> SmtpSender.send(server, message, RunContext.logger()));
    }

    /** The message {@link #send} sends for {@code notification}. */
    public EmailMessage message(Notification notification) {
        String subject = (subjectPrefix + notification.subject()).replaceAll("[\\r\\n\\x00]+", " ").strip();
        if (subject.length() > MAX_SUBJECT) {
            subject = subject.substring(0, MAX_SUBJECT - 3) + "...";
        }
        StringBuilder body = new StringBuilder(notification.body());
        if (!notification.fields().isEmpty()) {
            body.append("\n\n");
            for (Map.Entry<String, String> field : notification.fields().entrySet()) {
                body.append(field.getKey()).append(": ").append(field.getValue()).append('\n');
            }
        }
        EmailMessage.Builder builder = EmailMessage.builder()
                .to(to)
                .subject(subject)
                .text(body.toString())
                .header("X-Sluice-Severity", notification.severity().name());
        if (notification.severity() == Severity.ERROR || notification.severity() == Severity.CRITICAL) {
            builder.header("X-Priority", "1");
        }
        if (from != null) {
            builder.from(from);
        }
        return builder.build();
    }
}
