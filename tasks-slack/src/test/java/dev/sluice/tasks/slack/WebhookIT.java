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
import dev.sluice.RetryPolicy;
import dev.sluice.TaskFailedException;
import dev.sluice.block.BlockStore;
import dev.sluice.block.Blocks;
import dev.sluice.block.Secret;
import dev.sluice.notify.Notification;
import dev.sluice.notify.NotificationException;
import dev.sluice.notify.Severity;
import dev.sluice.testkit.TestRuntimes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Incoming webhooks: the {@code sendWebhookMessage} task and {@link SlackWebhook} as a notifier, against
 * WireMock answering as Slack does. Waits are recorded by the runtime's sleeper, not slept.
 */
class WebhookIT {
    private static WireMockServer slack;
    private SlackWebhook webhook;
    private final List<Duration> slept = new CopyOnWriteArrayList<>();

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
        TestRuntimes.use(b -> b.blockStore(BlockStore.inMemory()).sleeper(slept::add));
    }

    @AfterEach
    void resetRuntime() {
        TestRuntimes.reset();
    }

    private int posts() {
        return slack.findAll(postRequestedFor(urlEqualTo(WEBHOOK_PATH))).size();
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

        assertThat(posts()).isEqualTo(2);
        assertThat(slept).as("the retry waited Slack's Retry-After, not the policy's zero delay").containsExactly(Duration.ofSeconds(1));
    }

    @Test
    void aRetryAfterGivenAsAnHttpDateIsWaitedOut() {
        Instant now = Instant.parse("2026-11-20T08:00:00Z");
        TestRuntimes.use(b -> b.clock(Clock.fixed(now, ZoneOffset.UTC)));
        slack.stubFor(post(WEBHOOK_PATH).inScenario("429").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(text(429, "rate_limited").withHeader("Retry-After", "Fri, 20 Nov 2026 08:00:07 GMT"))
                .willSetStateTo("retry"));
        slack.stubFor(post(WEBHOOK_PATH).inScenario("429").whenScenarioStateIs("retry").willReturn(text(200, "ok")));

        SlackTasks.sendWebhookMessage().run(webhook, SlackMessage.of("hello"));

        assertThat(posts()).isEqualTo(2);
        assertThat(slept).containsExactly(Duration.ofSeconds(7));
    }

    @Test
    void aTaskRateLimitedForAnHourFailsAtOnceSayingSo() {
        slack.stubFor(post(WEBHOOK_PATH).willReturn(text(429, "rate_limited").withHeader("Retry-After", "3600")));

        TaskFailedException failed = catchThrowableOfType(TaskFailedException.class,
                () -> SlackTasks.sendWebhookMessage().run(webhook, SlackMessage.of("hello")));

        assertThat(failed.run().attempts()).isEqualTo(1);
        assertThat(posts()).isEqualTo(1);
        assertThat(slept).as("nothing near an hour was waited").isEmpty();
        SlackException cause = (SlackException) failed.getCause();
        assertThat(cause.error()).isEqualTo("ratelimited");
        assertThat(cause.retryAfter()).contains(Duration.ofSeconds(3600));
        assertThat(cause.getMessage()).contains("Retry-After 3600 s");
        assertThat(cause.getSuppressed()).anySatisfy(s -> assertThat(s.getMessage())
                .contains("the server asked to retry after").contains("more than maxRetryAfter"));
        assertThat(failed.run().logs()).anySatisfy(line -> assertThat(line.message()).contains("more than maxRetryAfter"));
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
    void aBare403OfAWebhookHintsAtTheWebhookNotABotToken() {
        slack.stubFor(post(WEBHOOK_PATH).willReturn(aResponse().withStatus(403)));

        TaskFailedException failed = catchThrowableOfType(TaskFailedException.class,
                () -> SlackTasks.sendWebhookMessage().run(webhook, SlackMessage.of("hello")));

        SlackException cause = (SlackException) failed.getCause();
        assertThat(cause.error()).isEqualTo("http_403");
        assertThat(cause.getMessage()).contains("create a new webhook").doesNotContain("xoxb").doesNotContain("bot token");
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
    void aSubjectWithSlackMarkupNeitherMentionsTheChannelNorLinksInTheFallbackText() throws Exception {
        slack.stubFor(post(WEBHOOK_PATH).willReturn(text(200, "ok")));

        // an error message from elsewhere in a subject: withSubject("{errorMessage}"), or notify(...)
        webhook.notify("<!channel> upstream said: see <https://evil.example|the fix> & retry");

        JsonNode body = new ObjectMapper().readTree(slack.findAll(postRequestedFor(urlEqualTo(WEBHOOK_PATH))).get(0).getBodyAsString());
        // Slack reads the fallback text as mrkdwn (the push notification): escaped like the body, it is shown as written
        assertThat(body.path("text").asText()).isEqualTo(":information_source: &lt;!channel&gt; upstream said: see"
                + " &lt;https://evil.example|the fix&gt; &amp; retry");
        assertThat(body.path("blocks").get(1).path("text").path("text").asText()).startsWith("&lt;!channel&gt;");
    }

    @Test
    void aNotificationOnItsOwnIsRetriedAfterRetryAfter() {
        slack.stubFor(post(WEBHOOK_PATH).inScenario("429").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(text(429, "rate_limited").withHeader("Retry-After", "1")).willSetStateTo("retry"));
        slack.stubFor(post(WEBHOOK_PATH).inScenario("429").whenScenarioStateIs("retry").willReturn(text(200, "ok")));

        webhook.send(Notification.of("Flow daily-etl completed", "1,204 rows", Severity.INFO));

        assertThat(posts()).isEqualTo(2);
        assertThat(slept).containsExactly(Duration.ofSeconds(1));
    }

    @Test
    void aNotificationOnItsOwnIsRetriedTwiceWhenSlackIsUnavailable() {
        slack.stubFor(post(WEBHOOK_PATH).willReturn(text(503, "service_unavailable")));

        SlackException e = catchThrowableOfType(SlackException.class,
                () -> webhook.send(Notification.of("Flow daily-etl failed", "boom", Severity.ERROR)));

        assertThat(e.error()).isEqualTo("service_unavailable");
        assertThat(posts()).isEqualTo(3);
        assertThat(slept).hasSize(2);
        assertThat(slept.get(0)).isBetween(Duration.ofMillis(800), Duration.ofMillis(1200));
        assertThat(slept.get(1)).isBetween(Duration.ofMillis(1600), Duration.ofMillis(2400));
    }

    @Test
    void aNotificationRateLimitedForAnHourFailsAtOnceSayingSo() {
        slack.stubFor(post(WEBHOOK_PATH).willReturn(text(429, "rate_limited").withHeader("Retry-After", "3600")));

        SlackException e = catchThrowableOfType(SlackException.class,
                () -> webhook.send(Notification.of("Flow daily-etl failed", "boom", Severity.ERROR)));

        assertThat(slept).as("nothing near an hour was waited").isEmpty();
        assertThat(posts()).isEqualTo(1);
        assertThat(e.error()).isEqualTo("ratelimited");
        assertThat(e.getMessage()).contains("Slack asked to wait 3600 s before the next post (Retry-After), more than the 30 s"
                + " a notification waits at most (maxRetryAfter)");
        assertThat(e.isRetryable()).isFalse();
        assertThat(everything(e)).doesNotContain(WEBHOOK_PATH);
    }

    @Test
    void aNotificationSlackRefusedIsNotSentAgainByAnyone() {
        slack.stubFor(post(WEBHOOK_PATH).willReturn(text(404, "no_service")));

        NotificationException e = catchThrowableOfType(NotificationException.class,
                () -> webhook.send(Notification.of("Flow daily-etl failed", "boom", Severity.ERROR)));

        assertThat(e).isInstanceOf(SlackException.class);
        assertThat(((SlackException) e).error()).isEqualTo("no_service");
        assertThat(e.isRetryable()).as("Notify must not send it again").isFalse();
        assertThat(posts()).isEqualTo(1);
        assertThat(slept).isEmpty();
    }

    @Test
    void aNotificationSlackMayHavePostedIsNotSentAgainByAnyone() {
        slack.stubFor(post(WEBHOOK_PATH).willReturn(text(500, "")));

        SlackException e = catchThrowableOfType(SlackException.class,
                () -> webhook.send(Notification.of("Flow daily-etl failed", "boom", Severity.ERROR)));

        assertThat(e.error()).isEqualTo("http_500");
        assertThat(e.isRetryable()).isFalse();
        assertThat(e.hint()).contains("never posted twice");
        assertThat(posts()).isEqualTo(1);
        assertThat(slept).isEmpty();
    }

    @Test
    void aSavedWebhookNotifiesAMessage() throws Exception {
        slack.stubFor(post(WEBHOOK_PATH).willReturn(text(200, "ok")));
        Blocks.save("ops", webhook);

        Blocks.load(SlackWebhook.class, "ops").notify("Hello from Sluice!\nThe nightly load is done.");

        List<LoggedRequest> requests = slack.findAll(postRequestedFor(urlEqualTo(WEBHOOK_PATH)));
        assertThat(requests).hasSize(1);
        JsonNode body = new ObjectMapper().readTree(requests.get(0).getBodyAsString());
        assertThat(body.path("text").asText()).isEqualTo(":information_source: Hello from Sluice!");
        JsonNode blocks = body.path("blocks");
        assertThat(blocks.get(0).path("text").path("text").asText()).isEqualTo(":information_source: Hello from Sluice!");
        assertThat(blocks.get(1).path("text").path("text").asText()).isEqualTo("Hello from Sluice!\nThe nightly load is done.");
        assertThat(blocks.get(blocks.size() - 1).path("elements").get(0).path("text").asText()).contains("*INFO*");
    }

    @Test
    void notifyMasksRevealedSecrets() throws Exception {
        slack.stubFor(post(WEBHOOK_PATH).willReturn(text(200, "ok")));
        Secret password = Secret.of("hunter2-notify-password");
        String revealed = password.reveal();

        webhook.notify("login failed for password " + revealed);

        String raw = slack.findAll(postRequestedFor(urlEqualTo(WEBHOOK_PATH))).get(0).getBodyAsString();
        assertThat(raw).doesNotContain("hunter2-notify-password").contains("login failed for password **********");
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
