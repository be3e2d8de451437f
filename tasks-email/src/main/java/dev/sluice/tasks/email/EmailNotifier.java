package dev.sluice.tasks.email;

import dev.sluice.RetryPolicy;
import dev.sluice.RunContext;
import dev.sluice.block.Block;
import dev.sluice.block.BlockRef;
import dev.sluice.block.BlockType;
import dev.sluice.notify.Notification;
import dev.sluice.notify.Notifier;
import dev.sluice.notify.Severity;
import dev.sluice.tasks.email.internal.Addresses;
import dev.sluice.tasks.email.internal.Checks;
import dev.sluice.tasks.email.internal.SmtpSender;
import dev.sluice.notify.TextCuts;
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
 * <p>The subject is {@code subjectPrefix} plus the notification's subject, or the subject alone when it already
 * starts with the prefix (ignoring case: {@code Notify}'s subjects start with {@code "[Sluice]"}) (line breaks and other
 * control characters replaced by spaces, at most 250 characters); the body is the notification's
 * body followed by its fields, one {@code key: value} per line, at most 100,000 bytes of text in
 * all whatever the size or script of the error (see {@link #message}). Severity goes in the {@code X-Sluice-Severity} header (and {@code X-Priority: 1} for ERROR
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
 * <p>Time: each attempt waits at most the credentials' connect timeout for the connection and their
 * read timeout for each server reply (and the TLS handshake) as a whole, however slowly a server trickles it in; an attempt
 * whose thread is interrupted (a hook cut off, a cancel) closes its connection at once.
 *
 * <p>A recipient the server refuses (a mailbox that no longer exists) does not keep the alert from
 * the others: it goes to every recipient the server takes, and {@link #send} then fails, not
 * retryably, with an {@link EmailException.Kind#REJECTED} error naming the refused ones.
 *
 * @param credentialsBlock the saved {@link EmailServerCredentials} to use (stored as their name);
 *                         null when {@code credentials} is given (giving both is refused)
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

    /** The most characters a subject takes, prefix included (UTF-16 units). */
    static final int MAX_SUBJECT = 250;
    /** The most bytes (UTF-8) of text a notification email takes: body and fields. */
    public static final int MAX_TEXT_BYTES = 100_000;
    /** The most characters a field value takes. */
    static final int MAX_FIELD = 2_000;
    /** The most bytes (UTF-8) all fields take together. */
    static final int MAX_FIELDS_BYTES = 16_000;
    private static final String BODY_CUT = "\n\u2026 [cut by Sluice: a notification email carries at most "
            + MAX_TEXT_BYTES + " bytes of text]";
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
        Addresses.addresses("to", to);
        if (from != null) {
            Addresses.address("from", from);
        }
        Checks.noLineBreaks("subjectPrefix", subjectPrefix);
        if (credentialsBlock != null && credentials != null) {
            throw new IllegalArgumentException("an email notifier takes its credentials by reference (credentialsBlock '"
                    + credentialsBlock + "') or given directly, not both");
        }
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
        if (from == null && server.username() == null) {
            throw new EmailException(EmailException.Kind.INVALID_MESSAGE, "this email notifier has no sender: the"
                    + " credentials of SMTP server " + server.address() + " have no username to send from; give the"
                    + " notifier one with withFrom(\"sluice@example.com\"); nothing was sent", false, null);
        }
        EmailMessage message = message(notification);
        // the run's logger when a hook of a run sends it, else this class's (a notification sent by hand)
        org.slf4j.Logger log = RunContext.flowRun().isPresent() || RunContext.taskRun().isPresent() ? RunContext.logger()
                : org.slf4j.LoggerFactory.getLogger(EmailNotifier.class);
        RETRY.execute("email notification via SMTP server " + server.address(),
                attempt -> SmtpSender.sendToEveryoneItCan(server, message, log));
    }

    /**
     * The message {@link #send} sends for {@code notification}: the subject (prefix included) cut to
     * {@value #MAX_SUBJECT} characters, each field to {@value #MAX_FIELD} characters and all fields to
     * {@value #MAX_FIELDS_BYTES} bytes, and the body to the room left in {@value #MAX_TEXT_BYTES} bytes of
     * text (UTF-8), each cut marked and made between grapheme clusters. With its transfer encoding
     * (quoted-printable or base64) and headers the message stays under about 210 KB, far below the
     * size any mail server accepts.
     */
    public EmailMessage message(Notification notification) {
        String tag = subjectPrefix.strip();
        // a prefix the subject already starts with (the default "[sluice] " before Notify's "[Sluice] ...") once only
        String prefix = !tag.isEmpty() && notification.subject().regionMatches(true, 0, tag, 0, tag.length()) ? "" : subjectPrefix;
        String subject = (prefix + notification.subject()).replaceAll("[\\p{Cc}\\u2028\\u2029]+", " ").strip();
        subject = TextCuts.cut(subject, MAX_SUBJECT, TextCuts.Measure.CHARS, "\u2026");
        StringBuilder fields = new StringBuilder();
        int left = MAX_FIELDS_BYTES;
        int shown = 0;
        for (Map.Entry<String, String> field : notification.fields().entrySet()) {
            String line = TextCuts.cut(field.getKey(), 200, TextCuts.Measure.CHARS, "\u2026") + ": "
                    + TextCuts.cut(field.getValue(), MAX_FIELD, TextCuts.Measure.CHARS, "\u2026") + "\n";
            int size = TextCuts.size(line, TextCuts.Measure.UTF8);
            if (size > left) {
                break;
            }
            left -= size;
            fields.append(line);
            shown++;
        }
        if (shown < notification.fields().size()) {
            fields.append("(").append(notification.fields().size() - shown).append(" more fields not shown)\n");
        }
        String separator = fields.length() == 0 ? "" : "\n\n";
        int room = MAX_TEXT_BYTES - TextCuts.size(fields.toString(), TextCuts.Measure.UTF8) - separator.length();
        String body = TextCuts.cut(notification.body(), room, TextCuts.Measure.UTF8, BODY_CUT) + separator + fields;
        EmailMessage.Builder builder = EmailMessage.builder()
                .to(to)
                .subject(subject)
                .text(body)
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
