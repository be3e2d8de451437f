package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.cli.CliTest.Result;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit code 4 whenever the database cannot be reached or holds no run history, whichever command asks. */
class CliDatabaseDownTest {
    @TempDir
    Path home;

    @Test
    void everyCommandOnAPostgresThatRefusesConnectionsExitsWithFour() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort(); // closed again: nothing listens there
        }
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/sluice";
        for (List<String> command : List.of(List.of("api-keys", "ls"), List.of("api-keys", "create", "--role", "viewer"),
                List.of("api-keys", "revoke", "some-key"), List.of("runs", "ls"), List.of("deployments", "ls"), List.of("worker", "ls"))) {
            String[] args = java.util.stream.Stream.concat(command.stream(), java.util.stream.Stream.of("--database", url))
                    .toArray(String[]::new);
            Result r = CliTest.run(home, Map.of(), false, "", args);
            assertThat(r.code()).as(command + ": " + r.all()).isEqualTo(SluiceCli.UNREACHABLE);
            assertThat(r.out()).isEmpty();
        }
    }

    /**
     * A SQLite history another program holds locked past the wait is exit code 4 for the keys too, as the exit codes
     * promise and as {@code runs cancel} or {@code deployments run} answer: {@code api-keys create} and {@code revoke}
     * were 1, "the command failed".
     */
    @Test
    void aSqliteFileLockedByAnotherProgramPastTheWaitIsExitCodeFourForTheKeysToo() throws Exception {
        Path file = home.resolve("locked.db");
        // a block with a short wait, so the test does not wait the default 10 seconds
        Map<String, String> env = Map.of("SLUICE_DATABASE_BLOCK", "locked", "SLUICE_BLOCK_HISTORY_DATABASE_LOCKED",
                "{\"url\": \"jdbc:sqlite:" + file + "\", \"user\": \"\", \"password\": \"\", \"connectTimeout\": \"PT1S\"}");
        Result made = CliTest.run(home, env, false, "", "api-keys", "create", "--role", "viewer", "--name", "ci");
        assertThat(made.code()).as(made.all()).isZero();
        try (java.sql.Connection other = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file);
                java.sql.Statement s = other.createStatement()) {
            s.execute("begin exclusive"); // another program writes, and keeps the lock
            for (List<String> command : List.of(List.of("api-keys", "create", "--role", "viewer", "--name", "nightly"),
                    List.of("api-keys", "revoke", "ci"))) {
                Result r = CliTest.run(home, env, false, "", command.toArray(String[]::new));
                assertThat(r.code()).as(command + ": " + r.all()).isEqualTo(SluiceCli.UNREACHABLE);
                assertThat(r.out()).isEmpty();
                assertThat(r.err()).contains("locked").doesNotContain("unexpected");
            }
            s.execute("rollback");
        }
    }

    @Test
    void keysAreNotListedNorRevokedFromADatabaseThatIsNotThereAndNoneIsMade() {
        Path mistyped = home.resolve("no-such-home");
        for (List<String> command : List.of(List.of("api-keys", "ls"), List.of("api-keys", "revoke", "some-key"))) {
            String[] args = java.util.stream.Stream.concat(command.stream(), java.util.stream.Stream.of("--home", mistyped.toString()))
                    .toArray(String[]::new);
            Result r = CliTest.run(home, Map.of(), false, "", args);
            assertThat(r.code()).as(command + ": " + r.all()).isEqualTo(SluiceCli.UNREACHABLE);
            assertThat(r.err()).contains("no run history database at " + mistyped.resolve("sluice.db"));
            assertThat(Files.exists(mistyped)).as("made " + mistyped).isFalse();
        }
    }

    @Test
    void aSqliteFileWithoutTheRunHistoryIsNotMadeOneByACommandThatReads() throws Exception {
        Path empty = Files.createFile(home.resolve("touched.db"));
        Path other = home.resolve("other-app.db");
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + other);
                java.sql.Statement s = c.createStatement()) {
            s.execute("create table invoices (id integer primary key, total real)");
        }
        long otherSize = Files.size(other);
        for (Path file : List.of(empty, other)) {
            for (List<String> command : List.of(List.of("runs", "ls"), List.of("runs", "show", "some-run"),
                    List.of("deployments", "ls"), List.of("worker", "ls"), List.of("api-keys", "ls"))) {
                String[] args = java.util.stream.Stream.concat(command.stream(), java.util.stream.Stream.of("--database",
                        "jdbc:sqlite:" + file)).toArray(String[]::new);
                Result r = CliTest.run(home, Map.of(), false, "", args);
                assertThat(r.code()).as(file.getFileName() + " " + command + ": " + r.all()).isEqualTo(SluiceCli.UNREACHABLE);
                assertThat(r.err()).as(command.toString()).contains("no run history in " + file).doesNotContain("baseline");
            }
        }
        assertThat(Files.size(empty)).as("the empty file stays empty").isZero();
        assertThat(Files.size(other)).isEqualTo(otherSize);
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + other);
                java.sql.ResultSet tables = c.createStatement().executeQuery("select name from sqlite_master where type = 'table'")) {
            List<String> names = new java.util.ArrayList<>();
            while (tables.next()) {
                names.add(tables.getString(1));
            }
            assertThat(names).containsExactly("invoices");
        }
    }
}
