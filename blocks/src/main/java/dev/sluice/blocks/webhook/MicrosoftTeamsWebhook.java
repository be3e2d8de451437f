package dev.sluice.blocks.webhook;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.block.Block;
import dev.sluice.block.BlockType;
import dev.sluice.notify.Notification;
import dev.sluice.notify.Notifier;
import dev.sluice.block.Secret;
import dev.sluice.notify.TextCuts;
import dev.sluice.blocks.webhook.internal.WebhookSender;
import dev.sluice.notify.Severity;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Posts notifications to a Microsoft Teams channel through a Workflows ("When a Teams webhook
 * request is received") webhook, as an Adaptive Card: the subject as a bold heading coloured by
 * severity, the body, and the fields as a fact set. A message is at most {@value #MAX_PAYLOAD_BYTES}
 * bytes as sent, whatever the size or script of the text: the subject and the facts are cut to
 * fixed sizes and the body to the room left, each marked where it was cut.
 *
 * <pre>{@code
 * Notifier teams = new MicrosoftTeamsWebhook(Secret.of("https://prod-00.westeurope.logic.azure.com:443/workflows/..."));
 * flow = flow.onFailure(Notify.via(teams));   // a copy with the hook: a flow never changes
 * }</pre>
 *
 * @param url     the workflow's webhook URL; it carries its own signature, so it is a secret
 * @param options timeouts and retries; {@code null} means {@link WebhookOptions#defaults()}
 */
@BlockType("microsoft-teams-webhook")
public record MicrosoftTeamsWebhook(Secret url, @Nullable WebhookOptions options) implements Notifier, Block {
    /**
     * The most a message takes, in bytes of the JSON as sent: Teams refuses messages over about
     * 28 KB (28,672 bytes), formatting included, so this leaves room.
     */
    public static final int MAX_PAYLOAD_BYTES = 25_000;
    /** The most the subject takes, in bytes of JSON. */
    static final int MAX_SUBJECT_BYTES = 1_000;
    /** The most a fact's title takes, in bytes of JSON. */
    static final int MAX_FACT_TITLE_BYTES = 200;
    /** The most a fact's value takes, in bytes of JSON. */
    static final int MAX_FACT_VALUE_BYTES = 1_000;
    /** The most all facts take together, in bytes of JSON. */
    static final int MAX_FACTS_BYTES = 8_000;
    private static final String BODY_CUT = "\n\n\u2026 [cut by Sluice to fit Teams' message size limit]";

    /** Validates the URL and fills in default options. */
    public MicrosoftTeamsWebhook {
        Objects.requireNonNull(url, "url");
        WebhookSender.uri(url.reveal(), "Microsoft Teams webhook url");
        options = options == null ? WebhookOptions.defaults() : options;
    }

    /** A webhook with default options. */
    public MicrosoftTeamsWebhook(Secret url) {
        this(url, null);
    }

    /** A copy with other options. */
    public MicrosoftTeamsWebhook withOptions(WebhookOptions newOptions) {
        return new MicrosoftTeamsWebhook(url, Objects.requireNonNull(newOptions, "options"));
    }

    /**
     * Posts the notification as an Adaptive Card.
     *
     * @throws WebhookException if Teams refuses it or cannot be reached after the retries
     */
    @Override
    public void send(Notification notification) {
        Objects.requireNonNull(notification, "notification");
        String u = url.reveal();
        WebhookSender.send(new WebhookSender.Request("Microsoft Teams webhook", WebhookSender.uri(u, "url"), "POST",
                "application/json", WebhookSender.json(card(notification)), Map.of(), List.of(u)),
                Objects.requireNonNull(options));
    }

    /**
     * The card for {@code n}, at most {@link #MAX_PAYLOAD_BYTES} bytes as sent: the subject cut to
     * {@link #MAX_SUBJECT_BYTES}, each fact's title and value to {@link #MAX_FACT_TITLE_BYTES} and
     * {@link #MAX_FACT_VALUE_BYTES}, all facts together to {@link #MAX_FACTS_BYTES} (a last fact says how many
     * more there were), and the body to whatever room is left, with a line saying it was cut. Sizes
     * are UTF-8 bytes of the JSON as sent, escapes included; cuts fall between grapheme clusters.
     */
    static ObjectNode card(Notification n) {
        String subject = TextCuts.cut(n.subject(), MAX_SUBJECT_BYTES, TextCuts.Measure.JSON, "\u2026");
        List<String[]> facts = facts(n.fields());
        int budget = MAX_PAYLOAD_BYTES - bytes(card(subject, "", facts, n.severity()));
        // Teams renders TextBlock text as Markdown, where a single line break is not a break
        String body = n.body().replace("\n", "\n\n");
        while (true) {
            ObjectNode card = card(subject, TextCuts.cut(body, budget, TextCuts.Measure.JSON, BODY_CUT), facts,
                    n.severity());
            int excess = bytes(card) - MAX_PAYLOAD_BYTES;
            if (excess <= 0) {
                return card;
            }
            budget -= excess; // a guard: the JSON measure matches what Jackson writes
        }
    }

    private static List<String[]> facts(Map<String, String> fields) {
        List<String[]> facts = new ArrayList<>();
        int left = MAX_FACTS_BYTES;
        int shown = 0;
        for (Map.Entry<String, String> f : fields.entrySet()) {
            String title = TextCuts.cut(f.getKey(), MAX_FACT_TITLE_BYTES, TextCuts.Measure.JSON, "\u2026");
            int room = Math.min(MAX_FACT_VALUE_BYTES, left - TextCuts.size(title, TextCuts.Measure.JSON));
            if (room < 64) {
                break;
            }
            String value = TextCuts.cut(f.getValue(), room, TextCuts.Measure.JSON, "\u2026");
            left -= TextCuts.size(title, TextCuts.Measure.JSON) + TextCuts.size(value, TextCuts.Measure.JSON);
            facts.add(new String[] {title, value});
            shown++;
        }
        if (shown < fields.size()) {
            facts.add(new String[] {"\u2026", (fields.size() - shown) + " more fields not shown (Teams' message size limit)"});
        }
        return facts;
    }

    private static ObjectNode card(String subject, String body, List<String[]> facts, Severity severity) {
        ObjectNode message = WebhookSender.JSON.createObjectNode();
        message.put("type", "message");
        ObjectNode attachment = message.putArray("attachments").addObject();
        attachment.put("contentType", "application/vnd.microsoft.card.adaptive");
        attachment.putNull("contentUrl");
        ObjectNode content = attachment.putObject("content");
        content.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
        content.put("type", "AdaptiveCard");
        content.put("version", "1.4");
        ArrayNode items = content.putArray("body");
        items.addObject().put("type", "TextBlock").put("text", subject).put("size", "Medium")
                .put("weight", "Bolder").put("wrap", true).put("color", switch (severity) {
                    case INFO -> "Good";
                    case WARNING -> "Warning";
                    case ERROR, CRITICAL -> "Attention";
                });
        items.addObject().put("type", "TextBlock").put("text", body).put("wrap", true);
        if (!facts.isEmpty()) {
            ArrayNode set = items.addObject().put("type", "FactSet").putArray("facts");
            for (String[] fact : facts) {
                set.addObject().put("title", fact[0]).put("value", fact[1]);
            }
        }
        return message;
    }

    private static int bytes(ObjectNode node) {
        return WebhookSender.json(node).getBytes(StandardCharsets.UTF_8).length;
    }
}
