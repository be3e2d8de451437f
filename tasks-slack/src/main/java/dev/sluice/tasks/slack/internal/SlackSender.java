package dev.sluice.tasks.slack.internal;

import com.google.gson.JsonParseException;
import com.slack.api.Slack;
import com.slack.api.methods.SlackApiErrorResponse;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.request.chat.ChatPostMessageRequest;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import com.slack.api.webhook.WebhookResponse;
import dev.sluice.RetryAfter;
import dev.sluice.RetryPolicy;
import dev.sluice.RunContext;
import dev.sluice.SluiceRuntime;
import dev.sluice.notify.Notification;
import dev.sluice.tasks.slack.PostedMessage;
import dev.sluice.tasks.slack.SlackCredentials;
import dev.sluice.tasks.slack.SlackException;
import dev.sluice.tasks.slack.SlackMessage;
import dev.sluice.tasks.slack.SlackWebhook;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Posts chat messages and webhook messages, turning every failure into a {@link SlackException}.
 * The prebuilt tasks make one request per attempt (the task's retry policy is the retry layer);
 * {@link #sendNotification} retries with {@link #NOTIFIER_RETRY} through {@link RetryPolicy#execute}.
 */
public final class SlackSender {
    static final String WEBHOOK_OPERATION = "Slack incoming-webhook post";
    private static final Pattern ERROR_CODE = Pattern.compile("[a-z][a-z0-9_]{1,60}");
    /** The longest Retry-After a notification sent on its own waits out; a longer one ends its retries at once. */
    static final Duration NOTIFIER_MAX_RETRY_AFTER = Duration.ofSeconds(30);
    /**
     * {@link SlackWebhook#send}'s retries: 2, exponential from 1 s, of failures after which Slack
     * certainly did not post. Yielding: inside {@code Notify}'s retries (or a task run with retries)
     * it makes one attempt, so a notification is never retried by two layers at once.
     */
    static final RetryPolicy NOTIFIER_RETRY = RetryPolicy.exponential(2, Duration.ofSeconds(1), Duration.ofSeconds(10))
            .withJitter(0.2)
            .withMaxRetryAfter(NOTIFIER_MAX_RETRY_AFTER)
            .retryIf(SlackException::isRetryable)
            .yieldingToEnclosingRetries();

    private SlackSender() {
    }

    /** The body of {@code SlackTasks.sendChatMessage()}. */
    public static PostedMessage postChat(SlackCredentials credentials, SlackMessage message) {
        if (credentials == null || message == null) {
            throw new IllegalArgumentException("sendChatMessage needs credentials and a message, got "
                    + (credentials == null ? "no credentials" : "no message"));
        }
        String channel = message.channel();
        String operation = "Slack chat.postMessage to channel " + (channel == null ? "(none)" : channel)
                + (message.threadTs() == null ? "" : " in thread " + message.threadTs());
        if (channel == null) {
            throw new SlackException(operation, "channel_not_set", "a chat message needs a channel: "
                    + "SlackMessage.of(channel, text) or message.withChannel(\"C0123456789\")", false, null, null);
        }
        Delivery delivery = Delivery.current();
        Object earlier = delivery.beforeSend(operation);
        if (earlier != null) {
            return (PostedMessage) earlier;
        }
        Payloads.Fitted fitted = fit(operation, message);
        ChatPostMessageRequest request = ChatPostMessageRequest.builder()
                .channel(channel)
                .text(fitted.text())
                .blocksAsString(fitted.blocks())
                .threadTs(message.threadTs())
                .unfurlLinks(message.unfurlLinks())
                .unfurlMedia(message.unfurlMedia())
                .build();
        ChatPostMessageResponse response;
        delivery.sending();
        try {
            response = SlackClients.methods(credentials).chatPostMessage(request);
        } catch (SlackApiException e) {
            SlackApiErrorResponse body = e.getError();
            String code = body == null ? null : body.getError();
            throw delivery.failed(Failures.http(operation, e.getResponse().code(), code,
                    retryAfter(e.getResponse().header("Retry-After")), e));
        } catch (IOException e) {
            throw delivery.failed(Failures.io(operation, e));
        } catch (JsonParseException e) {
            throw delivery.failed(Failures.invalidResponse(operation, "not JSON", e));
        } catch (RuntimeException e) {
            // anything else the SDK or OkHttp throws: wrapped, and treated as possibly sent
            throw delivery.failed(Failures.invalidResponse(operation, e.getClass().getSimpleName(), e));
        }
        if (response == null) {
            throw delivery.failed(Failures.invalidResponse(operation, "an empty body", null));
        }
        if (!response.isOk()) {
            String error = response.getError() == null ? "unknown_error" : response.getError();
            throw delivery.failed(Failures.slackError(operation, error, response.getNeeded(),
                    retryAfter(header(response.getHttpResponseHeaders(), "retry-after")), null));
        }
        if (response.getTs() == null || response.getChannel() == null) {
            throw delivery.failed(Failures.invalidResponse(operation, "ok:true without channel and ts", null));
        }
        if (response.getWarning() != null) {
            RunContext.logger().warn("{}: Slack warns: {}", operation, response.getWarning());
        }
        PostedMessage posted = new PostedMessage(response.getChannel(), response.getTs());
        delivery.delivered(posted);
        return posted;
    }

    /** The body of {@code SlackTasks.sendWebhookMessage()}. */
    public static void postWebhook(SlackWebhook webhook, SlackMessage message) {
        if (webhook == null || message == null) {
            throw new IllegalArgumentException("sendWebhookMessage needs a webhook and a message, got "
                    + (webhook == null ? "no webhook" : "no message"));
        }
        Delivery delivery = Delivery.current();
        if (delivery.beforeSend(WEBHOOK_OPERATION) != null) {
            return;
        }
        Payloads.Fitted fitted = fit(WEBHOOK_OPERATION, message);
        post(webhook, Payloads.webhookBody(message, fitted), delivery);
    }

    /**
     * What {@link SlackWebhook#send} does: posts {@code notification} under {@link #NOTIFIER_RETRY}.
     * Each attempt is a new request; only failures after which Slack certainly did not post are
     * retried, after Slack's {@code Retry-After} when it gave one. A server asking for more than
     * {@link #NOTIFIER_MAX_RETRY_AFTER} ends the retries at once with a {@code ratelimited}
     * exception that says so.
     *
     * @throws SlackException not {@link SlackException#isRetryable() retryable} when Slack refused the
     *         message or may have posted it, so that no caller sends it again
     */
    public static void sendNotification(SlackWebhook webhook, Notification notification) {
        String body = Payloads.notificationBody(notification);
        NOTIFIER_RETRY.execute(WEBHOOK_OPERATION, attempt -> {
            post(webhook, body, null);
            return null;
        }, new RetryPolicy.Listener() {
            @Override
            public void gaveUp(int attempts, Throwable error, @Nullable String reason) {
                if (reason != null && error instanceof SlackException slack) {
                    throw stopped(slack, reason);
                }
            }
        });
    }

    /** The exception for retries of a notification that stopped early ({@code reason}): a server wait over the cap. */
    private static SlackException stopped(SlackException last, String reason) {
        Duration asked = last.retryAfter().orElse(null);
        String hint;
        if (asked != null && asked.compareTo(NOTIFIER_RETRY.maxRetryAfter()) > 0) {
            hint = "Slack asked to wait " + Failures.seconds(asked) + " before the next post (Retry-After), more than the "
                    + Failures.seconds(NOTIFIER_RETRY.maxRetryAfter()) + " a notification waits at most (maxRetryAfter), "
                    + "so it was not sent again; send less often (Slack allows about one message per second per channel)";
        } else {
            hint = last.hint() + "; " + reason;
        }
        return new SlackException(WEBHOOK_OPERATION, last.error(), hint, false, asked, last);
    }

    /** One request to the webhook; {@code delivery} (a task run's) learns its outcome. */
    private static void post(SlackWebhook webhook, String body, @Nullable Delivery delivery) {
        Slack slack = SlackClients.slack(null);
        String url = webhook.url().reveal();
        WebhookResponse response;
        if (delivery != null) {
            delivery.sending();
        }
        try {
            response = slack.send(url, body);
        } catch (IOException e) {
            throw failed(delivery, Failures.io(WEBHOOK_OPERATION, e, url));
        } catch (IllegalArgumentException e) {
            // OkHttp refusing the URL: nothing was sent; its message may quote the URL
            throw failed(delivery, new Failures.Failure(new SlackException(WEBHOOK_OPERATION, "invalid_url",
                    "the webhook URL in the SlackWebhook block is not a valid http(s) URL; save the block with the URL "
                            + "Slack shows under Incoming Webhooks", false, null, Scrub.scrub(e, url)), false));
        } catch (RuntimeException e) {
            // anything else the SDK or OkHttp throws: wrapped, and treated as possibly sent
            throw failed(delivery, Failures.invalidResponse(WEBHOOK_OPERATION, e.getClass().getSimpleName(),
                    Scrub.scrub(e, url)));
        }
        int status = response.getCode() == null ? 0 : response.getCode();
        String answer = response.getBody() == null ? "" : response.getBody().strip();
        if (status >= 200 && status < 300) {
            if (delivery != null) {
                delivery.delivered(Boolean.TRUE);
            }
            return;
        }
        String code = ERROR_CODE.matcher(answer).matches() ? answer : null;
        Duration retryAfter = retryAfter(header(response.getHeaders(), "retry-after"));
        throw failed(delivery, Failures.http(WEBHOOK_OPERATION, status, code, retryAfter, null));
    }

    private static SlackException failed(@Nullable Delivery delivery, Failures.Failure failure) {
        return delivery == null ? failure.error() : delivery.failed(failure);
    }

    private static Payloads.Fitted fit(String operation, SlackMessage message) {
        Payloads.Fitted fitted = Payloads.fit(message);
        for (String cut : fitted.cuts()) {
            RunContext.logger().warn("{}: message over Slack's limits: {}", operation, cut);
        }
        return fitted;
    }

    private static @Nullable String header(@Nullable Map<String, List<String>> headers, String lowerCaseName) {
        if (headers == null) {
            return null;
        }
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey() != null && e.getKey().toLowerCase(Locale.ROOT).equals(lowerCaseName)
                    && e.getValue() != null && !e.getValue().isEmpty()) {
                return e.getValue().get(0);
            }
        }
        return null;
    }

    /** A {@code Retry-After} value read by {@link RetryAfter#parse}; anything unreadable counts as absent. */
    static @Nullable Duration retryAfter(@Nullable String value) {
        return RetryAfter.parse(value, SluiceRuntime.current().clock()).orElse(null);
    }
}
