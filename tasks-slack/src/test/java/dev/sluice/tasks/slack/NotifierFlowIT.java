package dev.sluice.tasks.slack;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.sluice.tasks.slack.SlackApiStubs.WEBHOOK_PATH;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.sluice.ErrorInfo;
import dev.sluice.Flow;
import dev.sluice.FlowRun;
import dev.sluice.notify.Notify;
import dev.sluice.block.Secret;
import dev.sluice.State;
import dev.sluice.Task;
import dev.sluice.Task0;
import dev.sluice.testkit.TestRuntimes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A failing flow reports to Slack through {@code Notify.via(webhook)}, checked against what Slack (WireMock) received. */
class NotifierFlowIT {
    private WireMockServer slack;
    private final List<Duration> slept = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        slack = SlackApiStubs.start();
        TestRuntimes.use(b -> b.sleeper(slept::add));
    }

    @AfterEach
    void stop() {
        TestRuntimes.reset();
        slack.stop();
    }

    private static ResponseDefinitionBuilder text(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "text/html").withBody(body);
    }

    private List<LoggedRequest> posts() {
        return slack.findAll(postRequestedFor(urlEqualTo(WEBHOOK_PATH)));
    }

    private static Flow<String, Integer> failingEtl() {
        return Flow.of("daily-etl", (String day) -> {
            throw new IllegalStateException("no orders for " + day);
        });
    }

    @Test
    void aFailingFlowPostsItsErrorToSlackWithSecretsMasked() throws Exception {
        slack.stubFor(post(WEBHOOK_PATH).willReturn(text(200, "ok")));
        SlackWebhook webhook = SlackApiStubs.webhook(slack);
        Secret dbPassword = Secret.of("hunter2-db-password");
        Task0<Integer> load = Task.of("load-orders", () -> {
            String password = dbPassword.reveal();
            throw new IllegalStateException("login failed for password " + password);
        });
        Flow<String, Integer> flow = Flow.of("daily-etl", (String day) -> load.run())
                .onFailure(Notify.via(webhook));

        FlowRun<?> run = flow.runForState("2026-11-20");

        assertThat(run.state()).isEqualTo(State.FAILED);
        assertThat(posts()).hasSize(1);
        String raw = posts().get(0).getBodyAsString();
        assertThat(raw).doesNotContain("hunter2-db-password");
        JsonNode body = new ObjectMapper().readTree(raw);
        JsonNode blocks = body.path("blocks");
        assertThat(body.path("text").asText()).startsWith(":red_circle: ").contains("flow 'daily-etl' FAILED");
        assertThat(blocks.get(0).path("type").asText()).isEqualTo("header");
        assertThat(blocks.get(0).path("text").path("text").asText()).contains("daily-etl").contains(run.name());
        assertThat(blocks.get(1).path("text").path("text").asText())
                .contains("Failed task: 'load-orders'")
                .contains("IllegalStateException: login failed for password **********");
        List<String> fields = new ArrayList<>();
        blocks.get(2).path("fields").forEach(f -> fields.add(f.path("text").asText()));
        assertThat(fields).contains("*flow*\ndaily-etl", "*run*\n" + run.name(), "*state*\nFAILED",
                "*error type*\njava.lang.IllegalStateException", "*error*\nlogin failed for password **********");
        assertThat(fields).anySatisfy(f -> assertThat(f).startsWith("*failed task*\n'load-orders'"));
        assertThat(blocks.get(blocks.size() - 1).path("elements").get(0).path("text").asText()).contains("*ERROR*");
    }

    @Test
    void anUnreachableSlackDoesNotChangeTheFlowsOutcome() {
        SlackWebhook webhook = SlackApiStubs.webhook(slack);
        slack.stop(); // Slack is unreachable: every send fails to connect

        FlowRun<?> run = failingEtl().onFailure(Notify.via(webhook).withRetries(1, java.time.Duration.ZERO))
                .runForState("2026-11-20");

        assertThat(run.state()).isEqualTo(State.FAILED);
        assertThat(run.error().map(ErrorInfo::message).orElse("")).isEqualTo("no orders for 2026-11-20");
        assertThat(run.logs()).anySatisfy(line -> assertThat(line.message())
                .contains("failed after 2 attempts").contains("outcome is unchanged").doesNotContain(WEBHOOK_PATH));
    }

    // One retry layer: Notify.via's (2 retries by default); inside it the webhook's own retries yield.

    @Test
    void aWebhookSlackRemovedGetsOneRequest() {
        slack.stubFor(post(WEBHOOK_PATH).willReturn(text(404, "no_service")));

        FlowRun<?> run = failingEtl().onFailure(Notify.via(SlackApiStubs.webhook(slack))).runForState("2026-11-20");

        assertThat(run.state()).isEqualTo(State.FAILED);
        assertThat(posts()).hasSize(1); // Slack said no: not retryable, so Notify sends nothing more
        assertThat(slept).isEmpty();
        assertThat(run.logs()).anySatisfy(line -> assertThat(line.message()).contains("failed after 1 attempt")
                .contains("outcome is unchanged"));
    }

    @Test
    void aWebhookThatIsDownGetsThreeRequestsNotNine() {
        slack.stubFor(post(WEBHOOK_PATH).willReturn(text(503, "service_unavailable")));

        FlowRun<?> run = failingEtl().onFailure(Notify.via(SlackApiStubs.webhook(slack))).runForState("2026-11-20");

        assertThat(run.state()).isEqualTo(State.FAILED);
        assertThat(posts()).hasSize(3);
        assertThat(slept).as("Notify's two waits of 1 s, and none of the webhook's").containsExactly(Duration.ofSeconds(1),
                Duration.ofSeconds(1));
    }

    @Test
    void aWebhookThatMayHavePostedGetsOneRequest() {
        slack.stubFor(post(WEBHOOK_PATH).willReturn(text(502, "")));

        FlowRun<?> run = failingEtl().onFailure(Notify.via(SlackApiStubs.webhook(slack))).runForState("2026-11-20");

        assertThat(run.state()).isEqualTo(State.FAILED);
        assertThat(posts()).hasSize(1); // never posted twice
        assertThat(slept).isEmpty();
    }

    @Test
    void aWebhookRateLimitedForAnHourGetsOneRequestAndNoWait() {
        slack.stubFor(post(WEBHOOK_PATH).willReturn(text(429, "rate_limited").withHeader("Retry-After", "3600")));

        FlowRun<?> run = failingEtl().onFailure(Notify.via(SlackApiStubs.webhook(slack))).runForState("2026-11-20");

        assertThat(run.state()).isEqualTo(State.FAILED);
        assertThat(posts()).hasSize(1);
        assertThat(slept).as("nothing near an hour was waited").isEmpty();
        assertThat(run.logs()).anySatisfy(line -> {
            assertThat(line.message()).contains("failed after 1 attempt").contains("outcome is unchanged");
            assertThat(line.error()).contains("Retry-After 3600 s").contains("more than maxRetryAfter")
                    .doesNotContain(WEBHOOK_PATH);
        });
    }

    @Test
    void aRateLimitedWebhookIsRetriedAfterRetryAfter() {
        slack.stubFor(post(WEBHOOK_PATH).willReturn(text(429, "rate_limited").withHeader("Retry-After", "2")));

        failingEtl().onFailure(Notify.via(SlackApiStubs.webhook(slack)).withRetries(1, java.time.Duration.ZERO))
                .runForState("2026-11-20");

        assertThat(posts()).hasSize(2);
        assertThat(slept).as("Notify asked for no delay; its retry waited Slack's Retry-After").containsExactly(Duration.ofSeconds(2));
    }
}
