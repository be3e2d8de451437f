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
 * Flow<String, Integer> etl = Flow.of("daily-etl", (String city) -> load(city))
 *         .onFailure(Notify.via(alerts));
 * }</pre>
 *
 * <p>Also usable on its own, as Prefect's {@code slack_webhook_block.notify("Hello")} is:
 * <pre>{@code
 * Blocks.load(SlackWebhook.class, "ops-alerts").notify("Nightly load finished: 1,204 rows");
 * }</pre>
 *
 * <h2>Sizes</h2>
 * A notification keeps to Slack's Block Kit limits whatever the size and script of its text
 * (header 150 characters, a section 3,000, a field 2,000, 10 fields per section, 50 blocks): the
 * body fills at most 10 sections and the fields 8,000 characters, so a message holds at most
 * 40,000 characters of text (Slack's limit for a message's text). Characters are counted as UTF-16
 * units, never fewer than Slack counts; a cut falls between grapheme clusters, never inside an
 * escape such as {@code &amp;}, and is marked.
 *
 * <h2>Retries: one layer at a time</h2>
 * {@link #send(Notification)} retries failures after which Slack certainly did not post (HTTP 429,
 * 503, a connection that could not be made) up to twice, exponentially from 1 s (1 s, then 2 s, each
 * varied by up to 20% jitter so many senders do not retry in step), waiting Slack's
 * {@code Retry-After} instead when it gives one; a server asking for more than 30 s ends the retries
 * at once with a {@code ratelimited} {@link SlackException} that says so. Those retries yield to an
 * enclosing retry layer: inside {@link dev.sluice.notify.Notify#via}'s retries (twice, 1 s apart, by
 * default), or in a task run with retries, each send makes one request, so a webhook that is down
 * gets at most three requests per notification, not three times three; there {@code Notify}'s retries
 * wait Slack's {@code Retry-After}, up to {@link dev.sluice.RetryPolicy#DEFAULT_MAX_RETRY_AFTER}. (A
 * {@code Notify} with {@code withRetries(0, ...)} is no retry layer, so the webhook's own retries
 * apply.) All waits go through the runtime's {@link dev.sluice.Sleeper}.
 *
 * <h2>Time</h2>
 * Each request to Slack takes at most {@link #DEFAULT_REQUEST_TIMEOUT 30 s} in all, from connecting
 * to the last byte of the answer, however slowly a server trickles it in (system property
 * {@value #REQUEST_TIMEOUT_PROPERTY}), and an answer that comes within it is waited for, however long
 * the server stays silent first; one cut off after sending fails with {@code delivery_unknown},
 * not retryable, since Slack may have posted it. So a notification takes at most three such
 * requests and the waits between them. Of an answer at most 4 MiB is read (Slack's are a few
 * kilobytes): one without end, from a wrong URL or a rogue server, fails the same way past that,
 * and never fills the heap.
 *
 * <h2>Never posted twice</h2>
 * A message Slack refused (an HTTP 4xx other than 429, such as {@code no_service}) or may have
 * posted (the connection broke after sending, an HTTP 5xx other than 503, an answer that is not
 * Slack's) fails with a {@link SlackException} that is not {@linkplain SlackException#isRetryable()
 * retryable}: neither this webhook nor {@code Notify} sends it again. Each call of {@code send} is
 * a new message; calling it again after such a failure posts again. A TLS certificate this JVM
 * does not trust fails at once with {@code tls_certificate}, not retryable: nothing was sent.
 *
 * <p>The URL is the credential: its path, query, every path segment and query value are masked in
 * every message and cause, whatever their length.
 *
 * @param url the webhook URL, {@code https://hooks.slack.com/services/...}
 */
@BlockType("slack-webhook")
public record SlackWebhook(Secret url) implements Block, Notifier {
    /**
     * The system property that sets how long one request to Slack may take in all, from connecting to
     * the last byte of the answer ({@link #DEFAULT_REQUEST_TIMEOUT} unless set): seconds such as
     * {@code 20} or {@code 2.5}, or ISO-8601 such as {@code PT20S}. Read when a runtime first calls
     * Slack at an address; it bounds the webhooks' and the {@link SlackTasks Slack tasks'} requests.
     */
    public static final String REQUEST_TIMEOUT_PROPERTY = "sluice.slack.requestTimeout";
    /** How long one request to Slack may take in all, unless {@link #REQUEST_TIMEOUT_PROPERTY} says otherwise: 30 s. */
    public static final java.time.Duration DEFAULT_REQUEST_TIMEOUT = java.time.Duration.ofSeconds(30);
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
     * subject, the body, the fields two columns wide, and the severity in a context line; the text
     * fallback Slack shows in push notifications is the subject. Retried as the class comment says.
     *
     * @throws SlackException if Slack refused the message, rate-limited it beyond the retries, could
     *         not be reached, or may have posted it without saying so ({@link SlackException#isRetryable()}
     *         tells whether sending it again is safe)
     */
    @Override
    public void send(Notification notification) {
        Objects.requireNonNull(notification, "notification");
        SlackSender.sendNotification(this, notification);
    }
}
