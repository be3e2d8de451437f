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
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** The command on a shared PostgreSQL database (embedded PostgreSQL): runs, deployments and API keys. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
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

    /**
     * A command that reads, pointed at a PostgreSQL database the history never used (another application's, a
     * mistyped name of a database that exists), says so and leaves it alone: it never makes Sluice's tables there,
     * as it never makes a SQLite file at a mistyped path.
     */
    @Test
    @Order(1)
    void aCommandThatReadsNeverMakesTheTablesInADatabaseWithoutThem() throws Exception {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url); java.sql.Statement s = c.createStatement()) {
            s.execute("create database someapp");
        }
        String other = url.replace("/postgres?", "/someapp?");
        for (String[] args : new String[][] {{"runs", "ls"}, {"deployments", "ls"}, {"worker", "ls"}, {"runs", "show", "x"}}) {
            String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of("--database", other))
                    .toArray(String[]::new);
            Result r = CliTest.run(home, Map.of("SLUICE_DATABASE_USER", "postgres"), false, "", all);
            assertThat(r.code()).as(String.join(" ", args) + ": " + r.all()).isEqualTo(SluiceCli.UNREACHABLE);
            assertThat(r.err()).contains("no run history in").contains("someapp");
        }
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(other); java.sql.Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery("select count(*) from information_schema.tables where table_schema = 'public'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("tables made in someapp").isZero();
        }
    }

    @Test
    @Order(2)
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
