package dev.sluice.tasks.slack;

import dev.sluice.block.Block;
import dev.sluice.block.BlockType;
import dev.sluice.notify.Notification;
import dev.sluice.notify.Notifier;
import dev.sluice.block.Secret;
import dev.sluice.tasks.slack.internal.SlackSender;
import java.util.Objects;

/**
 * A Slack incoming webhook: posts to the one channel it was created for. The URL is itself the
 * credential, so it is a {@link Secret}. Also a {@link Notifier}: {@link #send(Notification)}
 * posts a readable Block Kit message, so a flow can report its failures to Slack.
 *
 * <pre>{@code
 * SlackWebhook alerts = Blocks.load(SlackWebhook.class, "ops-alerts");   // or SlackWebhook.of(Secret.of(url))
 * Flow<String, Integer> etl = Flow.of("daily-etl", ...)
 *         .onFailure(Notify.via(alerts));
 * }</pre>
 *
 * <h2>Retries: one layer, the caller's</h2>
 * {@link #send(Notification)} makes one request and does not retry by itself. The retries are the
 * caller's: {@link dev.sluice.notify.Notify#via} retries a failed send twice, 1 s apart, by default
 * ({@link dev.sluice.notify.Notify#withRetries} changes that), so a webhook that is down gets at most
 * three requests per notification, not three times three. For {@link SlackTasks#sendWebhookMessage()}
 * the task's retry policy is the one layer in the same way.
 *
 * <p>Those retries pass the same {@link Notification} object again, and the webhook keeps them
 * safe: for 15 minutes after a send of that object through this webhook failed,
 * <ul>
 *   <li>after a rate limit (HTTP 429) the next send first waits out Slack's {@code Retry-After}
 *       (a wait longer than 30 s fails at once instead);</li>
 *   <li>a message Slack refused (an HTTP 4xx other than 429, such as {@code no_service}) is not
 *       sent again: the same {@link SlackException} is thrown without a request;</li>
 *   <li>a message Slack may have posted (the connection broke after sending, HTTP 5xx other than
 *       503) is not sent again either, so it is never posted twice: a {@code delivery_unknown}
 *       {@link SlackException} is thrown without a request.</li>
 * </ul>
 * A connection that could not be made, and Slack's {@code 503}, are sent again. To send the same
 * text again as a new message, build a new {@link Notification}.
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
     * Posts {@code notification} as a Block Kit message with one request: a header with a severity
     * emoji and the subject, the body, the fields two columns wide, and the severity in a context
     * line; the text fallback Slack shows in push notifications is the subject. Sending the same
     * object again after a failure is a retry (see the class comment).
     *
     * @throws SlackException if Slack refused the message, rate-limited it, could not be reached,
     *         or may have posted it without saying so ({@link SlackException#retryable()} tells)
     */
    @Override
    public void send(Notification notification) {
        Objects.requireNonNull(notification, "notification");
        SlackSender.sendNotification(this, notification);
    }
}
