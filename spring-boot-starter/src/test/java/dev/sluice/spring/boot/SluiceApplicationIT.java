package dev.sluice.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Flow;
import dev.sluice.Run;
import dev.sluice.RunRecorder;
import dev.sluice.StateChange;
import dev.sluice.SluiceRuntime;
import dev.sluice.history.FlowRunDetail;
import dev.sluice.history.History;
import dev.sluice.scheduler.Deployment;
import dev.sluice.scheduler.DeploymentClient;
import dev.sluice.scheduler.DeploymentRun;
import dev.sluice.scheduler.RunStatus;
import dev.sluice.server.SluiceServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A whole Spring Boot application on a SQLite file in a temp folder: a {@code Deployment} bean served by the
 * starter's worker, triggered through the {@code DeploymentClient} bean, recorded in the history, shown on
 * the dashboard, reported by the health indicator; then a closed history makes the health DOWN.
 */
@SpringBootTest(classes = SluiceApplicationIT.App.class)
@DirtiesContext
class SluiceApplicationIT {
    static final List<String> HEARD = new CopyOnWriteArrayList<>();
    @TempDir
    static Path home;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("sluice.home", () -> home.toString());
        registry.add("sluice.server.enabled", () -> "true");
        registry.add("sluice.server.port", () -> "0");
        registry.add("sluice.worker.name", () -> "spring-it");
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
        @Bean
        Deployment greeting() {
            return Deployment.of(Flow.of("spring-greeting", () -> "hello from spring")).withTags("spring");
        }

        @Bean
        RunRecorder heard() {
            return (Run run, StateChange change) -> HEARD.add(run.definitionName() + ":" + change.state());
        }
    }

    @Autowired
    DeploymentClient client;
    @Autowired
    History history;
    @Autowired
    SluiceWorker worker;
    @Autowired
    SluiceServer server;
    @Autowired
    SluiceRuntime runtime;
    @Autowired
    @Qualifier("sluiceHealthIndicator")
    HealthIndicator health;

    @Test
    void aDeploymentBeanRunsThroughTheWorkerAndShowsInHistoryDashboardAndHealth() throws Exception {
        assertThat(worker.isRunning()).isTrue();
        assertThat(worker.worker()).hasValueSatisfying(w -> assertThat(w.name()).isEqualTo("spring-it"));

        String runId = client.trigger("spring-greeting", Map.of());
        Optional<DeploymentRun> finished = client.awaitFinished(runId, Duration.ofSeconds(60));
        assertThat(finished).hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(RunStatus.COMPLETED));
        String flowRunId = finished.get().flowRun().orElseThrow();
        assertThat(HEARD).as("a RunRecorder bean hears the worker's runs").contains("spring-greeting:COMPLETED");
        FlowRunDetail detail = await("flow run " + flowRunId + " in the history", () -> history.flowRun(flowRunId));
        assertThat(detail.toString()).contains("spring-greeting");

        Health up = health.health();
        assertThat(up.getStatus()).as("%s", up).isEqualTo(Status.UP);
        assertThat(up.getDetails()).containsKeys("history", "worker", "workerHistory");
        assertThat(String.valueOf(up.getDetails().get("worker"))).contains("heartbeatAt");

        HttpResponse<String> page = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build()
                .send(HttpRequest.newBuilder(server.url().resolve("/deployments")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("spring-greeting");
        HttpResponse<String> runs = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(server.url() + "runs")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(runs.statusCode()).isEqualTo(200);
        assertThat(runs.body()).contains("spring-greeting");

        // the runtime's history closed under it: what the application's flows record now is lost
        history.close();
        runtime.run(Flow.of("after-close", (Integer x) -> x + 1), 1);
        Health down = health.health();
        assertThat(down.getStatus()).as("%s", down).isEqualTo(Status.DOWN);
        assertThat(String.valueOf(down.getDetails().get("history"))).contains("records lost");
    }

    private static <T> T await(String what, Supplier<Optional<T>> probe) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        while (true) {
            Optional<T> value = probe.get();
            if (value.isPresent()) {
                return value.get();
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not within 30 s: " + what);
            }
            Thread.sleep(50);
        }
    }
}
