package dev.sluice.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.history.HistoryDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerSmokeTest {
    @TempDir
    Path dir;

    @Test
    void triggerRunsTheFlow() throws Exception {
        HistoryDatabase db = HistoryDatabase.sqlite(dir.resolve("sluice.db"));
        try (Worker worker = Worker.builder(db).deployments(Deployment.of(Flows.REPORT, Flows.Report.class)).start()) {
            String id = worker.client().trigger("report", Map.of("city", "Berlin"));
            DeploymentRun run = worker.client().awaitFinished(id, Duration.ofSeconds(20)).orElseThrow();
            assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(run.parameters()).containsEntry("city", "Berlin").containsEntry("days", 7);
            assertThat(run.flowRunId()).isNotNull();
        }
    }
}
