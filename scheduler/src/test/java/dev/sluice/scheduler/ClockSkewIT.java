package dev.sluice.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.history.HistoryDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * Two workers on one PostgreSQL whose clocks disagree by 10 s, five times the dead-worker period (500 ms x 4): the
 * one ahead took the other's running run for crashed at once (its heartbeats looked 10 s old) and freed its lease,
 * so a deployment limited to one run ran two at once. A worker now judges another by whether its heartbeat moves,
 * as it sees it, not by the time the other wrote; and counts the leases of workers it sees heartbeat.
 */
class ClockSkewIT {
    @Test
    void workersWhoseClocksDisagreeNeitherCrashEachOthersRunsNorBreakALimit() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            HistoryDatabase db = WorkerPostgresIT.freshDatabase(pg, "skew_");
            Deployment gated = Deployment.of(Flows.GATED, String.class).withName("gated").withConcurrencyLimit(1);
            CountDownLatch gate = Flows.GATES.computeIfAbsent("skew", g -> new CountDownLatch(1));
            try (Worker behind = Worker.builder(db).name("behind").deployments(gated).heartbeat(Duration.ofSeconds(1), 4)
                    .start()) {
                String first = behind.client().trigger("gated", Map.of("arg0", "skew"));
                WorkerContract.await(behind.client(), "gated", r -> r.stream().anyMatch(x -> x.status() == RunStatus.RUNNING));
                try (Worker ahead = Worker.builder(db).name("ahead").clock(Clock.offset(Clock.systemUTC(), Duration.ofSeconds(10)))
                        .deployments(gated).heartbeat(Duration.ofSeconds(1), 4).start()) {
                    String second = ahead.client().trigger("gated", Map.of("arg0", "skew"));
                    Thread.sleep(8_500); // two dead-worker periods (4 s each: a loaded machine can starve a 2 s one), and many of db-scheduler's looks for dead executions
                    DeploymentRun r = behind.client().run(first).orElseThrow();
                    assertThat(r.status()).as(r.toString()).isEqualTo(RunStatus.RUNNING);
                    assertThat(behind.client().run(second).orElseThrow().status()).as("the second run (limit 1)")
                            .isEqualTo(RunStatus.SCHEDULED);
                    gate.countDown();
                    assertThat(behind.client().awaitFinished(first, Duration.ofSeconds(20)).orElseThrow().status())
                            .isEqualTo(RunStatus.COMPLETED);
                    assertThat(behind.client().awaitFinished(second, Duration.ofSeconds(20)).orElseThrow().status())
                            .isEqualTo(RunStatus.COMPLETED);
                }
            } finally {
                gate.countDown();
            }
        }
    }
}
