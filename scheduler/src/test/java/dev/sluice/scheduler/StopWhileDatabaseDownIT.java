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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a worker JVM whose PostgreSQL went away while a run goes on: the JVM exits within its stop grace
 * (3 s in {@link ChaosChild}) plus the stop's margin (5 s), however long the database's connections take to fail (each
 * waited the 10 s connect timeout, and db-scheduler, the hand-back and the history's close each waited for them: 60 s
 * and more in all), and it says clearly what it could not write.
 */
class StopWhileDatabaseDownIT {
    @TempDir
    Path dir;

    @Test
    void aWorkerToldToStopWhileItsDatabaseIsDownExitsWithinItsGrace() throws Exception {
        int port = DatabaseOutageIT.freePort();
        EmbeddedPostgres pg = DatabaseOutageIT.startPostgres(dir.resolve("pg"), port);
        List<ScaleOutIT.Child> children = new ArrayList<>();
        try {
            try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("create database stopping");
            }
            HistoryDatabase db = HistoryDatabase.of(pg.getJdbcUrl("postgres", "stopping"), "postgres", Secret.of(""));
            Path out = dir.resolve("child.log");
            String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-Xmx192m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                    "-cp", classPath, ChaosChild.class.getName(), db.url(), db.user(), "w1", dir.resolve("marks.txt").toString())
                    .redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().remove("SLUICE_DATABASE_URL");
            Process process = pb.start();
            ScaleOutIT.Child child = new ScaleOutIT.Child("w1", process); // its output goes to the file
            children.add(child);
            String id;
            try (DeploymentClient client = DeploymentClient.open(db)) {
                ScaleOutIT.await("a live worker", Duration.ofSeconds(60), () -> client.workers(Duration.ofSeconds(10))
                        .stream().anyMatch(w -> w.stoppedAt() == null), children);
                id = client.trigger("steady");
                ScaleOutIT.await("the run to start", Duration.ofSeconds(30),
                        () -> client.run(id).orElseThrow().status() == RunStatus.RUNNING, children);
            }
            pg.close();
            Thread.sleep(300);
            long start = System.nanoTime();
            child.process.destroy(); // SIGTERM
            boolean exited = child.process.waitFor(60, TimeUnit.SECONDS);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            String output = java.nio.file.Files.readString(out);
            assertThat(exited).as(output).isTrue();
            // stopGrace 3 s + the stop's margin (5 s), plus 2 s for the JVM's own exit; it took 60 s and more
            assertThat(millis).as(output).isLessThan(3_000 + 5_000 + 2_000);
            // the interrupted run could not be handed back: said so, plainly
            assertThat(output).as("stopped after %d ms", millis).contains("could not be handed back")
                    .contains("lost here");
            System.out.println("StopWhileDatabaseDownIT: the worker stopped " + millis + " ms after SIGTERM");
        } finally {
            for (ScaleOutIT.Child c : children) {
                c.process.destroyForcibly();
                c.process.waitFor(10, TimeUnit.SECONDS);
            }
            pg.close();
        }
    }
}
