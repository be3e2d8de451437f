package dev.sluice.tasks.slack;

import dev.sluice.Block;
import dev.sluice.BlockType;
import dev.sluice.Notification;
import dev.sluice.Notifier;
import dev.sluice.Secret;
import dev.sluice.tasks.slack.internal.SlackSender;
import java.util.Objects;

/**
 * A Slack incoming webhook: posts to the one channel it was created for. The URL is itself the
 * credential, so it is a {@link Secret}. Also a {@link Notifier}: {@link #send(Notification)}
 * posts a readable Block Kit message, so a flow can report its failures to Slack.
 *
 * <pre>{@code
 * SlackWebhook alerts = SlackWebhook.of(Secret.of(System.getenv("SLACK_WEBHOOK_URL")));
 * Flow<String, Integer> etl = Flow.of("daily-etl", ...)
 *         .onFailure(run -> alerts.send(Notification.of("daily-etl failed", run.error().map(ErrorInfo::summary).orElse(""), Severity.ERROR)));
 * }</pre>
 *
 * @param url the webhook URL, {@code https://hooks.slack.com/services/...}
 */
@BlockType("slack-webhook")
public record SlackWebhook(Secret url) implements Block, Notifier {
    /** Validates that the URL is an http(s) URL, without ever showing it. */
    public SlackWebhook {
        Objects.requireNonNull(url, "url");
        if (url.isEmpty()) {
            throw new IllegalArgumentException("url must not be empty");
        }
        String value = url.reveal().strip().toLowerCase(java.util.Locale.ROOT);
        if (!(value.startsWith("https://") || value.startsWith("http://"))) {
            // the value is not shown: the URL is the credential
            throw new IllegalArgumentException("url must be an http(s) URL such as https://hooks.slack.com/services/...");
        }
    }

    /** A webhook posting to {@code url}. */
    public static SlackWebhook of(Secret url) {
        return new SlackWebhook(url);
    }

    /**
     * Posts {@code notification} as a Block Kit message: a header with a severity emoji and the
     * subject, the body, the fields two columns wide, and the severity in a context line. Waits
     * out a rate limit ({@code Retry-After}) up to twice; the text fallback Slack shows in push
     * notifications is the subject.
     *
     * @throws SlackException if Slack refused the message or could not be reached
     */
    @Override
    public void send(Notification notification) {
        Objects.requireNonNull(notification, "notification");
        SlackSender.sendNotification(this, notification);
    }
}
