package dev.sluice.blocks.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.block.Block;
import dev.sluice.block.BlockType;
import dev.sluice.notify.Notification;
import dev.sluice.notify.Notifier;
import dev.sluice.block.Secret;
import dev.sluice.FlowRun;
import dev.sluice.RunContext;
import dev.sluice.notify.TextCuts;
import dev.sluice.blocks.webhook.internal.WebhookSender;
import dev.sluice.internal.FlowRunRecord;
import java.nio.charset.StandardCharsets;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Triggers a PagerDuty alert through the Events API v2 ({@code POST /v2/enqueue}) for each
 * notification: the subject is the summary, the severity maps to {@code info}, {@code warning},
 * {@code error} or {@code critical}, and the body and fields go into {@code custom_details}.
 *
 * <p>One incident per failure: {@code Notify} puts the run id ({@link #RUN_ID_FIELD}) into every
 * notification, and the dedup key is the id of the top-level (root) flow run the failure belongs
 * to, however many subflows down it happened: a notification about a task run, about a subflow run
 * or about a sub-subflow's task run is keyed by the flow run the whole tree was started as. So a
 * notification sent again for the same run (a notifier retry, a second hook), and the notifications
 * of a {@code Notify} on a task, on the subflows around it and on the top-level flow, add to one
 * open incident instead of paging twice. A notification without that field gets no dedup key, and
 * PagerDuty makes one.
 *
 * <p>An event is at most {@value #MAX_EVENT_BYTES} bytes as sent (PagerDuty's limit is 512 KB),
 * whatever the size or script of the text: the summary is cut to 1,024 characters, each field to
 * 2,000 bytes, and the body to the room left, each marked where it was cut.
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
    /** PagerDuty's limit on the summary, in characters. */
    static final int MAX_SUMMARY = 1024;
    /** The most an event takes, in bytes of the JSON as sent: PagerDuty refuses events over 512 KB (524,288 bytes). */
    public static final int MAX_EVENT_BYTES = 500_000;
    /** The most one field of {@code custom_details} takes, in bytes of JSON. */
    static final int MAX_FIELD_BYTES = 2_000;
    /** The most all fields of {@code custom_details} take together, in bytes of JSON. */
    static final int MAX_FIELDS_BYTES = 16_000;
    /** The most the dedup key (PagerDuty's limit), the source and the component take, in characters. */
    static final int MAX_KEY = 255;
    private static final String BODY_CUT = "\n\u2026 [cut by Sluice to fit PagerDuty's event size limit]";

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
                "application/json", WebhookSender.json(event(notification, key, source != null ? source : hostName(),
                        dedupKey(notification))),
                Map.of(), List.of(key)), Objects.requireNonNull(options));
    }

    /**
     * The event for {@code n}, at most {@link #MAX_EVENT_BYTES} bytes as sent: the summary cut to
     * {@link #MAX_SUMMARY} characters, source, component and dedup key to {@link #MAX_KEY} characters,
     * each field of {@code custom_details} to {@link #MAX_FIELD_BYTES} bytes and all fields together to
     * {@link #MAX_FIELDS_BYTES}, and the body to the room left, marked where it was cut. So an error
     * that is both in the body and in the {@code error} field is there once in full (as far as it
     * fits) and once shortened.
     */
    static ObjectNode event(Notification n, String routingKey, String source, @Nullable String dedupKey) {
        ObjectNode skeleton = event(n, routingKey, source, dedupKey, "");
        int budget = MAX_EVENT_BYTES - bytes(skeleton);
        while (true) {
            ObjectNode event = event(n, routingKey, source, dedupKey,
                    TextCuts.cut(n.body(), budget, TextCuts.Measure.JSON, BODY_CUT));
            int excess = bytes(event) - MAX_EVENT_BYTES;
            if (excess <= 0) {
                return event;
            }
            budget -= excess; // a guard: the JSON measure matches what Jackson writes
        }
    }

    /** {@link #event(Notification, String, String, String)} deduplicated by the notification's run id. */
    static ObjectNode event(Notification n, String routingKey, String source) {
        return event(n, routingKey, source, n.fields().get(RUN_ID_FIELD));
    }

    private static ObjectNode event(Notification n, String routingKey, String source, @Nullable String dedupKey,
            String body) {
        ObjectNode event = WebhookSender.JSON.createObjectNode();
        event.put("routing_key", routingKey);
        event.put("event_action", "trigger");
        if (dedupKey != null && !dedupKey.isBlank()) {
            event.put("dedup_key", TextCuts.cut(dedupKey, MAX_KEY, TextCuts.Measure.CHARS, ""));
        }
        event.put("client", "Sluice");
        ObjectNode payload = event.putObject("payload");
        payload.put("summary", WebhookSender.truncate(n.subject().isBlank() ? "(no subject)" : n.subject(), MAX_SUMMARY));
        payload.put("source", WebhookSender.truncate(source, MAX_KEY));
        payload.put("severity", switch (n.severity()) {
            case INFO -> "info";
            case WARNING -> "warning";
            case ERROR -> "error";
            case CRITICAL -> "critical";
        });
        String flow = n.fields().get("flow");
        if (flow != null && !flow.isBlank()) {
            payload.put("component", WebhookSender.truncate(flow, MAX_KEY));
        }
        ObjectNode details = payload.putObject("custom_details");
        details.put("body", body);
        int left = MAX_FIELDS_BYTES;
        int shown = 0;
        for (Map.Entry<String, String> f : n.fields().entrySet()) {
            String key = TextCuts.cut(f.getKey(), 200, TextCuts.Measure.JSON, "\u2026");
            int room = Math.min(MAX_FIELD_BYTES, left - TextCuts.size(key, TextCuts.Measure.JSON));
            if (room < 64 || key.equals("body") || details.has(key)) {
                continue;
            }
            String value = TextCuts.cut(f.getValue(), room, TextCuts.Measure.JSON, "\u2026");
            left -= TextCuts.size(key, TextCuts.Measure.JSON) + TextCuts.size(value, TextCuts.Measure.JSON);
            details.put(key, value);
            shown++;
        }
        if (shown < n.fields().size()) {
            details.put("more fields", (n.fields().size() - shown) + " not shown (PagerDuty's event size limit)");
        }
        return event;
    }

    private static int bytes(ObjectNode node) {
        return WebhookSender.json(node).getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * The dedup key of {@code n}: for a notification about the flow run it is sent in (from the run's
     * own code), one of that flow run's task runs or one of its subflow runs (the hooks of those run in
     * the flow run's context), the id of the top-level flow run that flow run belongs to (itself, its
     * parent, or its parent's parent, however deep); for any other notification its {@link
     * #RUN_ID_FIELD}; without that field, none. So the notifications about one failure page once,
     * however many subflows down it happened.
     */
    static @Nullable String dedupKey(Notification n) {
        String runId = n.fields().get(RUN_ID_FIELD);
        if (runId == null || runId.isBlank()) {
            return null;
        }
        Optional<FlowRun<?>> current = RunContext.flowRun();
        if (current.isEmpty()) {
            return runId; // a top-level flow's own hook runs outside it: the run id is the flow run's
        }
        FlowRun<?> flow = current.get();
        boolean inThisFlow = runId.equals(flow.id())
                || RunContext.taskRun().map(t -> t.id().equals(runId)).orElse(false)
                || flow.taskRuns().stream().anyMatch(t -> t.id().equals(runId))
                || flow.subflowRuns().stream().anyMatch(f -> f.id().equals(runId));
        return inThisFlow ? rootFlowRunId(flow) : runId;
    }

    /** The id of the top-level flow run {@code flow} belongs to, however deep a subflow it is. */
    private static String rootFlowRunId(FlowRun<?> flow) {
        if (flow instanceof FlowRunRecord record) {
            FlowRunRecord root = record;
            while (root.parentFlow() != null) {
                root = root.parentFlow();
            }
            return root.id();
        }
        return flow.parentFlowRunId().orElse(flow.id());
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "sluice";
        }
    }
}
