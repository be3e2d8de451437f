package dev.sluice.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.history.HistoryDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One serving JVM per SQLite file, across processes: a second worker is refused naming the first; once
 * the first is killed with SIGKILL, the file is free at once (the OS drops its lock) and the next worker
 * marks the killed one's running run CRASHED.
 */
class SqliteAcrossProcessesIT {
    @TempDir
    Path dir;

    @Test
    void aSecondWorkerIsRefusedAndAKilledWorkerLeavesTheFileToTheNext() throws Exception {
        HistoryDatabase db = HistoryDatabase.sqlite(dir.resolve("sluice.db"));
        ScaleOutIT.Child first = ScaleOutIT.start(db, "first");
        try (DeploymentClient client = DeploymentClient.open(db)) {
            ScaleOutIT.await("the first worker", Duration.ofSeconds(60),
                    () -> client.workers(Duration.ofMinutes(1)).stream().anyMatch(w -> w.name().equals("first")), List.of(first));
            assertThatThrownBy(() -> Worker.builder(db).deployments(WorkerChild.deployments()).start())
                    .isInstanceOf(WorkerRefusedException.class)
                    .hasMessageContaining("worker 'first' (pid " + first.process.pid())
                    .hasMessageContaining("one worker JVM serves a SQLite file at a time");

            String id = client.trigger("sleepy");
            String retried = client.trigger("sleepy-retried"); // its flow has a retry: run again after the crash
            ScaleOutIT.await("the runs to start in the first worker", Duration.ofSeconds(30),
                    () -> client.run(id).orElseThrow().status() == RunStatus.RUNNING
                            && client.run(retried).orElseThrow().status() == RunStatus.RUNNING, List.of(first));
            first.process.destroyForcibly();
            assertThat(first.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
            Instant killed = Instant.now();

            try (Worker next = Worker.builder(db).deployments(WorkerChild.deployments())
                    .heartbeat(Duration.ofSeconds(1), 5).start()) {
                ScaleOutIT.await("the killed worker's run to be CRASHED", Duration.ofSeconds(30),
                        () -> client.run(id).orElseThrow().status() == RunStatus.CRASHED, List.of(first));
                assertThat(Duration.between(killed, Instant.now())).isLessThan(Duration.ofSeconds(30));
                ScaleOutIT.await("the run with a retry to run again in the next worker", Duration.ofSeconds(30),
                        () -> {
                            DeploymentRun r = client.run(retried).orElseThrow();
                            return r.status() == RunStatus.RUNNING && next.id().equals(r.workerId());
                        }, List.of(first));
                next.client().cancel(retried);
                assertThat(next.client().awaitFinished(retried, Duration.ofSeconds(20)).orElseThrow().status())
                        .isEqualTo(RunStatus.CANCELLED);
                String again = next.client().retry(id);
                next.client().cancel(again);
                assertThat(next.client().awaitFinished(again, Duration.ofSeconds(20)).orElseThrow().status())
                        .isEqualTo(RunStatus.CANCELLED);
            }
        } finally {
            first.process.destroyForcibly();
        }
    }
}
