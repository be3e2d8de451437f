package dev.sluice.tasks.slack.internal;

import dev.sluice.tasks.slack.SlackException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Turns what Slack (or the network) answered into a {@link SlackException} with a hint, and
 * decides two things about it: may it be retried, and may the message already be in the channel.
 */
final class Failures {
    /** A failure and whether Slack may have posted the message anyway. */
    record Failure(SlackException error, boolean maybeDelivered) {
    }

    private static final String AUTH_HINT = "the bot token in the SlackCredentials block is not valid (revoked, expired "
            + "or mistyped); save the block again with a current xoxb- token from the app's OAuth & Permissions page";

    private static final Map<String, String> HINTS = Map.ofEntries(
            Map.entry("channel_not_found", "no channel with that name or ID is visible to the bot; check the channel, "
                    + "use its ID (C...) for private channels, and invite the app to private channels"),
            Map.entry("not_in_channel", "the bot is not a member of the channel; invite it (/invite @your-app) or "
                    + "add the chat:write.public scope to post to public channels without joining"),
            Map.entry("is_archived", "the channel is archived; unarchive it or post to another channel"),
            Map.entry("channel_is_archived", "the channel is archived; unarchive it or create a webhook for another channel"),
            Map.entry("invalid_auth", AUTH_HINT),
            Map.entry("not_authed", AUTH_HINT),
            Map.entry("token_revoked", AUTH_HINT),
            Map.entry("token_expired", AUTH_HINT),
            Map.entry("account_inactive", AUTH_HINT),
            Map.entry("invalid_token", "the webhook's token is not valid; create a new webhook and save the block with its URL"),
            Map.entry("missing_scope", "the app lacks a scope this call needs (chat:write for posting); add it under "
                    + "OAuth & Permissions and reinstall the app"),
            Map.entry("restricted_action", "a workspace setting stops this app from posting in that channel; ask an admin"),
            Map.entry("action_prohibited", "a workspace admin restricted this webhook; ask an admin"),
            Map.entry("posting_to_general_channel_denied", "only admins may post to #general; use another channel"),
            Map.entry("msg_too_long", "the text is too long for Slack; shorten it"),
            Map.entry("no_text", "the message has neither text nor blocks Slack accepts; give it a text"),
            Map.entry("invalid_blocks", "Slack rejected the Block Kit JSON; check it in Block Kit Builder "
                    + "(https://app.slack.com/block-kit-builder)"),
            Map.entry("invalid_blocks_format", "blocks must be a JSON array of Block Kit blocks; check it in Block Kit Builder"),
            Map.entry("invalid_payload", "Slack could not read the webhook payload; check the blocks' JSON in Block Kit Builder"),
            Map.entry("no_service", "the webhook was removed or disabled; create a new one and save the block with its URL"),
            Map.entry("no_active_hooks", "the webhook's app or integration is disabled; re-enable it or create a new webhook"),
            Map.entry("user_not_found", "the webhook's user no longer exists; create a new webhook"),
            Map.entry("ratelimited", "a retry waits that long, and none follows if that is more than the retry policy's "
                    + "maxRetryAfter; once the retries are used up: send less often (Slack allows about one message per "
                    + "second per channel) or give the task more retries"),
            Map.entry("service_unavailable", "Slack is unavailable for now and did not post; it is retried, and once the "
                    + "retries are used up, try again later"),
            Map.entry("request_timeout", "Slack received the request incomplete and did not post; it is retried, and once "
                    + "the retries are used up, try again later"));

    /** Answers after which Slack did not process the call and asks to call again. */
    private static final Set<String> RETRYABLE = Set.of("ratelimited", "service_unavailable", "request_timeout");
    /** Answers after which, per Slack's docs, part of the operation may have succeeded. */
    private static final Set<String> MAYBE_DONE = Set.of("internal_error", "fatal_error");

    private Failures() {
    }

    /** An {@code ok:false} answer (or an error code in an HTTP error body). */
    static Failure slackError(String operation, String error, @Nullable String needed, @Nullable Duration retryAfter,
            @Nullable Throwable cause) {
        if (MAYBE_DONE.contains(error)) {
            return unknown(operation, error, "Slack reported an error after which the message may have been posted", cause);
        }
        String hint = error.equals("ratelimited") ? "Slack asked to slow down; " + HINTS.get("ratelimited")
                : HINTS.getOrDefault(error, "see Slack's list of errors for this method at https://api.slack.com/methods");
        if (needed != null && !needed.isBlank()) {
            hint += " (Slack says the call needs: " + needed + ")";
        }
        return new Failure(new SlackException(operation, error, hint, RETRYABLE.contains(error), retryAfter, cause), false);
    }

    /** An HTTP status other than 200, with Slack's error code from the body if it had one. */
    static Failure http(String operation, int status, @Nullable String slackError, @Nullable Duration retryAfter,
            @Nullable Throwable cause) {
        if (status == 429) {
            String hint = "Slack asked to slow down" + (retryAfter == null ? "" : " (Retry-After " + seconds(retryAfter) + ")")
                    + "; " + HINTS.get("ratelimited");
            return new Failure(new SlackException(operation, "ratelimited", hint, true, retryAfter, cause), false);
        }
        if (status == 503) {
            return new Failure(new SlackException(operation, slackError != null ? slackError : "service_unavailable",
                    HINTS.get("service_unavailable"), true, retryAfter, cause), false);
        }
        if (status >= 500) {
            return unknown(operation, slackError != null ? slackError : "http_" + status,
                    "Slack answered HTTP " + status + ", after which the message may have been posted", cause);
        }
        if (slackError != null) {
            return slackError(operation, slackError, null, retryAfter, cause);
        }
        boolean webhook = operation.equals(SlackSender.WEBHOOK_OPERATION);
        String hint = switch (status) {
            case 401, 403 -> webhook ? "Slack refused the webhook (HTTP " + status + "): it was revoked or its URL is"
                    + " mistyped; create a new webhook and save the block with its URL" : AUTH_HINT;
            case 404, 410 -> "nothing answers at that address; check the API URL or webhook URL in the block";
            default -> "Slack refused the request with HTTP " + status;
        };
        return new Failure(new SlackException(operation, "http_" + status, hint, false, retryAfter, cause), false);
    }

    /** An I/O failure: before the connection was made (retryable) or after (maybe delivered). */
    static Failure io(String operation, IOException e) {
        return io(operation, e, null);
    }

    /** As {@link #io(String, IOException)}, with {@code secret} (a webhook URL) kept out of message and cause. */
    static Failure io(String operation, IOException e, @Nullable String secret) {
        Throwable cause = secret == null ? e : Scrub.scrub(e, secret);
        if (e instanceof ConnectException || e instanceof UnknownHostException || e instanceof NoRouteToHostException
                || e instanceof PortUnreachableException) {
            String hint = "could not connect to Slack (" + e.getClass().getSimpleName() + "), so nothing was sent; "
                    + "check the network, proxy and the API URL";
            return new Failure(new SlackException(operation, "connection_failed", hint, true, null, cause), false);
        }
        if (certificateProblem(e)) {
            // refused during the TLS handshake, before anything was sent; the same certificate is refused every time
            String hint = "the TLS certificate of the server (or of a proxy in the way) is not trusted by this JVM ("
                    + e.getClass().getSimpleName() + "), so nothing was sent; check the URL, or add the proxy's CA to the"
                    + " JVM's trust store";
            return new Failure(new SlackException(operation, "tls_certificate", hint, false, null, cause), false);
        }
        String detail = e.getMessage() == null ? "" : ": " + e.getMessage();
        if (e instanceof java.io.InterruptedIOException && !(e instanceof java.net.SocketTimeoutException)
                && "timeout".equals(e.getMessage())) {
            detail = ": timeout: the request took longer in all than the request timeout (system property "
                    + dev.sluice.tasks.slack.SlackWebhook.REQUEST_TIMEOUT_PROPERTY + ")";
        }
        if (secret != null) {
            detail = Scrub.mask(detail, secret);
        }
        return unknown(operation, "delivery_unknown", "the connection failed after the request was sent ("
                + e.getClass().getSimpleName() + detail + ")", cause);
    }

    /** Whether {@code e} is a TLS failure over the server's certificate (untrusted, expired, wrong host). */
    static boolean certificateProblem(Throwable e) {
        int depth = 0;
        for (Throwable t = e; t != null && depth < 16; t = t.getCause(), depth++) {
            if (t instanceof javax.net.ssl.SSLHandshakeException || t instanceof javax.net.ssl.SSLPeerUnverifiedException
                    || t instanceof java.security.cert.CertificateException) {
                return true;
            }
        }
        return false;
    }

    /** An answer that is not Slack's JSON (or lacks what a successful answer has). */
    static Failure invalidResponse(String operation, String what, @Nullable Throwable cause) {
        return unknown(operation, "invalid_response", "Slack's answer was not what Slack sends (" + what
                + "); a proxy may be in the way, and the message may have been posted", cause);
    }

    /** The timeout of {@code earlier} (an earlier attempt of the same message), whose outcome is not known. */
    static Failure earlierAttemptUnknown(String operation, String earlier) {
        return unknown(operation, "delivery_unknown",
                earlier + " was cut off (timeout or error) after sending, so Slack may have it", null);
    }

    /** {@code d} in seconds for a message: {@code "3600 s"}, {@code "1.5 s"}. */
    static String seconds(Duration d) {
        long millis = d.toMillis();
        return millis % 1000 == 0 ? (millis / 1000) + " s" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    private static Failure unknown(String operation, String error, String why, @Nullable Throwable cause) {
        String hint = why + "; Sluice does not send it again, so it is never posted twice: check the channel and "
                + "send it again yourself if it is missing";
        return new Failure(new SlackException(operation, error, hint, false, null, cause), true);
    }
}
