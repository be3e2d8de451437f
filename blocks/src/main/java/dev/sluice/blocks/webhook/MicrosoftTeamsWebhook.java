package dev.sluice.blocks.webhook;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.block.Block;
import dev.sluice.block.BlockType;
import dev.sluice.notify.Notification;
import dev.sluice.notify.Notifier;
import dev.sluice.block.Secret;
import dev.sluice.blocks.webhook.internal.WebhookSender;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Posts notifications to a Microsoft Teams channel through a Workflows ("When a Teams webhook
 * request is received") webhook, as an Adaptive Card: the subject as a bold heading coloured by
 * severity, the body, and the fields as a fact set.
 *
 * <pre>{@code
 * Notifier teams = new MicrosoftTeamsWebhook(Secret.of("https://prod-00.westeurope.logic.azure.com:443/workflows/..."));
 * flow.onFailure(Notify.via(teams));
 * }</pre>
 *
 * @param url     the workflow's webhook URL; it carries its own signature, so it is a secret
 * @param options timeouts and retries; {@code null} means {@link WebhookOptions#defaults()}
 */
@BlockType("microsoft-teams-webhook")
public record MicrosoftTeamsWebhook(Secret url, @Nullable WebhookOptions options) implements Notifier, Block {
    /** Longest body text sent; Teams refuses cards over about 28 KB. */
    static final int MAX_BODY = 12_000;

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

    static ObjectNode card(Notification n) {
        ObjectNode message = WebhookSender.JSON.createObjectNode();
        message.put("type", "message");
        ObjectNode attachment = message.putArray("attachments").addObject();
        attachment.put("contentType", "application/vnd.microsoft.card.adaptive");
        attachment.putNull("contentUrl");
        ObjectNode content = attachment.putObject("content");
        content.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
        content.put("type", "AdaptiveCard");
        content.put("version", "1.4");
        ArrayNode body = content.putArray("body");
        body.addObject().put("type", "TextBlock").put("text", n.subject()).put("size", "Medium")
                .put("weight", "Bolder").put("wrap", true).put("color", switch (n.severity()) {
                    case INFO -> "Good";
                    case WARNING -> "Warning";
                    case ERROR, CRITICAL -> "Attention";
                });
        // Teams renders TextBlock text as Markdown, where a single line break is not a break
        body.addObject().put("type", "TextBlock")
                .put("text", WebhookSender.truncate(n.body(), MAX_BODY).replace("\n", "\n\n")).put("wrap", true);
        if (!n.fields().isEmpty()) {
            ArrayNode facts = body.addObject().put("type", "FactSet").putArray("facts");
            n.fields().forEach((k, v) -> facts.addObject().put("title", k).put("value", v));
        }
        return message;
    }
}
