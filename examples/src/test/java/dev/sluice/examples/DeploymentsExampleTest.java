package dev.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.history.HistoryDatabase;
import dev.sluice.scheduler.DeploymentRun;
import dev.sluice.scheduler.RunStatus;
import dev.sluice.scheduler.Worker;
import java.nio.file.Path;
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
}
