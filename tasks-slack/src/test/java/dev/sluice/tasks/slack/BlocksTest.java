package dev.sluice.tasks.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.notify.Notifier;
import dev.sluice.block.Secret;
import org.junit.jupiter.api.Test;

class BlocksTest {
    private static final String TOKEN = "xoxb-1111-2222-SecretTokenValue";
    private static final String URL = "https://hooks.slack.com/services/T000/B000/SecretWebhookPart";

    @Test
    void credentialsAreABlockWhoseTokenNeverShows() {
        SlackCredentials credentials = SlackCredentials.of(Secret.of(TOKEN));

        assertThat(credentials.blockType()).isEqualTo("slack-credentials");
        assertThat(credentials.apiUrl()).isNull();
        assertThat(credentials.toString()).doesNotContain(TOKEN).contains("**********");
    }

    @Test
    void apiUrlGetsATrailingSlashAndMustBeHttp() {
        SlackCredentials credentials = SlackCredentials.of(Secret.of(TOKEN)).withApiUrl("https://slack-gov.com/api");

        assertThat(credentials.apiUrl()).isEqualTo("https://slack-gov.com/api/");
        assertThatThrownBy(() -> credentials.withApiUrl("slack.com/api/"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("apiUrl must be an http(s) URL");
        assertThatThrownBy(() -> credentials.withApiUrl("https://user:pw@slack.com/api/"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("pw");
    }

    @Test
    void anEmptyTokenIsRefused() {
        assertThatThrownBy(() -> SlackCredentials.of(Secret.of("")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("token must not be empty");
    }

    @Test
    void webhookIsANotifierBlockWhoseUrlNeverShows() {
        SlackWebhook webhook = SlackWebhook.of(Secret.of(URL));

        assertThat(webhook).isInstanceOf(Notifier.class);
        assertThat(webhook.blockType()).isEqualTo("slack-webhook");
        assertThat(webhook.toString()).doesNotContain("SecretWebhookPart");
        assertThatThrownBy(() -> SlackWebhook.of(Secret.of("hooks.slack.com/services/T000/B000/SecretWebhookPart")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("SecretWebhookPart");
    }

    @Test
    void messagesValidateTheirParts() {
        assertThatThrownBy(() -> SlackMessage.of("#ops", "").withText(""))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("a Slack message needs a text or blocks, both were empty");
        assertThatThrownBy(() -> SlackMessage.of("hi").withBlocks("{\"type\":\"divider\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("blocks must be a JSON array");
        assertThatThrownBy(() -> SlackMessage.of("hi").withBlocks("[{\"type\":"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> SlackMessage.of("hi").withBlocks("[{\"text\":\"no type\"}]"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("blocks[0] must be a JSON object with a \"type\"");
        assertThatThrownBy(() -> SlackMessage.of(" ", "hi"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("channel must not be blank");
        assertThat(new SlackMessage(null, "", "[{\"type\":\"divider\"}]", null, false, true).blocks()).isEqualTo("[{\"type\":\"divider\"}]");
    }

    @Test
    void messagesAreImmutableCopies() {
        SlackMessage base = SlackMessage.of("#ops", "hi");
        SlackMessage reply = base.inThread("1503435956.000247").withUnfurl(true, false);

        assertThat(base.threadTs()).isNull();
        assertThat(base.unfurlMedia()).isTrue();
        assertThat(reply).isEqualTo(new SlackMessage("#ops", "hi", null, "1503435956.000247", true, false));
    }

    @Test
    void onlyRetryableSlackExceptionsAreRetryable() {
        SlackException rateLimited = new SlackException("op", "ratelimited", "wait", true, null, null);
        SlackException notFound = new SlackException("op", "channel_not_found", "check it", false, null, null);

        assertThat(SlackException.isRetryable(rateLimited)).isTrue();
        assertThat(SlackException.isRetryable(notFound)).isFalse();
        assertThat(SlackException.isRetryable(new RuntimeException("x"))).isFalse();
        assertThat(notFound).hasMessage("op failed: channel_not_found. check it");
        assertThat(SlackTasks.defaultRetryPolicy().shouldRetry(rateLimited)).isTrue();
        assertThat(SlackTasks.defaultRetryPolicy().shouldRetry(notFound)).isFalse();
        // a NotificationException: Notify does not send again what Slack refused or may have posted
        assertThat(rateLimited).isInstanceOf(dev.sluice.notify.NotificationException.class);
        assertThat(rateLimited.isRetryable()).isTrue();
        assertThat(notFound.isRetryable()).isFalse();
    }

    @Test
    void slackExceptionsCarryTheServersWaitForTheRetryLoop() {
        SlackException rateLimited = new SlackException("op", "ratelimited", "wait", true, java.time.Duration.ofSeconds(7), null);

        assertThat(rateLimited).isInstanceOf(dev.sluice.RetryAfter.Hint.class);
        assertThat(dev.sluice.RetryAfter.requestedBy(new IllegalStateException("wrapped", rateLimited)))
                .contains(java.time.Duration.ofSeconds(7));
    }

    @Test
    void prebuiltTasksCanBeRetuned() {
        var tuned = SlackTasks.sendChatMessage().withRetries(5, java.time.Duration.ofSeconds(2));

        assertThat(tuned.retryPolicy().maxRetries()).isEqualTo(5);
        assertThat(SlackTasks.sendChatMessage().retryPolicy().maxRetries()).isEqualTo(3);
        assertThat(SlackTasks.defaultRetryPolicy().yieldsToEnclosingRetries()).as("a library default yields").isTrue();
        assertThat(tuned.retryPolicy().yieldsToEnclosingRetries()).as("a policy the user sets does not").isFalse();
        assertThat(SlackTasks.sendChatMessage().tags()).contains("slack");
        assertThat(SlackTasks.sendWebhookMessage().name()).isEqualTo("slack-send-webhook-message");
    }
}
