package dev.sluice.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.block.Secret;
import dev.sluice.history.HistoryDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two worker JVMs (heartbeat 1 s × 4) cut off from PostgreSQL together (connecting hangs rather than fails: a network
 * blip), and one of them gets its connection back 5.5 s after the other, longer than the dead-worker period (a
 * connection pool tries again only every few seconds, HikariCP's up to 5 s apart): the
 * worker back first does not take the other one's runs for crashed, and every run ends COMPLETED, run once.
 */
class ReconnectLagIT {
    @TempDir
    Path dir;

    @Test
    void aWorkerBackFirstDoesNotTakeTheRunsOfOneBackLaterForCrashed() throws Exception {
        Path marks = dir.resolve("marks.txt");
        List<ScaleOutIT.Child> children = new ArrayList<>();
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
                TcpGate gate1 = new TcpGate(pg.getPort()); TcpGate gate2 = new TcpGate(pg.getPort())) {
            try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("create database lag");
            }
            HistoryDatabase direct = HistoryDatabase.of(pg.getJdbcUrl("postgres", "lag"), "postgres", Secret.of(""));
            Map<String, TcpGate> gates = Map.of("w1", gate1, "w2", gate2);
            for (Map.Entry<String, TcpGate> g : gates.entrySet()) {
                HistoryDatabase through = HistoryDatabase.of("jdbc:postgresql://127.0.0.1:" + g.getValue().port() + "/lag",
                        "postgres", Secret.of(""));
                children.add(DatabaseOutageIT.startChaos(through, g.getKey(), marks));
            }
            List<String> ids = new ArrayList<>();
            try (DeploymentClient client = DeploymentClient.open(direct)) {
                ScaleOutIT.await("2 live workers", Duration.ofSeconds(60), () -> client.workers(Duration.ofSeconds(10))
                        .stream().filter(w -> w.stoppedAt() == null).count() == 2, children);
                ids.add(client.trigger("steady"));
                ids.add(client.trigger("steady"));
                ScaleOutIT.await("the runs to start", Duration.ofSeconds(30), () -> ids.stream()
                        .allMatch(id -> client.run(id).orElseThrow().status() == RunStatus.RUNNING), children);
                String lateWorker = client.run(ids.get(0)).orElseThrow().workerId();
                String late = client.workers(Duration.ofMinutes(1)).stream().filter(w -> w.id().equals(lateWorker))
                        .findFirst().orElseThrow().name();
                TcpGate lateGate = gates.get(late);
                TcpGate earlyGate = late.equals("w1") ? gate2 : gate1;

                gate1.hold();
                gate2.hold();
                Thread.sleep(2_000);
                earlyGate.open();
                // a pool tries to connect again at most 5 s apart (HikariCP's back-off); the whole cut stays shorter
                // than the connect timeout (10 s)
                Thread.sleep(5_500);
                lateGate.open();

                ScaleOutIT.await("the runs to end", Duration.ofSeconds(60), () -> ids.stream()
                        .allMatch(id -> client.run(id).orElseThrow().status().isFinished()), children);
                for (String id : ids) {
                    DeploymentRun r = client.run(id).orElseThrow();
                    assertThat(r.status()).as(r + "\n" + children.get(0).output() + "\n" + children.get(1).output())
                            .isEqualTo(RunStatus.COMPLETED);
                }
                Map<String, Integer> ran = DatabaseOutageIT.marks(marks);
                for (String id : ids) {
                    assertThat(ran.get(id)).as("times the body of run " + id + " started").isEqualTo(1);
                }
            }
        } finally {
            for (ScaleOutIT.Child c : children) {
                c.process.destroyForcibly();
                c.process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
