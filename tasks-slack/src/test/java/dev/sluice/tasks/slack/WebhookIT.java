package dev.sluice.tasks.slack;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.sluice.tasks.slack.SlackApiStubs.WEBHOOK_PATH;
import static dev.sluice.tasks.slack.SlackApiStubs.everything;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.sluice.notify.Notification;
import dev.sluice.RetryPolicy;
import dev.sluice.block.Secret;
import dev.sluice.notify.Severity;
import dev.sluice.TaskFailedException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WebhookIT {
    private static WireMockServer slack;
    private SlackWebhook webhook;

    @BeforeAll
    static void start() {
        slack = SlackApiStubs.start();
    }

    @AfterAll
    static void stop() {
        slack.stop();
    }

    @BeforeEach
    void reset() {
        slack.resetAll();
        webhook = SlackApiStubs.webhook(slack);
    }

    /** Slack's incoming webhooks answer 200 with the plain text "ok", and errors as plain-text codes. */
    private static ResponseDefinitionBuilder text(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "text/html").withBody(body);
    }

    @Test
    void postsTheMessageAsJson() {
        slack.stubFor(post(WEBHOOK_PATH).willReturn(text(200, "ok")));
        String blocks = "[{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\",\"text\":\"*Load* done\"}}]";

        SlackTasks.sendWebhookMessage().run(webhook, SlackMessage.of("Load done").withBlocks(blocks));

        slack.verify(1, postRequestedFor(urlEqualTo(WEBHOOK_PATH))
                .withHeader("Content-Type", containing("application/json"))
                .withRequestBody(equalToJson("{\"text\":\"Load done\",\"blocks\":" + blocks
                        + ",\"unfurl_links\":false,\"unfurl_media\":true}")));
    }

    @Test
    void waitsOutRetryAfterThenSucceeds() {
        slack.stubFor(post(WEBHOOK_PATH).inScenario("429").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(text(429, "rate_limited").withHeader("Retry-After", "1")).willSetStateTo("retry"));
        slack.stubFor(post(WEBHOOK_PATH).inScenario("429").whenScenarioStateIs("retry").willReturn(text(200, "ok")));

        SlackTasks.sendWebhookMessage()
                .withRetryPolicy(RetryPolicy.fixed(2, Duration.ZERO).retryIf(SlackException::isRetryable))
                .run(webhook, SlackMessage.of("hello"));

        List<LoggedRequest> requests = slack.findAll(postRequestedFor(urlEqualTo(WEBHOOK_PATH)));
        assertThat(requests).hasSize(2);
        long gapMillis = requests.get(1).getLoggedDate().getTime() - requests.get(0).getLoggedDate().getTime();
        assertThat(gapMillis).isBetween(950L, 10_000L);
    }

    @ParameterizedTest
    @CsvSource({
        "400, invalid_payload,   Block Kit Builder",
        "403, action_prohibited, ask an admin",
        "404, no_service,        create a new one",
        "410, channel_is_archived, unarchive it",
    })
    void errorAnswersBecomeSlackExceptionsWithoutTheUrl(int status, String code, String hint) {
        slack.stubFor(post(WEBHOOK_PATH).willReturn(text(status, code)));

        TaskFailedException failed = catchThrowableOfType(TaskFailedException.class,
                () -> SlackTasks.sendWebhookMessage().run(webhook, SlackMessage.of("hello")));

        SlackException cause = (SlackException) failed.getCause();
        assertThat(cause.error()).isEqualTo(code);
        assertThat(cause.retryable()).isFalse();
        assertThat(cause.getMessage()).startsWith("Slack incoming-webhook post failed: " + code + ". ").contains(hint);
        assertThat(failed.run().attempts()).isEqualTo(1);
        assertThat(everything(failed)).doesNotContain(WEBHOOK_PATH).doesNotContain("XXXXXXXXXXXXXXXXXXXXXXXX");
    }

    @Test
    void aWebhookThatIsDownFailsWithoutShowingItsUrl() throws Exception {
        String url = "http://127.0.0.1:" + SlackApiStubs.closedPort() + WEBHOOK_PATH;

        SlackException e = catchThrowableOfType(SlackException.class,
                () -> SlackWebhook.of(Secret.of(url)).send(Notification.of("flow failed", "boom", Severity.ERROR)));

        assertThat(e.error()).isEqualTo("connection_failed");
        assertThat(everything(e)).doesNotContain(WEBHOOK_PATH);
    }

    @Test
    void notifierPostsAReadableBlockKitLayout() throws Exception {
        slack.stubFor(post(WEBHOOK_PATH).willReturn(text(200, "ok")));
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("Flow", "daily-etl");
        fields.put("Run", "daily-etl-42");
        fields.put("State", "FAILED");
        fields.put("Failed task", "load <orders>");

        webhook.send(new Notification("Flow daily-etl failed", "SqlTaskException: duplicate key & more", Severity.ERROR, fields));

        JsonNode body = new ObjectMapper().readTree(slack.findAll(postRequestedFor(urlEqualTo(WEBHOOK_PATH))).get(0).getBodyAsString());
        assertThat(body.path("text").asText()).isEqualTo(":red_circle: Flow daily-etl failed");
        JsonNode blocks = body.path("blocks");
        assertThat(blocks.get(0).path("type").asText()).isEqualTo("header");
        assertThat(blocks.get(0).path("text").path("text").asText()).isEqualTo(":red_circle: Flow daily-etl failed");
        assertThat(blocks.get(1).path("text").path("text").asText()).isEqualTo("SqlTaskException: duplicate key &amp; more");
        JsonNode columns = blocks.get(2).path("fields");
        assertThat(columns).hasSize(4);
        assertThat(columns.get(0).path("text").asText()).isEqualTo("*Flow*\ndaily-etl");
        assertThat(columns.get(3).path("text").asText()).isEqualTo("*Failed task*\nload &lt;orders&gt;");
        assertThat(blocks.get(3).path("type").asText()).isEqualTo("context");
        assertThat(blocks.get(3).path("elements").get(0).path("text").asText()).contains("*ERROR*");
    }

    @Test
    void notifierMakesOneRequestAndItsRetryWaitsOutRetryAfter() {
        slack.stubFor(post(WEBHOOK_PATH).inScenario("429").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(text(429, "rate_limited").withHeader("Retry-After", "1")).willSetStateTo("retry"));
        slack.stubFor(post(WEBHOOK_PATH).inScenario("429").whenScenarioStateIs("retry").willReturn(text(200, "ok")));
        Notification notification = Notification.of("Flow daily-etl completed", "1,204 rows", Severity.INFO);

        SlackException e = catchThrowableOfType(SlackException.class, () -> webhook.send(notification));
        assertThat(e.error()).isEqualTo("ratelimited");
        assertThat(e.retryable()).isTrue();
        slack.verify(1, postRequestedFor(urlEqualTo(WEBHOOK_PATH)));

        webhook.send(notification); // what a retry of Notify.via does: the same object again

        List<LoggedRequest> requests = slack.findAll(postRequestedFor(urlEqualTo(WEBHOOK_PATH)));
        assertThat(requests).hasSize(2);
        long gapMillis = requests.get(1).getLoggedDate().getTime() - requests.get(0).getLoggedDate().getTime();
        assertThat(gapMillis).isBetween(950L, 10_000L);
    }

    @Test
    void aRetryOfANotificationDoesNotWaitOutALongRetryAfter() {
        slack.stubFor(post(WEBHOOK_PATH).willReturn(text(429, "rate_limited").withHeader("Retry-After", "120")));
        Notification notification = Notification.of("Flow daily-etl failed", "boom", Severity.ERROR);
        SlackException first = catchThrowableOfType(SlackException.class, () -> webhook.send(notification));
        assertThat(first).as("the first send is rate limited").isNotNull();
        assertThat(first.error()).isEqualTo("ratelimited");

        long start = System.nanoTime();
        SlackException retry = catchThrowableOfType(SlackException.class, () -> webhook.send(notification));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
        assertThat(retry.error()).isEqualTo("ratelimited");
        assertThat(retry.getMessage()).contains("longer than a notifier waits (30 s)");
        slack.verify(1, postRequestedFor(urlEqualTo(WEBHOOK_PATH)));
    }

    @Test
    void aRetryOfANotificationSlackRefusedSendsNothing() {
        slack.stubFor(post(WEBHOOK_PATH).willReturn(text(404, "no_service")));
        Notification notification = Notification.of("Flow daily-etl failed", "boom", Severity.ERROR);

        SlackException first = catchThrowableOfType(SlackException.class, () -> webhook.send(notification));
        SlackException retry = catchThrowableOfType(SlackException.class, () -> webhook.send(notification));

        assertThat(first.error()).isEqualTo("no_service");
        assertThat(retry).isSameAs(first);
        slack.verify(1, postRequestedFor(urlEqualTo(WEBHOOK_PATH)));
    }

    @Test
    void aRetryOfANotificationSlackMayHavePostedSendsNothing() {
        slack.stubFor(post(WEBHOOK_PATH).willReturn(text(500, "")));
        Notification notification = Notification.of("Flow daily-etl failed", "boom", Severity.ERROR);

        SlackException first = catchThrowableOfType(SlackException.class, () -> webhook.send(notification));
        SlackException retry = catchThrowableOfType(SlackException.class, () -> webhook.send(notification));

        assertThat(first.error()).isEqualTo("http_500");
        assertThat(retry.error()).isEqualTo("delivery_unknown");
        assertThat(retry.getMessage()).contains("an earlier send of this notification");
        slack.verify(1, postRequestedFor(urlEqualTo(WEBHOOK_PATH)));
    }

    @Test
    void anEqualButNewNotificationIsANewMessage() {
        slack.stubFor(post(WEBHOOK_PATH).willReturn(text(500, "")));
        SlackException first = catchThrowableOfType(SlackException.class,
                () -> webhook.send(Notification.of("Flow daily-etl failed", "boom", Severity.ERROR)));
        assertThat(first).as("the first notification may have been posted").isNotNull();
        assertThat(first.error()).isEqualTo("http_500");
        slack.resetAll();
        slack.stubFor(post(WEBHOOK_PATH).willReturn(text(200, "ok")));

        webhook.send(Notification.of("Flow daily-etl failed", "boom", Severity.ERROR));

        slack.verify(1, postRequestedFor(urlEqualTo(WEBHOOK_PATH)));
    }

    @Test
    void aDeliveredNotificationCanBeSentAgain() {
        slack.stubFor(post(WEBHOOK_PATH).willReturn(text(200, "ok")));
        Notification heartbeat = Notification.of("heartbeat", "alive", Severity.INFO);

        webhook.send(heartbeat);
        webhook.send(heartbeat);

        slack.verify(2, postRequestedFor(urlEqualTo(WEBHOOK_PATH)));
    }
}
