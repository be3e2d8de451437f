package dev.sluice.blocks.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.block.Block;
import dev.sluice.block.BlockType;
import dev.sluice.notify.Notification;
import dev.sluice.notify.Notifier;
import dev.sluice.block.Secret;
import dev.sluice.blocks.webhook.internal.WebhookSender;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Triggers a PagerDuty alert through the Events API v2 ({@code POST /v2/enqueue}) for each
 * notification: the subject is the summary, the severity maps to {@code info}, {@code warning},
 * {@code error} or {@code critical}, and the body and fields go into {@code custom_details}.
 *
 * <p>The dedup key is the run id ({@link #RUN_ID_FIELD}, the field {@code Notify} puts into every
 * notification), so a notification sent again for the same run (a notifier retry, a second hook)
 * adds to the open incident instead of paging twice. A notification without that field gets no
 * dedup key, and PagerDuty makes one.
 *
 * @param routingKey the integration key of the service's Events API v2 integration
 * @param source     where the problem is ({@code payload.source}); {@code null} means this host's name
 * @param endpoint   the Events API URL; {@code null} means {@link #DEFAULT_ENDPOINT} (the EU service
 *                   region uses {@code https://events.eu.pagerduty.com/v2/enqueue})
 * @param options    timeouts and retries; {@code null} means {@link WebhookOptions#defaults()}
 */
@BlockType("pagerduty-events")
public record PagerDutyEvents(Secret routingKey, @Nullable String source, @Nullable String endpoint,
        @Nullable WebhookOptions options) implements Notifier, Block {
    /** The Events API v2 endpoint of PagerDuty's US service region. */
    public static final String DEFAULT_ENDPOINT = "https://events.pagerduty.com/v2/enqueue";
    /** The notification field whose value becomes the dedup key. */
    public static final String RUN_ID_FIELD = "run id";
    static final int MAX_SUMMARY = 1024;

    /** Validates the fields and fills in the defaults. */
    public PagerDutyEvents {
        Objects.requireNonNull(routingKey, "routingKey");
        if (routingKey.reveal().isBlank()) {
            throw new IllegalArgumentException("routingKey must not be blank: use the integration key of an"
                    + " Events API v2 integration");
        }
        if (source != null && source.isBlank()) {
            throw new IllegalArgumentException("source must not be blank; leave it null for this host's name");
        }
        endpoint = endpoint == null ? DEFAULT_ENDPOINT : endpoint;
        WebhookSender.uri(endpoint, "PagerDuty endpoint '" + endpoint + "'");
        options = options == null ? WebhookOptions.defaults() : options;
    }

    /** Events for the service with {@code routingKey}, from this host, to the US region endpoint. */
    public PagerDutyEvents(Secret routingKey) {
        this(routingKey, null, null, null);
    }

    /** A copy naming {@code newSource} as the source of the events. */
    public PagerDutyEvents withSource(String newSource) {
        return new PagerDutyEvents(routingKey, Objects.requireNonNull(newSource, "source"), endpoint, options);
    }

    /** A copy sending to {@code newEndpoint}. */
    public PagerDutyEvents withEndpoint(String newEndpoint) {
        return new PagerDutyEvents(routingKey, source, Objects.requireNonNull(newEndpoint, "endpoint"), options);
    }

    /** A copy with other options. */
    public PagerDutyEvents withOptions(WebhookOptions newOptions) {
        return new PagerDutyEvents(routingKey, source, endpoint, Objects.requireNonNull(newOptions, "options"));
    }

    /**
     * Sends a {@code trigger} event.
     *
     * @throws WebhookException if PagerDuty refuses the event (400: an invalid routing key or event)
     *         or cannot be reached after the retries
     */
    @Override
    public void send(Notification notification) {
        Objects.requireNonNull(notification, "notification");
        String key = routingKey.reveal();
        String ep = Objects.requireNonNull(endpoint);
        WebhookSender.send(new WebhookSender.Request("PagerDuty Events API", WebhookSender.uri(ep, "endpoint"), "POST",
                "application/json", WebhookSender.json(event(notification, key, source != null ? source : hostName())),
                Map.of(), List.of(key)), Objects.requireNonNull(options));
    }

    static ObjectNode event(Notification n, String routingKey, String source) {
        ObjectNode event = WebhookSender.JSON.createObjectNode();
        event.put("routing_key", routingKey);
        event.put("event_action", "trigger");
        String runId = n.fields().get(RUN_ID_FIELD);
        if (runId != null && !runId.isBlank()) {
            event.put("dedup_key", runId);
        }
        event.put("client", "Sluice");
        ObjectNode payload = event.putObject("payload");
        payload.put("summary", WebhookSender.truncate(n.subject().isBlank() ? "(no subject)" : n.subject(), MAX_SUMMARY));
        payload.put("source", source);
        payload.put("severity", switch (n.severity()) {
            case INFO -> "info";
            case WARNING -> "warning";
            case ERROR -> "error";
            case CRITICAL -> "critical";
        });
        String flow = n.fields().get("flow");
        if (flow != null && !flow.isBlank()) {
            payload.put("component", flow);
        }
        ObjectNode details = payload.putObject("custom_details");
        details.put("body", n.body());
        n.fields().forEach(details::put);
        return event;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "sluice";
        }
    }
}
