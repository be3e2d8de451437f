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
 * Posts notifications to a Discord channel through an incoming webhook ("Execute Webhook"), as one
 * embed: the subject as title, the body as description, a colour by severity and the fields as
 * embed fields. Mentions in the text are not resolved ({@code allowed_mentions} is empty), so a
 * flow parameter cannot ping {@code @everyone}. Texts are cut to Discord's embed limits, whatever
 * their size and script: title 256 characters, description 4,096, at most 25 fields of 256 (name)
 * and 1,024 (value), 6,000 in all (fields that no longer fit are left out). Characters are counted
 * as UTF-16 units, never fewer than Discord counts, and a cut falls between grapheme clusters, so
 * it never splits an emoji or a letter and its accent; it ends in {@code …}.
 *
 * @param url      the webhook URL ({@code https://discord.com/api/webhooks/<id>/<token>}); a secret
 * @param username the name the message is posted under, or {@code null} for the webhook's own
 * @param options  timeouts and retries; {@code null} means {@link WebhookOptions#defaults()}
 */
@BlockType("discord-webhook")
public record DiscordWebhook(Secret url, @Nullable String username, @Nullable WebhookOptions options)
        implements Notifier, Block {
    /** Discord's embed limits. */
    static final int MAX_TITLE = 256;
    static final int MAX_DESCRIPTION = 4096;
    static final int MAX_FIELDS = 25;
    static final int MAX_FIELD_NAME = 256;
    static final int MAX_FIELD_VALUE = 1024;
    static final int MAX_EMBED_TOTAL = 6000;

    /** Validates the URL and the user name and fills in default options. */
    public DiscordWebhook {
        Objects.requireNonNull(url, "url");
        WebhookSender.uri(url.reveal(), "Discord webhook url");
        if (username != null && (username.isBlank() || username.length() > 80)) {
            throw new IllegalArgumentException("username must be 1 to 80 characters, was '" + username + "'");
        }
        options = options == null ? WebhookOptions.defaults() : options;
    }

    /** A webhook posting under its own name, with default options. */
    public DiscordWebhook(Secret url) {
        this(url, null, null);
    }

    /** A copy posting as {@code name}. */
    public DiscordWebhook withUsername(String name) {
        return new DiscordWebhook(url, Objects.requireNonNull(name, "username"), options);
    }

    /** A copy with other options. */
    public DiscordWebhook withOptions(WebhookOptions newOptions) {
        return new DiscordWebhook(url, username, Objects.requireNonNull(newOptions, "options"));
    }

    /**
     * Posts the notification as an embed.
     *
     * @throws WebhookException if Discord refuses it or cannot be reached after the retries
     */
    @Override
    public void send(Notification notification) {
        Objects.requireNonNull(notification, "notification");
        String u = url.reveal();
        WebhookSender.send(new WebhookSender.Request("Discord webhook", WebhookSender.uri(u, "url"), "POST",
                "application/json", WebhookSender.json(message(notification, username)), Map.of(), List.of(u)),
                Objects.requireNonNull(options));
    }

    static ObjectNode message(Notification n, @Nullable String username) {
        ObjectNode message = WebhookSender.JSON.createObjectNode();
        if (username != null) {
            message.put("username", username);
        }
        ObjectNode embed = message.putArray("embeds").addObject();
        String title = WebhookSender.truncate(n.subject(), MAX_TITLE);
        String description = WebhookSender.truncate(n.body(), MAX_DESCRIPTION);
        embed.put("title", title);
        embed.put("description", description);
        embed.put("color", switch (n.severity()) {
            case INFO -> 0x2ECC71;
            case WARNING -> 0xF1C40F;
            case ERROR -> 0xE74C3C;
            case CRITICAL -> 0x992D22;
        });
        int total = title.length() + description.length();
        if (!n.fields().isEmpty()) {
            ArrayNode fields = embed.putArray("fields");
            for (Map.Entry<String, String> f : n.fields().entrySet()) {
                String name = WebhookSender.truncate(f.getKey().isEmpty() ? "-" : f.getKey(), MAX_FIELD_NAME);
                String value = WebhookSender.truncate(f.getValue().isEmpty() ? "-" : f.getValue(), MAX_FIELD_VALUE);
                if (fields.size() == MAX_FIELDS || total + name.length() + value.length() > MAX_EMBED_TOTAL) {
                    break;
                }
                total += name.length() + value.length();
                fields.addObject().put("name", name).put("value", value).put("inline", false);
            }
        }
        message.putObject("allowed_mentions").putArray("parse");
        return message;
    }
}
