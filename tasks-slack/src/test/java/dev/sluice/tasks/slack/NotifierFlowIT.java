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
import dev.sluice.ErrorInfo;
import dev.sluice.Flow;
import dev.sluice.FlowRun;
import dev.sluice.Notification;
import dev.sluice.Secret;
import dev.sluice.Severity;
import dev.sluice.State;
import dev.sluice.Task;
import dev.sluice.Task0;
import dev.sluice.TaskRun;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A failing flow reports to Slack through its failure hook. Uses {@code onFailure(run -> webhook.send(...))};
 * once the core's {@code Notify.via} exists this should use it.
 */
class NotifierFlowIT {
    private WireMockServer slack;

    @BeforeEach
    void start() {
        slack = SlackApiStubs.start();
        slack.stubFor(post(WEBHOOK_PATH).willReturn(aResponse().withStatus(200).withBody("ok")));
    }

    @AfterEach
    void stop() {
        slack.stop();
    }

    @Test
    void aFailingFlowPostsItsErrorToSlackWithSecretsMasked() throws Exception {
        SlackWebhook webhook = SlackApiStubs.webhook(slack);
        Secret dbPassword = Secret.of("hunter2-db-password");
        Task0<Integer> load = Task.of("load-orders", () -> {
            String password = dbPassword.reveal();
            throw new IllegalStateException("login failed for password " + password);
        });
        Flow<String, Integer> flow = Flow.of("daily-etl", (String day) -> load.run())
                .onFailure(run -> webhook.send(notification(run)));

        FlowRun<?> run = flow.runForState("2026-11-20");

        assertThat(run.state()).isEqualTo(State.FAILED);
        List<com.github.tomakehurst.wiremock.verification.LoggedRequest> posts = slack.findAll(postRequestedFor(urlEqualTo(WEBHOOK_PATH)));
        assertThat(posts).hasSize(1);
        String raw = posts.get(0).getBodyAsString();
        assertThat(raw).doesNotContain("hunter2-db-password");
        JsonNode body = new ObjectMapper().readTree(raw);
        assertThat(body.path("text").asText()).isEqualTo(":red_circle: Flow daily-etl failed");
        assertThat(body.path("blocks").get(1).path("text").path("text").asText())
                .contains("IllegalStateException").contains("login failed for password **********");
        JsonNode fields = body.path("blocks").get(2).path("fields");
        assertThat(fields.get(0).path("text").asText()).isEqualTo("*Flow run*\n" + run.name());
        assertThat(fields.get(1).path("text").asText()).isEqualTo("*State*\nFAILED");
        assertThat(fields.get(2).path("text").asText()).isEqualTo("*Failed task*\nload-orders");
    }

    @Test
    void aFailingNotifierDoesNotChangeTheFlowsOutcome() throws Exception {
        SlackWebhook webhook = SlackApiStubs.webhook(slack);
        slack.stop(); // Slack is unreachable: the notifier fails
        Flow<String, Integer> flow = Flow.of("daily-etl", (String day) -> {
            throw new IllegalStateException("no orders for " + day);
        });
        flow = flow.onFailure(run -> webhook.send(notification(run)));

        FlowRun<?> run = flow.runForState("2026-11-20");

        assertThat(run.state()).isEqualTo(State.FAILED);
        assertThat(run.error().map(ErrorInfo::message).orElse("")).isEqualTo("no orders for 2026-11-20");
        assertThat(run.logs()).anySatisfy(line -> assertThat(line.message()).contains("onFailure hook").contains("outcome is unchanged"));
    }

    /** What Notify.via will build; written out here until it exists. */
    private static Notification notification(FlowRun<?> run) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("Flow run", run.name());
        fields.put("State", run.state().name());
        fields.put("Failed task", run.failedTaskRun().map(TaskRun::definitionName).orElse("—"));
        return new Notification("Flow " + run.definitionName() + " failed",
                run.error().map(ErrorInfo::summary).orElse(""), Severity.ERROR, fields);
    }
}
