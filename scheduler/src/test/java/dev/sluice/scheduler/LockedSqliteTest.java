package dev.sluice.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.block.Secret;
import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A SQLite file another program holds locked, when the scheduler's tables must be made in it. */
class LockedSqliteTest {

    /**
     * The scheduler's tables cannot be made while another program writes: the error comes after about the configured
     * wait, not after ten tries of ten seconds each (Flyway's own retries, then the migration lock's): 100 s with a
     * 1 s wait.
     */
    @Test
    void makingTheTablesInAFileLockedByAnotherProgramFailsAfterAboutTheWait(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("locked.db");
        HistoryDatabase db = HistoryDatabase.of("jdbc:sqlite:" + file, "", Secret.of(""))
                .withConnectTimeout(Duration.ofSeconds(1));
        History.open(db).close(); // the run history's tables, not the scheduler's
        try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = other.createStatement()) {
            s.execute("begin exclusive"); // another program writes, and keeps the lock
            s.execute("create table other_program (id integer)");
            long start = System.nanoTime();
            assertThatThrownBy(() -> DeploymentClient.open(db).close()).isInstanceOf(SchedulerDatabaseException.class)
                    .hasMessageContaining(file.toString()).hasMessageContaining("locked");
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(took).as("the wait is 1 s").isLessThan(Duration.ofSeconds(6));
            s.execute("rollback");
        }
        try (DeploymentClient client = DeploymentClient.open(db)) {
            assertThat(client.deployments()).as("made once the lock is gone").isEmpty();
        }
    }
}
