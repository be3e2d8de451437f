package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.block.Secret;
import dev.sluice.cli.CliTest.Result;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.scheduler.Worker;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command on a shared PostgreSQL database (embedded PostgreSQL): runs, deployments and API keys. */
class CliPostgresIT {
    static EmbeddedPostgres pg;
    static String url;

    @TempDir
    static Path home;

    @BeforeAll
    static void start() throws Exception {
        pg = EmbeddedPostgres.builder().start();
        url = pg.getJdbcUrl("postgres", "postgres");
    }

    @AfterAll
    static void stop() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void runsDeploymentsAndKeysOnPostgres() throws Exception {
        HistoryDatabase db = HistoryDatabase.of(url, "postgres", Secret.of(""));
        List<String> ids = Histories.fill(home, db);
        Map<String, String> env = Map.of("SLUICE_DATABASE_URL", url, "SLUICE_DATABASE_USER", "postgres");

        Result ls = CliTest.run(home, env, false, "", "runs", "ls");
        assertThat(ls.code()).as(ls.all()).isZero();
        assertThat(ls.out()).contains(ids.get(0), ids.get(3), "FAILED");
        Result byOption = CliTest.run(home, Map.of("SLUICE_DATABASE_USER", "postgres"), false, "", "runs", "ls", "--database", url,
                "--flow", "load");
        assertThat(byOption.out()).contains(ids.get(3)).doesNotContain(ids.get(0));

        try (Worker worker = Worker.builder(db).deployments(TestDeployments.all()).pollingInterval(Duration.ofMillis(50))
                .plannerInterval(Duration.ofMillis(100)).heartbeat(Duration.ofMillis(500), 20).start()) {
            Result run = CliTest.run(home, env, false, "", "deployments", "run", "daily-report", "-p", "region=pg", "--wait",
                    "--timeout", "PT60S");
            assertThat(run.code()).as(run.all()).isZero();
            assertThat(run.out()).contains("COMPLETED");
            assertThat(CliTest.run(home, env, false, "", "deployments", "ls").out()).contains("daily-report", "COMPLETED");
        }
        Result key = CliTest.run(home, env, false, "", "api-keys", "create", "--role", "viewer", "--name", "pg-key");
        assertThat(key.code()).as(key.all()).isZero();
        assertThat(CliTest.run(home, env, false, "", "api-keys", "ls").out()).contains("pg-key", "viewer");

        pg.close(); // the database goes away
        pg = null;
        Result gone = CliTest.run(home, Map.of("SLUICE_DATABASE_USER", "postgres", "SLUICE_DATABASE_PASSWORD", "pw-gone-4d1c"), false, "",
                "runs", "ls", "--database", url);
        assertThat(gone.code()).as(gone.all()).isEqualTo(SluiceCli.UNREACHABLE);
        assertThat(gone.err()).doesNotContain("pw-gone-4d1c");
    }
}
