package dev.sluice.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.State;
import dev.sluice.history.FlowRunDetail;
import dev.sluice.history.History;
import dev.sluice.scheduler.DeploymentClient;
import dev.sluice.scheduler.DeploymentInfo;
import dev.sluice.scheduler.DeploymentRun;
import dev.sluice.scheduler.RunStatus;
import dev.sluice.scheduler.Schedule;
import dev.sluice.server.SluiceServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The sample application, booted whole on a SQLite file in a temp folder: its deployment runs, is recorded and shows on the dashboard. */
@SpringBootTest
class InventoryApplicationIT {
    @TempDir
    static Path home;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("sluice.home", () -> home.toString());
        registry.add("sluice.server.enabled", () -> "true");
        registry.add("sluice.server.port", () -> "0");
    }

    @Autowired
    DeploymentClient client;
    @Autowired
    History history;
    @Autowired
    SluiceServer server;
    @Autowired
    @Qualifier("sluiceHealthIndicator")
    HealthIndicator health;

    @Test
    void theDeploymentIsServedOnItsScheduleAndATriggeredRunIsRecorded() throws Exception {
        DeploymentInfo deployment = client.deployment(InventoryApplication.DEPLOYMENT).orElseThrow();
        assertThat(deployment.schedules()).containsExactly(Schedule.cron("0 7 * * 1-5", ZoneId.of("Europe/Berlin")));
        assertThat(deployment.tags()).contains("spring");

        String id = client.trigger(InventoryApplication.DEPLOYMENT, Map.of("warehouse", "north", "reorderBelow", 10));
        DeploymentRun run = client.awaitFinished(id, Duration.ofSeconds(60)).orElseThrow();
        assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);

        String flowRunId = run.flowRun().orElseThrow();
        Instant deadline = Instant.now().plusSeconds(30);
        Optional<FlowRunDetail> detail = history.flowRun(flowRunId);
        // the worker's history writer records the run's end a moment after the scheduler marks it finished
        while ((detail.isEmpty() || !detail.get().run().state().isTerminal()) && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
            detail = history.flowRun(flowRunId);
        }
        assertThat(detail).hasValueSatisfying(d -> {
            assertThat(d.run().state()).isEqualTo(State.COMPLETED);
            assertThat(d.parameters()).containsEntry("warehouse", "north");
            assertThat(d.taskRuns().items()).hasSize(2);
        });
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);

        HttpResponse<String> page = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(server.url().resolve("/deployments/" + InventoryApplication.DEPLOYMENT)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Items to reorder");
    }
}
