package dev.sluice.tasks.slack;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.sluice.block.BlockStore;
import dev.sluice.notify.Notification;
import dev.sluice.notify.Severity;
import dev.sluice.testkit.TestRuntimes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Slack that takes longer than OkHttp's default 10 s read timeout to answer, but less than the request
 * timeout ({@value SlackWebhook#REQUEST_TIMEOUT_PROPERTY}), is waited for: the request timeout is the one
 * bound, as documented, and a message Slack posted is never reported {@code delivery_unknown}. (About 11 s:
 * the wait has to pass OkHttp's fixed default.)
 */
class SlackSlowAnswerIT {
    private WireMockServer slack;

    @BeforeEach
    void start() {
        slack = SlackApiStubs.start();
        slack.stubFor(post(SlackApiStubs.WEBHOOK_PATH).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/html").withBody("ok").withFixedDelay(10_500)));
        System.setProperty(SlackWebhook.REQUEST_TIMEOUT_PROPERTY, "20");
        TestRuntimes.use(b -> b.blockStore(BlockStore.inMemory()));
    }

    @AfterEach
    void stop() {
        TestRuntimes.reset();
        System.clearProperty(SlackWebhook.REQUEST_TIMEOUT_PROPERTY);
        slack.stop();
    }

    @Test
    void aWebhookAnsweringAfterTenSecondsWithinTheRequestTimeoutIsPosted() {
        SlackApiStubs.webhook(slack).send(Notification.of("disk full", "on db-1", Severity.ERROR));

        slack.verify(1, postRequestedFor(com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo(SlackApiStubs.WEBHOOK_PATH)));
    }
}
