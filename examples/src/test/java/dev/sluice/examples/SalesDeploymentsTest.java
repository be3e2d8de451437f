package dev.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.history.HistoryDatabase;
import dev.sluice.scheduler.Deployment;
import dev.sluice.scheduler.DeploymentClient;
import dev.sluice.scheduler.DeploymentRun;
import dev.sluice.scheduler.RunStatus;
import dev.sluice.scheduler.Worker;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/cli.md's jar deployments ("the report every day at 06:00 in Berlin"): the runs its schedule makes
 * complete, rather than each failing for a parameter nobody gives a scheduled run.
 */
class SalesDeploymentsTest {
    @TempDir
    Path dir;

    @Test
    void theScheduledRunsOfTheJarsDeploymentHaveTheirParameters() throws Exception {
        List<Deployment> deployments = new SalesDeployments().deployments();
        for (Deployment deployment : deployments) {
            assertThat(deployment.validate(java.util.Map.of()).errors()).as("the defaults of %s", deployment.name()).isEmpty();
        }
        HistoryDatabase db = HistoryDatabase.sqlite(dir.resolve("sluice.db"));
        try (Worker worker = Worker.builder(db).deployments(deployments).start()) {
            DeploymentClient client = worker.client();
            // a past slot of the schedule, run as the scheduler would run it: with the deployment's defaults only
            List<String> ids = client.backfill("sales-report", Instant.parse("2026-01-05T00:00:00Z"),
                    Instant.parse("2026-01-06T00:00:00Z"), false);
            assertThat(ids).hasSize(1);
            DeploymentRun run = client.awaitFinished(ids.get(0), Duration.ofSeconds(30)).orElseThrow();
            assertThat(run.status()).as("%s", run).isEqualTo(RunStatus.COMPLETED);
        }
    }
}
