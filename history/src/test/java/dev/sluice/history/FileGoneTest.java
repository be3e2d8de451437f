package dev.sluice.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Flow;
import dev.sluice.SluiceRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Queries of a history whose SQLite file was deleted or replaced: a clear error, not the runs of the unlinked file. */
class FileGoneTest {
    @TempDir
    Path dir;

    @Test
    void queriesOfADeletedOrReplacedFileSaySoInsteadOfAnsweringFromTheOldFile() throws Exception {
        Path file = dir.resolve("gone.db");
        Path other = dir.resolve("other.db");
        History.open(HistoryDatabase.sqlite(other)).close();
        try (History history = History.open(HistoryDatabase.sqlite(file));
                SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().recorder(history.recorder()).build()) {
            String id = runtime.runForState(Flow.of("doomed", (Integer n) -> n), 1).id();
            assertThat(history.flush()).isTrue();
            assertThat(history.flowRun(id)).isPresent();

            for (String suffix : new String[] {"", "-wal", "-shm"}) {
                Files.deleteIfExists(dir.resolve("gone.db" + suffix));
            }
            assertThatThrownBy(() -> history.flowRun(id)).isInstanceOf(HistoryUnavailableException.class)
                    .hasMessageContaining(file.toString()).hasMessageContaining("was deleted");
            assertThatThrownBy(() -> history.flowRuns(FlowRunQuery.all())).isInstanceOf(HistoryUnavailableException.class);
            assertThatThrownBy(() -> history.hasCompleted("doomed", Duration.ofDays(1)))
                    .isInstanceOf(HistoryUnavailableException.class);

            Files.createFile(file); // what a connection opened on the path meanwhile makes: still "deleted" to the user
            assertThatThrownBy(() -> history.flowRuns(FlowRunQuery.all())).isInstanceOf(HistoryUnavailableException.class)
                    .hasMessageContaining("was deleted");
            Files.delete(file);
            // a connection opened on the path sets its journal mode: an empty database of a page, still "deleted"
            try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file);
                    java.sql.Statement st = c.createStatement()) {
                st.execute("pragma journal_mode=wal");
                st.execute("pragma user_version=0");
            }
            assertThat(Files.size(file)).isGreaterThanOrEqualTo(100);
            assertThatThrownBy(() -> history.flowRuns(FlowRunQuery.all())).isInstanceOf(HistoryUnavailableException.class)
                    .hasMessageContaining("was deleted");
            for (String suffix : new String[] {"", "-wal", "-shm"}) {
                Files.deleteIfExists(dir.resolve("gone.db" + suffix));
            }

            Files.copy(other, file);
            assertThatThrownBy(() -> history.flowRuns(FlowRunQuery.all())).isInstanceOf(HistoryUnavailableException.class)
                    .hasMessageContaining("replaced");
        }
    }
}
