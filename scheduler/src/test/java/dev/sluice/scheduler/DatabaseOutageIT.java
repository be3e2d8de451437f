package dev.sluice.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.block.Secret;
import dev.sluice.history.HistoryDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL stopped under two running worker JVMs for longer than their dead-worker threshold, then started
 * again on the same data directory and port: the workers go on, the runs that were going on end COMPLETED and
 * ran once, and the schedule's slots of the outage are caught up, each once.
 */
class DatabaseOutageIT {
    @TempDir
    Path dir;

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static EmbeddedPostgres startPostgres(Path data, int port) throws IOException {
        return EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port).start();
    }

    static ScaleOutIT.Child startChaos(HistoryDatabase db, String name, Path marks) throws IOException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-Xmx192m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Dorg.slf4j.simpleLogger.log.dev.sluice.scheduler=info", "-Dorg.slf4j.simpleLogger.showDateTime=true", "-cp", classPath,
                ChaosChild.class.getName(), db.url(), db.user(), name, marks.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("SLUICE_DATABASE_URL");
        return new ScaleOutIT.Child(name, pb.start());
    }

    /** How often each run's body started, by run id. */
    static Map<String, Integer> marks(Path marks) throws IOException {
        Map<String, Integer> out = new HashMap<>();
        if (Files.exists(marks)) {
            try (Stream<String> lines = Files.lines(marks)) {
                lines.map(l -> l.split(" ")).filter(p -> p.length >= 3 && p[2].equals("start"))
                        .forEach(p -> out.merge(p[0], 1, Integer::sum));
            }
        }
        return out;
    }

    @Test
    void workersGoOnAfterPostgresIsStoppedAndStartedAgainAndNothingRunsTwiceOrStaysRunning() throws Exception {
        Path data = dir.resolve("pg");
        Path marks = dir.resolve("marks.txt");
        int port = freePort();
        EmbeddedPostgres pg = startPostgres(data, port);
        List<ScaleOutIT.Child> children = new ArrayList<>();
        try {
            try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("create database outage");
            }
            HistoryDatabase db = HistoryDatabase.of(pg.getJdbcUrl("postgres", "outage"), "postgres", Secret.of(""));
            children.add(startChaos(db, "w1", marks));
            children.add(startChaos(db, "w2", marks));
            List<String> ids = new ArrayList<>();
            try (DeploymentClient client = DeploymentClient.open(db)) {
                ScaleOutIT.await("2 live workers", Duration.ofSeconds(60), () -> client.workers(Duration.ofSeconds(10))
                        .stream().filter(w -> w.stoppedAt() == null).count() == 2, children);
                for (int i = 0; i < 2; i++) {
                    ids.add(client.trigger("steady"));
                    ids.add(client.trigger("steady-retried"));
                }
                ScaleOutIT.await("the runs to start", Duration.ofSeconds(30), () -> ids.stream()
                        .allMatch(id -> client.run(id).orElseThrow().status() == RunStatus.RUNNING), children);
            }

            // the database goes away for longer than heartbeat x missed beats (1 s x 4), while the runs go on
            pg.close();
            Instant downAt = Instant.now();
            Thread.sleep(12_000);
            pg = startPostgres(data, port);
            Instant upAt = Instant.now();

            try (DeploymentClient client = DeploymentClient.open(db)) {
                ScaleOutIT.await("the runs to end", Duration.ofSeconds(60), () -> ids.stream()
                        .allMatch(id -> client.run(id).orElseThrow().status().isFinished()), children);
                for (String id : ids) {
                    DeploymentRun r = client.run(id).orElseThrow();
                    assertThat(r.status()).as(r + "\n" + children.get(0).output() + "\n" + children.get(1).output())
                            .isEqualTo(RunStatus.COMPLETED);
                }
                try (dev.sluice.history.History history = dev.sluice.history.History.open(db)) {
                    ScaleOutIT.await("the flow runs to be COMPLETED in the run history", Duration.ofSeconds(30),
                            () -> ids.stream().allMatch(id -> history.flowRun(client.run(id).orElseThrow().flowRunId())
                                    .map(f -> f.run().state() == dev.sluice.State.COMPLETED).orElse(false)), children);
                }
                Map<String, Integer> ran = marks(marks);
                for (String id : ids) {
                    assertThat(ran.get(id)).as("times the body of run " + id + " started").isEqualTo(1);
                }
                // both workers are alive and serve again
                ScaleOutIT.await("2 live workers again", Duration.ofSeconds(30), () -> client.workers(Duration.ofSeconds(3))
                        .stream().filter(w -> w.stoppedAt() == null).count() == 2, children);
                String after = client.trigger("marked");
                assertThat(client.awaitFinished(after, Duration.ofSeconds(30)).orElseThrow().status())
                        .isEqualTo(RunStatus.COMPLETED);
                // the schedule's slots: each once, those of the outage caught up
                Instant until = Instant.now();
                ScaleOutIT.await("slots after the outage", Duration.ofSeconds(30), () -> client.runs("every-second", 1_000)
                        .stream().anyMatch(r -> r.status() == RunStatus.COMPLETED && r.slot().isAfter(until)), children);
                List<DeploymentRun> slots = client.runs("every-second", 1_000);
                Map<Instant, Integer> perSlot = new HashMap<>();
                slots.forEach(r -> perSlot.merge(r.slot(), 1, Integer::sum));
                assertThat(perSlot.values()).allMatch(n -> n == 1);
                Map<String, Integer> ranNow = marks(marks);
                assertThat(slots).allMatch(r -> ranNow.getOrDefault(r.id(), 0) <= 1);
                List<Instant> times = slots.stream().map(DeploymentRun::slot).sorted(Comparator.naturalOrder()).toList();
                long missing = 0;
                for (int i = 1; i < times.size(); i++) {
                    missing += Duration.between(times.get(i - 1), times.get(i)).toSeconds() - 1;
                }
                assertThat(missing).as("slots missing between %s and %s (down %s, up %s)", times.get(0),
                        times.get(times.size() - 1), downAt, upAt).isZero();
            }
        } finally {
            for (ScaleOutIT.Child c : children) {
                c.process.destroyForcibly();
                c.process.waitFor(10, TimeUnit.SECONDS);
            }
            pg.close();
        }
    }
}
