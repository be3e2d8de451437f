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
 * A worker JVM frozen (SIGSTOP: a long GC pause, a VM migration) for longer than the dead-worker period while it
 * runs a flow with a retry: another worker takes it for crashed and runs it again. When the frozen one wakes up
 * (SIGCONT) and its old attempt ends, that end must not be written over the new attempt, which goes on elsewhere.
 */
class FrozenWorkerIT {
    @TempDir
    Path dir;

    static void signal(String signal, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    @Test
    void aWorkerThatWakesUpAfterItsRunWasRunAgainElsewhereDoesNotEndTheNewAttempt() throws Exception {
        Path marks = dir.resolve("marks.txt");
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            HistoryDatabase db = WorkerPostgresIT.freshDatabase(pg, "frozen_");
            List<ScaleOutIT.Child> children = new ArrayList<>();
            try (DeploymentClient client = DeploymentClient.open(db)) {
                children.add(DatabaseOutageIT.startChaos(db, "w1", marks));
                children.add(DatabaseOutageIT.startChaos(db, "w2", marks));
                ScaleOutIT.await("2 live workers", Duration.ofSeconds(60), () -> client.workers(Duration.ofSeconds(10))
                        .stream().filter(w -> w.stoppedAt() == null).count() == 2, children);
                String id = client.trigger("steady-retried");
                ScaleOutIT.await("the run to start", Duration.ofSeconds(30),
                        () -> client.run(id).orElseThrow().status() == RunStatus.RUNNING, children);
                String first = client.run(id).orElseThrow().workerId();
                String frozenName = client.workers(Duration.ofMinutes(1)).stream().filter(w -> w.id().equals(first))
                        .findFirst().orElseThrow().name();
                ScaleOutIT.Child frozen = children.stream().filter(c -> c.name.equals(frozenName)).findFirst().orElseThrow();
                Thread.sleep(500); // a step or two into its 5 s
                signal("STOP", frozen.process.pid());
                try {
                    // dead after 1 s x 4 missed beats: run again on the other worker
                    ScaleOutIT.await("the run to run again on the other worker", Duration.ofSeconds(30), () -> {
                        DeploymentRun r = client.run(id).orElseThrow();
                        return r.status() == RunStatus.RUNNING && !first.equals(r.workerId()) && r.flowRunId() != null;
                    }, children);
                } finally {
                    signal("CONT", frozen.process.pid());
                }
                String second = client.run(id).orElseThrow().flowRunId();
                // the frozen worker's attempt ends first (about 4 s were left of it); the new one goes on for 5 s
                DeploymentRun r = client.awaitFinished(id, Duration.ofSeconds(30)).orElseThrow();
                assertThat(r.status()).isEqualTo(RunStatus.COMPLETED);
                assertThat(r.flowRunId()).as("the flow run the run ended with (the second attempt's: %s)\n%s\n%s", second,
                        children.get(0).output(), children.get(1).output()).isEqualTo(second);
                assertThat(r.workerId()).isNotEqualTo(first);
                assertThat(DatabaseOutageIT.marks(marks).get(id)).isEqualTo(2);
            } finally {
                for (ScaleOutIT.Child c : children) {
                    c.process.destroyForcibly();
                    c.process.waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }
}
