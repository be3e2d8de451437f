package dev.sluice.tasks.slack;

import dev.sluice.RetryAfter;
import dev.sluice.notify.NotificationException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A Slack call that failed: Slack answered {@code ok:false}, rate-limited the call, could not be
 * reached, or answered something that is not Slack's. Carries Slack's error code (for example
 * {@code channel_not_found}) and a hint on what to do. Never contains the bot token or the webhook
 * URL; the exception of the Slack SDK or HTTP client that caused it, if any, is the cause.
 *
 * <p>Codes Sluice adds to Slack's own: {@code connection_failed} (nothing was sent),
 * {@code delivery_unknown} (the request may have reached Slack; not retried so the message is
 * never posted twice), {@code invalid_response} (an answer that is not Slack's JSON) and
 * {@code http_NNN} (an HTTP status without a Slack error code).
 *
 * <p>A {@link NotificationException}, since every Slack call here delivers a message: {@code Notify}
 * retries a {@link SlackWebhook} notification only when {@link #isRetryable()} is true, so a message
 * Slack refused or may already have posted is never sent again. A {@link RetryAfter.Hint}: a retry
 * ({@code RetryPolicy}, a task's retries, {@code Notify}'s) waits the {@code Retry-After} Slack gave
 * instead of its own delay, up to the policy's {@code maxRetryAfter}.
 */
public class SlackException extends NotificationException implements RetryAfter.Hint {
    private static final long serialVersionUID = 1L;

    private final String error;
    private final String hint;
    private final @Nullable Duration retryAfter;

    /**
     * An exception for a failed Slack call.
     *
     * @param operation  what was attempted, without secrets, e.g. {@code "chat.postMessage to channel C123"}
     * @param error      Slack's error code, or one of Sluice's (see the class comment)
     * @param hint       what to do about it
     * @param retryable  whether sending again cannot post the message twice and may succeed
     * @param retryAfter how long Slack asked to wait before the next call, if it did
     * @param cause      the underlying exception, if any
     */
    public SlackException(String operation, String error, String hint, boolean retryable,
            @Nullable Duration retryAfter, @Nullable Throwable cause) {
        super(Objects.requireNonNull(operation, "operation") + " failed: "
                + Objects.requireNonNull(error, "error") + ". " + Objects.requireNonNull(hint, "hint"), cause, retryable);
        this.error = error;
        this.hint = hint;
        this.retryAfter = retryAfter;
    }

    /** Slack's error code ({@code channel_not_found}, {@code ratelimited}, ...) or one of Sluice's. */
    public String error() {
        return error;
    }

    /** What to do about it. */
    public String hint() {
        return hint;
    }

    /**
     * Whether sending again may succeed and cannot post the message twice: true for rate limits,
     * connection failures and Slack being unavailable; false for {@code ok:false} answers and for
     * failures after which the message may already be in the channel. The same as {@link #isRetryable()}.
     */
    public boolean retryable() {
        return isRetryable();
    }

    /** How long Slack asked to wait before the next call ({@code Retry-After}), if it did. */
    @Override
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /**
     * True if {@code error} is a {@link SlackException} that is {@link #retryable()}: the condition
     * for a custom retry policy on a Slack task, {@code policy.retryIf(SlackException::isRetryable)}.
     */
    public static boolean isRetryable(Throwable error) {
        return error instanceof SlackException slack && slack.isRetryable();
    }
}
