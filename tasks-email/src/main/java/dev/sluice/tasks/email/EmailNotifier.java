package dev.sluice.tasks.email;

import dev.sluice.block.Block;
import dev.sluice.block.BlockType;
import dev.sluice.notify.Notification;
import dev.sluice.notify.Notifier;
import dev.sluice.RunContext;
import dev.sluice.notify.Severity;
import dev.sluice.block.Blocks;
import dev.sluice.tasks.email.internal.Checks;
import dev.sluice.tasks.email.internal.SmtpSender;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Notifier} that emails each {@link Notification} to fixed recipients: what
 * {@code Notify.via(...)} uses to email a flow failure. A {@link Block}: it refers to its
 * {@link EmailServerCredentials} by block name, loaded from the block store each time it sends, or
 * holds them directly.
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
 * @param credentialsBlock the name of the saved {@link EmailServerCredentials}; null when
 *                         {@code credentials} is given
 * @param to               the recipients (at least one)
 * @param from             the sender; null means the credentials' username
 * @param subjectPrefix    put before every subject, e.g. {@code "[sluice] "}
 * @param credentials      credentials given directly instead of by name (a block store keeps them as
 *                         a nested block, or as its name if they were loaded from the store)
 */
@BlockType("email-notifier")
public record EmailNotifier(
        @Nullable String credentialsBlock,
        List<String> to,
        @Nullable String from,
        String subjectPrefix,
        @Nullable EmailServerCredentials credentials) implements Block, Notifier {

    /** The subject prefix unless set. */
    public static final String DEFAULT_SUBJECT_PREFIX = "[sluice] ";

    private static final int MAX_SUBJECT = 250;

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
            throw new IllegalArgumentException("an email notifier needs credentials: the name of an"
                    + " email-server-credentials block, or the credentials themselves");
        }
        if (credentialsBlock != null && credentialsBlock.isBlank()) {
            throw new IllegalArgumentException("credentialsBlock must not be blank");
        }
    }

    /** A notifier using the {@link EmailServerCredentials} saved as {@code credentialsBlock}. */
    public static EmailNotifier of(String credentialsBlock, List<String> to) {
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
     * Emails {@code notification} to {@link #to()}, on a connection of its own.
     *
     * @throws EmailException if it could not be sent
     * @throws dev.sluice.SluiceException if the credentials block cannot be loaded
     */
    @Override
    public void send(Notification notification) {
        Objects.requireNonNull(notification, "notification");
        EmailServerCredentials server = credentials != null
                ? credentials
                : Blocks.load(EmailServerCredentials.class, Objects.requireNonNull(credentialsBlock));
        SmtpSender.send(server, message(notification), RunContext.logger());
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
