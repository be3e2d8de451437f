package dev.sluice.tasks.slack;

import dev.sluice.tasks.slack.internal.Payloads;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A message for {@link SlackTasks#sendChatMessage()} or {@link SlackTasks#sendWebhookMessage()}:
 * text, optional Block Kit blocks, thread and unfurl options. Immutable; each {@code withX}
 * returns a copy.
 *
 * <pre>{@code
 * SlackMessage reply = SlackMessage.of("#ops", "Nightly load finished: 1,204 rows")
 *         .withBlocks("[{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\",\"text\":\"*Nightly load* finished\"}}]")
 *         .inThread(parent.ts());
 * }</pre>
 *
 * <p>Blocks are raw Block Kit JSON (a JSON array), as Block Kit Builder shows them. Blocks built
 * with the Slack SDK's model convert with {@code GsonFactory.createSnakeCase().toJson(blocks)}.
 * With blocks, {@code text} is the fallback Slack shows in notifications. Text over Slack's
 * 40,000 characters and blocks over its 50 are truncated with a visible marker when sent, never
 * rejected by Slack mid-flow.
 *
 * @param channel     channel ID ({@code C0123456789}) or name ({@code #ops}); required for chat
 *                    messages; webhooks post to their own channel and Slack app webhooks ignore it
 * @param text        the text (Slack {@code mrkdwn}); may be empty only when there are blocks
 * @param blocks      Block Kit blocks as a JSON array, or {@code null}
 * @param threadTs    the {@code ts} of the message to reply to, or {@code null} for a top-level message
 * @param unfurlLinks whether Slack previews text links (Slack's default: false)
 * @param unfurlMedia whether Slack previews media links (Slack's default: true)
 */
public record SlackMessage(@Nullable String channel, String text, @Nullable String blocks, @Nullable String threadTs,
        boolean unfurlLinks, boolean unfurlMedia) {

    /** Validates the fields: a text or blocks, blocks a JSON array of objects, no blank channel or thread. */
    public SlackMessage {
        Objects.requireNonNull(text, "text");
        if (channel != null && channel.isBlank()) {
            throw new IllegalArgumentException("channel must not be blank (use null for a webhook's own channel)");
        }
        if (threadTs != null && threadTs.isBlank()) {
            throw new IllegalArgumentException("threadTs must not be blank (use null for a top-level message)");
        }
        if (blocks != null) {
            Payloads.checkBlocks(blocks);
        }
        if (text.isEmpty() && blocks == null) {
            throw new IllegalArgumentException("a Slack message needs a text or blocks, both were empty");
        }
    }

    /** A text message without a channel: for a webhook, which posts to its own channel. */
    public static SlackMessage of(String text) {
        return new SlackMessage(null, text, null, null, false, true);
    }

    /** A text message to {@code channel} (ID or {@code #name}). */
    public static SlackMessage of(String channel, String text) {
        Objects.requireNonNull(channel, "channel");
        return new SlackMessage(channel, text, null, null, false, true);
    }

    /** A copy posted to {@code channel}. */
    public SlackMessage withChannel(String channel) {
        Objects.requireNonNull(channel, "channel");
        return new SlackMessage(channel, text, blocks, threadTs, unfurlLinks, unfurlMedia);
    }

    /** A copy with this text (the fallback text when there are blocks). */
    public SlackMessage withText(String text) {
        return new SlackMessage(channel, text, blocks, threadTs, unfurlLinks, unfurlMedia);
    }

    /** A copy with these Block Kit blocks, a JSON array such as {@code [{"type":"divider"}]}. */
    public SlackMessage withBlocks(String blocksJson) {
        Objects.requireNonNull(blocksJson, "blocks");
        return new SlackMessage(channel, text, blocksJson, threadTs, unfurlLinks, unfurlMedia);
    }

    /** A copy posted as a reply in the thread of the message with timestamp {@code threadTs}. */
    public SlackMessage inThread(String threadTs) {
        Objects.requireNonNull(threadTs, "threadTs");
        return new SlackMessage(channel, text, blocks, threadTs, unfurlLinks, unfurlMedia);
    }

    /** A copy with link and media previews switched as given. */
    public SlackMessage withUnfurl(boolean links, boolean media) {
        return new SlackMessage(channel, text, blocks, threadTs, links, media);
    }
}
