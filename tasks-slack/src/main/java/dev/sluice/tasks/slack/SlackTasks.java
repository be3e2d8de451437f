package dev.sluice.tasks.slack;

import dev.sluice.RetryPolicy;
import dev.sluice.Task;
import dev.sluice.Task2;
import dev.sluice.tasks.slack.internal.SlackSender;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Prebuilt Slack tasks. Each is a {@link Task2} value that can be re-tuned like any task
 * ({@code SlackTasks.sendChatMessage().withTimeout(Duration.ofSeconds(20))}).
 *
 * <h2>Retries and rate limits</h2>
 * The tasks retry with {@link #defaultRetryPolicy()}: up to 3 retries, only for
 * {@linkplain SlackException#retryable() retryable} failures. When Slack answers 429, the next
 * attempt waits the {@code Retry-After} Slack gave instead of the policy's delay (through the
 * runtime's {@link dev.sluice.Sleeper}); a {@code Retry-After} longer than the policy's
 * {@link RetryPolicy#maxRetryAfter() maxRetryAfter} (5 min by default) ends the retries at once, and
 * the run's log and the exception's suppressed note say so. When the retries are used up the task
 * fails with a {@link SlackException} whose {@code error()} is {@code ratelimited}. An {@code ok:false} answer ({@code channel_not_found},
 * {@code not_in_channel}, {@code invalid_auth}, ...) is final: it is not sent again within the
 * same task run even under a policy that retries everything. A replacement policy should keep the
 * condition, so such failures also end the run at once:
 * {@code withRetryPolicy(RetryPolicy.fixed(5, Duration.ofSeconds(1)).retryIf(SlackException::isRetryable))}.
 *
 * <h2>Time</h2>
 * Each request to Slack takes at most {@link SlackWebhook#DEFAULT_REQUEST_TIMEOUT 30 s} in all,
 * however slowly a server trickles in its answer (system property
 * {@value SlackWebhook#REQUEST_TIMEOUT_PROPERTY}); a task's {@code withTimeout} ends the attempt's
 * request at its deadline.
 *
 * <h2>Never posted twice</h2>
 * Slack's Web API has no idempotency key for {@code chat.postMessage}: {@code client_msg_id} is
 * a field Slack's own clients set on messages, but Slack does not document it as an argument
 * of {@code chat.postMessage} nor any de-duplication on it, and incoming webhooks have nothing
 * of the kind. So Sluice retries only failures after which Slack certainly did not post: a 429,
 * a 503, {@code service_unavailable}, or a connection that was never made. After a failure where
 * Slack may have received the message (a read timeout, a connection cut after sending, a
 * {@code withTimeout} deadline, a 500/502/504, an answer that is not Slack's JSON) the run fails
 * with {@code delivery_unknown}, and any further attempt of the same task run fails the same way
 * without sending (or returns the earlier attempt's result if that attempt did get Slack's
 * answer in the meantime), whatever the retry policy says. What remains: in that case the
 * message was posted once or not at all, and the error says to check the channel.
 */
public final class SlackTasks {
    private static final RetryPolicy DEFAULT_RETRY = RetryPolicy
            .exponential(3, Duration.ofSeconds(1), Duration.ofSeconds(30))
            .withJitter(0.2)
            .retryIf(SlackException::isRetryable)
            .yieldingToEnclosingRetries();

    private static final Task2<SlackCredentials, SlackMessage, PostedMessage> CHAT = Task
            .of("slack-send-chat-message", (SlackCredentials credentials, SlackMessage message)
                    -> SlackSender.postChat(credentials, message))
            .withRetryPolicy(DEFAULT_RETRY)
            .withParameterNames("credentials", "message")
            .withTags("slack");

    private static final Task2<SlackWebhook, SlackMessage, @Nullable Void> WEBHOOK = Task
            .action("slack-send-webhook-message", (SlackWebhook webhook, SlackMessage message)
                    -> SlackSender.postWebhook(webhook, message))
            .withRetryPolicy(DEFAULT_RETRY)
            .withParameterNames("webhook", "message")
            .withTags("slack");

    private SlackTasks() {
    }

    /**
     * Posts a message with {@code chat.postMessage} and returns where it landed (channel ID and
     * {@code ts}). The message must name a channel; the bot must be in it (or have
     * {@code chat:write.public} for public channels).
     *
     * @return the task; running it throws {@code TaskFailedException} caused by a {@link SlackException}
     */
    public static Task2<SlackCredentials, SlackMessage, PostedMessage> sendChatMessage() {
        return CHAT;
    }

    /**
     * Posts a message to an incoming webhook. The webhook posts to its own channel; a thread
     * reply needs the parent's {@code ts}, which webhooks never return, so it can only reply to
     * a message posted with {@link #sendChatMessage()}.
     *
     * @return the task; running it throws {@code TaskFailedException} caused by a {@link SlackException}
     */
    public static Task2<SlackWebhook, SlackMessage, @Nullable Void> sendWebhookMessage() {
        return WEBHOOK;
    }

    /**
     * The retry policy of the prebuilt tasks: 3 retries, exponential from 1 s to 30 s with 20%
     * jitter, only for {@linkplain SlackException#isRetryable retryable} failures, yielding to an
     * enclosing retry layer ({@link RetryPolicy#yieldingToEnclosingRetries()}). A policy set with
     * {@code withRetryPolicy} replaces it.
     */
    public static RetryPolicy defaultRetryPolicy() {
        return DEFAULT_RETRY;
    }
}
