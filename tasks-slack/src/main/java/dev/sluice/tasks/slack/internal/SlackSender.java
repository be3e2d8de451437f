package dev.sluice.tasks.slack.internal;

import com.google.gson.JsonParseException;
import com.slack.api.Slack;
import com.slack.api.methods.SlackApiErrorResponse;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.request.chat.ChatPostMessageRequest;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import com.slack.api.webhook.WebhookResponse;
import dev.sluice.notify.Notification;
import dev.sluice.RunContext;
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

/** Posts chat messages and webhook messages, turning every failure into a {@link SlackException}. */
public final class SlackSender {
    private static final String WEBHOOK_OPERATION = "Slack incoming-webhook post";
    private static final Pattern ERROR_CODE = Pattern.compile("[a-z][a-z0-9_]{1,60}");
    /** The longest Retry-After a retried notification waits out; a longer one fails the retry at once. */
    static final Duration NOTIFIER_MAX_WAIT = Duration.ofSeconds(30);

    private SlackSender() {
    }

    /** The body of {@code SlackTasks.sendChatMessage()}. */
    public static PostedMessage postChat(SlackCredentials credentials, SlackMessage message) throws InterruptedException {
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
    public static void postWebhook(SlackWebhook webhook, SlackMessage message) throws InterruptedException {
        if (webhook == null || message == null) {
            throw new IllegalArgumentException("sendWebhookMessage needs a webhook and a message, got "
                    + (webhook == null ? "no webhook" : "no message"));
        }
        Delivery delivery = Delivery.current();
        if (delivery.beforeSend(WEBHOOK_OPERATION) != null) {
            return;
        }
        Payloads.Fitted fitted = fit(WEBHOOK_OPERATION, message);
        send(webhook, Payloads.webhookBody(message, fitted), delivery);
    }

    /**
     * What {@link SlackWebhook#send} does: one request, no retry of its own. The caller's retries
     * ({@code Notify.via}) pass the same notification object again; those are made safe here: a
     * message Slack refused or may have posted is not sent again, and a Retry-After is waited out.
     */
    public static void sendNotification(SlackWebhook webhook, Notification notification) {
        Delivery delivery = Delivery.ofNotification(webhook, notification);
        try {
            Duration wait = delivery.pendingWait();
            if (wait.compareTo(NOTIFIER_MAX_WAIT) > 0) {
                throw new SlackException(WEBHOOK_OPERATION, "ratelimited", "Slack asked to wait " + wait.toSeconds()
                        + " s more before the next post, longer than a notifier waits (" + NOTIFIER_MAX_WAIT.toSeconds()
                        + " s); the notification was not sent again: send less often", true, wait, null);
            }
            beforeSend(delivery);
            send(webhook, Payloads.notificationBody(notification), delivery);
        } catch (SlackException e) {
            delivery.rememberFailed(webhook, notification);
            throw e;
        }
    }

    private static SlackException interrupted(InterruptedException e) {
        return new SlackException(WEBHOOK_OPERATION, "interrupted", "the thread was interrupted while waiting "
                + "to send the notification again; it was not sent", false, null, e);
    }

    private static void send(SlackWebhook webhook, String body, Delivery delivery) {
        Slack slack = SlackClients.slack(null);
        String url = webhook.url().reveal();
        WebhookResponse response;
        delivery.sending();
        try {
            response = slack.send(url, body);
        } catch (IOException e) {
            throw delivery.failed(Failures.io(WEBHOOK_OPERATION, e, url));
        } catch (IllegalArgumentException e) {
            // OkHttp refusing the URL: nothing was sent; its message may quote the URL
            throw delivery.failed(new Failures.Failure(new SlackException(WEBHOOK_OPERATION, "invalid_url",
                    "the webhook URL in the SlackWebhook block is not a valid http(s) URL; save the block with the URL "
                            + "Slack shows under Incoming Webhooks", false, null, Scrub.scrub(e, url)), false));
        } catch (RuntimeException e) {
            // anything else the SDK or OkHttp throws: wrapped, and treated as possibly sent
            throw delivery.failed(Failures.invalidResponse(WEBHOOK_OPERATION, e.getClass().getSimpleName(),
                    Scrub.scrub(e, url)));
        }
        int status = response.getCode() == null ? 0 : response.getCode();
        String answer = response.getBody() == null ? "" : response.getBody().strip();
        if (status >= 200 && status < 300) {
            delivery.delivered(Boolean.TRUE);
            return;
        }
        String code = ERROR_CODE.matcher(answer).matches() ? answer : null;
        Duration retryAfter = retryAfter(header(response.getHeaders(), "retry-after"));
        throw delivery.failed(Failures.http(WEBHOOK_OPERATION, status, code, retryAfter, null));
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

    /** Slack sends Retry-After in whole seconds; anything unreadable counts as absent. */
    static @Nullable Duration retryAfter(@Nullable String value) {
        if (value == null) {
            return null;
        }
        try {
            long seconds = Long.parseLong(value.strip());
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static void beforeSend(Delivery delivery) {
        try {
            delivery.beforeSend(WEBHOOK_OPERATION);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw interrupted(e);
        }
    }
}
