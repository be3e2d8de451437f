package dev.sluice.blocks.webhook;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.sluice.blocks.webhook.internal.DurationJson;
import java.time.Duration;
import java.util.Objects;

/**
 * How a webhook notifier talks to its service: timeouts and the bounded retry of 429 and 5xx
 * answers and network failures. A {@code Retry-After} the service sends (delay-seconds or an
 * HTTP date) is honoured; one asking to wait longer than {@link #maxRetryDelay()} ends the attempts
 * at once with a clear error. Without {@code Retry-After}, attempts are 250 ms, 500 ms, 1 s, ...
 * apart (at most {@code maxRetryDelay}). Waits use the runtime's sleeper. A TLS certificate the
 * JVM does not trust (self-signed, expired, issued for another host) is never retried: the same
 * certificate is refused every time, and the {@link WebhookException} says nothing was sent.
 *
 * <p>These retries give way to an enclosing retrying layer, so attempts never multiply: a notifier
 * used through {@code Notify.via(...)} with retries (the default), or called inside a task run
 * that has retries, makes one attempt per call and the enclosing layer decides whether and when to
 * try again (it still waits a {@code Retry-After} of up to {@code maxRetryDelay}, and never
 * retries one above it, nor a 4xx refusal). Called anywhere else, it makes up to
 * {@code maxAttempts} attempts itself.
 *
 * @param connectTimeout time to open the connection
 * @param requestTimeout time for one request, from sending to the whole answer, however slowly a
 *                       server trickles it in (of an answer only its first 64 KB are read)
 * @param maxAttempts    attempts in all when no enclosing layer retries, 1 to 10 (1 = no retry)
 * @param maxRetryDelay  the longest wait between two attempts that is accepted, also the longest
 *                       {@code Retry-After} honoured
 *
 * <p>Saved in a block as ISO-8601 durations ({@code "PT30S"}).
 */
public record WebhookOptions(
        @JsonSerialize(using = DurationJson.Writer.class) @JsonDeserialize(using = DurationJson.Reader.class)
        Duration connectTimeout,
        @JsonSerialize(using = DurationJson.Writer.class) @JsonDeserialize(using = DurationJson.Reader.class)
        Duration requestTimeout,
        int maxAttempts,
        @JsonSerialize(using = DurationJson.Writer.class) @JsonDeserialize(using = DurationJson.Reader.class)
        Duration maxRetryDelay) {
    private static final WebhookOptions DEFAULTS =
            new WebhookOptions(Duration.ofSeconds(10), Duration.ofSeconds(30), 4, Duration.ofSeconds(60));

    /** Validates every field. */
    public WebhookOptions {
        positive(connectTimeout, "connectTimeout");
        positive(requestTimeout, "requestTimeout");
        Objects.requireNonNull(maxRetryDelay, "maxRetryDelay");
        if (maxRetryDelay.isNegative() || maxRetryDelay.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("maxRetryDelay must be between 0 and 10 minutes, was " + maxRetryDelay);
        }
        if (maxAttempts < 1 || maxAttempts > 10) {
            throw new IllegalArgumentException("maxAttempts must be between 1 and 10, was " + maxAttempts);
        }
    }

    /** Connect timeout 10 s, request timeout 30 s, 4 attempts, waits of at most 60 s. */
    public static WebhookOptions defaults() {
        return DEFAULTS;
    }

    /** A copy with another connect timeout. */
    public WebhookOptions withConnectTimeout(Duration timeout) {
        return new WebhookOptions(timeout, requestTimeout, maxAttempts, maxRetryDelay);
    }

    /** A copy with another request timeout. */
    public WebhookOptions withRequestTimeout(Duration timeout) {
        return new WebhookOptions(connectTimeout, timeout, maxAttempts, maxRetryDelay);
    }

    /** A copy making {@code attempts} attempts in all. */
    public WebhookOptions withMaxAttempts(int attempts) {
        return new WebhookOptions(connectTimeout, requestTimeout, attempts, maxRetryDelay);
    }

    /** A copy accepting waits of up to {@code delay} between attempts. */
    public WebhookOptions withMaxRetryDelay(Duration delay) {
        return new WebhookOptions(connectTimeout, requestTimeout, maxAttempts, delay);
    }

    private static void positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
    }
}
