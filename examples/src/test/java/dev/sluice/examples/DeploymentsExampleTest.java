package dev.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.history.HistoryDatabase;
import dev.sluice.scheduler.DeploymentRun;
import dev.sluice.scheduler.RunStatus;
import dev.sluice.scheduler.Worker;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import dev.sluice.scheduler.DeploymentClient;
import dev.sluice.scheduler.RunKind;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's deployment, served by a worker on a SQLite file, triggered from a client. */
class DeploymentsExampleTest {
    @TempDir
    Path dir;

    @Test
    void theDeploymentRunsWhenTriggeredFromAnotherClient() throws Exception {
        HistoryDatabase db = HistoryDatabase.sqlite(dir.resolve("sluice.db"));
        try (Worker worker = Worker.builder(db).deployments(DeploymentsExample.deployment()).start()) {
            DeploymentRun run = DeploymentsExample.triggerAndWait(db);
            assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(run.parameters()).containsEntry("city", "Berlin").containsEntry("days", 30);
            assertThat(worker.client().runs("sales-report", 100)).filteredOn(r -> r.kind() != dev.sluice.scheduler.RunKind.SCHEDULED)
                    .hasSize(1 + 5); // the trigger and one run per weekday slot of the backfill
        }
    }

    @Test
    void anotherProcessTriggersBackfillsCancelsPausesAndRetriesByName() throws Exception {
        HistoryDatabase db = HistoryDatabase.sqlite(dir.resolve("sluice.db"));
        try (Worker worker = Worker.builder(db).deployments(DeploymentsExample.deployment()).start()) {
            String retryId = DeploymentsExample.operate(db,
                    Instant.parse("2026-01-05T00:00:00Z"), Instant.parse("2026-01-07T00:00:00Z"));
            DeploymentClient client = worker.client();
            DeploymentRun retry = client.awaitFinished(retryId, Duration.ofSeconds(30)).orElseThrow();
            assertThat(retry.kind()).isEqualTo(RunKind.RETRY);
            assertThat(retry.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(retry.parameters()).containsEntry("city", "Berlin").containsEntry("days", 30);
            DeploymentRun cancelled = client.run(retry.retryOf()).orElseThrow();
            assertThat(cancelled.status()).isEqualTo(RunStatus.CANCELLED);
            List<DeploymentRun> backfill = client.runs("sales-report", 100).stream()
                    .filter(r -> r.kind() == RunKind.BACKFILL).toList();
            assertThat(backfill).hasSize(2); // Monday and Tuesday at 06:00 New York
            assertThat(client.deployment("sales-report").orElseThrow().paused()).isTrue();
        }
    }
}
