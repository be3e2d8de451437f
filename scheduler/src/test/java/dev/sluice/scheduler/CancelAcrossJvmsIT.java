package dev.sluice.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.history.HistoryDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cancels from this JVM of runs on worker JVMs: one that runs on a live worker ends CANCELLED at once; one whose
 * worker is killed before it saw the cancel ends CANCELLED too (its flow has a retry: it is not run again, and it
 * does not wait SCHEDULED forever, since no claim takes a run whose cancel was asked for).
 */
class CancelAcrossJvmsIT {
    @TempDir
    Path dir;

    @Test
    void aRunCancelledOnAnotherJvmEndsCancelledAlsoWhenThatJvmIsKilledFirst() throws Exception {
        Path marks = dir.resolve("marks.txt");
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            HistoryDatabase db = WorkerPostgresIT.freshDatabase(pg, "cancel_");
            List<ScaleOutIT.Child> children = new ArrayList<>();
            try (DeploymentClient client = DeploymentClient.open(db)) {
                children.add(DatabaseOutageIT.startChaos(db, "w1", marks));
                children.add(DatabaseOutageIT.startChaos(db, "w2", marks));
                ScaleOutIT.await("2 live workers", Duration.ofSeconds(60), () -> client.workers(Duration.ofSeconds(10))
                        .stream().filter(w -> w.stoppedAt() == null).count() == 2, children);

                String live = client.trigger("steady");
                ScaleOutIT.await("the run to start", Duration.ofSeconds(30),
                        () -> client.run(live).orElseThrow().status() == RunStatus.RUNNING, children);
                assertThat(client.cancel(live)).isTrue();
                DeploymentRun cancelled = client.awaitFinished(live, Duration.ofSeconds(10)).orElseThrow();
                assertThat(cancelled.status()).isEqualTo(RunStatus.CANCELLED);

                String id = client.trigger("steady-retried");
                ScaleOutIT.await("the run with a retry to start", Duration.ofSeconds(30),
                        () -> client.run(id).orElseThrow().status() == RunStatus.RUNNING, children);
                // RUNNING is written when the run is claimed, a moment before its body starts: kill its JVM only once
                // the body has started (on a loaded machine the moment between them is long enough to kill in)
                ScaleOutIT.await("the run's body to start", Duration.ofSeconds(30), () -> {
                    try {
                        return DatabaseOutageIT.marks(marks).getOrDefault(id, 0) >= 1;
                    } catch (java.io.IOException e) {
                        return false;
                    }
                }, children);
                String worker = client.run(id).orElseThrow().workerId();
                String name = client.workers(Duration.ofMinutes(1)).stream().filter(w -> w.id().equals(worker))
                        .findFirst().orElseThrow().name();
                ScaleOutIT.Child victim = children.stream().filter(c -> c.name.equals(name)).findFirst().orElseThrow();
                victim.process.destroyForcibly();
                assertThat(victim.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
                assertThat(client.cancel(id)).isTrue(); // flagged: its worker is gone before it sees the flag

                DeploymentRun r = client.awaitFinished(id, Duration.ofSeconds(30)).orElse(null);
                assertThat(r).as("the run ends (it was %s)", client.run(id).orElseThrow()).isNotNull();
                assertThat(r.status()).as(r.toString()).isEqualTo(RunStatus.CANCELLED);
                assertThat(r.message()).contains("cancelled");
                assertThat(DatabaseOutageIT.marks(marks).get(id)).as("times its body started").isEqualTo(1);
            } finally {
                for (ScaleOutIT.Child c : children) {
                    c.process.destroyForcibly();
                    c.process.waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }
}
