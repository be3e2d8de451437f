package dev.sluice.tasks.slack;

import java.util.Objects;

/**
 * Where Slack put a message posted with {@code chat.postMessage}: reply to it with
 * {@code message.inThread(posted.ts())}, or update or delete it through
 * {@link SlackCredentials#client()}.
 *
 * @param channel the channel ID Slack posted to (e.g. {@code C0123456789}), even if the message named the channel by name
 * @param ts      the message timestamp, Slack's ID of the message within the channel
 */
public record PostedMessage(String channel, String ts) {
    /** Validates the fields. */
    public PostedMessage {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(ts, "ts");
    }
}
