package dev.sluice.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Flow;
import dev.sluice.FlowRun;
import dev.sluice.SluiceRuntime;
import dev.sluice.State;
import dev.sluice.block.Secret;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The zero-code history ({@code $SLUICE_HOME/sluice.db}), its off switch, and files it must refuse without stopping a flow. */
class ExtensionTest {
    @TempDir
    Path home;

    private static final Flow<String, Integer> FLOW = Flow.of("extension-flow", (String s) -> s.length());

    private FlowRun<Integer> runWithDefaults(Map<String, String> environment) {
        try (SluiceRuntime runtime = SluiceRuntime.builder().home(home).environment(environment).build()) {
            return runtime.runForState(FLOW, "hello");
        }
    }

    @Test
    void withNoCodeRunsGoToSluiceDbInTheHome() {
        FlowRun<Integer> run = runWithDefaults(Map.of());
        assertThat(run.state()).isEqualTo(State.COMPLETED);
        Path db = home.resolve("sluice.db");
        assertThat(db).exists();
        try (History h = History.open(HistoryDatabase.sqlite(db))) {
            assertThat(h.flowRun(run.id())).get().satisfies(d -> assertThat(d.run().state()).isEqualTo(State.COMPLETED));
        }
    }

    @Test
    void theEnvironmentVariableAndThePropertyTurnItOff() {
        assertThat(runWithDefaults(Map.of("SLUICE_HISTORY", "off")).state()).isEqualTo(State.COMPLETED);
        assertThat(home.resolve("sluice.db")).doesNotExist();

        System.setProperty("sluice.history", "off");
        try {
            assertThat(runWithDefaults(Map.of()).state()).isEqualTo(State.COMPLETED);
        } finally {
            System.clearProperty("sluice.history");
        }
        assertThat(home.resolve("sluice.db")).doesNotExist();

        try (SluiceRuntime runtime = SluiceRuntime.builder().home(home).withoutExtensions().build()) {
            runtime.runForState(FLOW, "x");
        }
        assertThat(home.resolve("sluice.db")).doesNotExist();
    }

    @Test
    void aFileThatIsNotSqliteIsAClearErrorAndNeverStopsAFlow() throws Exception {
        Path db = home.resolve("sluice.db");
        Files.writeString(db, "these are my notes, not a database\n".repeat(20), StandardCharsets.UTF_8);

        assertThatThrownBy(() -> History.open(HistoryDatabase.sqlite(db)))
                .isInstanceOf(HistoryUnavailableException.class)
                .hasMessageContaining(db.toString())
                .hasMessageContaining("is not a SQLite database");
        assertThat(runWithDefaults(Map.of()).state()).isEqualTo(State.COMPLETED);
        assertThat(Files.readString(db)).startsWith("these are my notes"); // left as it was
    }

    @Test
    void aCorruptedFileIsAClearErrorAndNeverStopsAFlow() throws Exception {
        Path db = home.resolve("sluice.db");
        History.open(HistoryDatabase.sqlite(db)).close();
        byte[] bytes = Files.readAllBytes(db);
        for (int i = 100; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31);
        }
        Files.write(db, bytes);
        Files.deleteIfExists(home.resolve("sluice.db-wal"));
        Files.deleteIfExists(home.resolve("sluice.db-shm"));

        assertThatThrownBy(() -> History.open(HistoryDatabase.sqlite(db)))
                .isInstanceOf(HistoryUnavailableException.class)
                .hasMessageContaining(db.toString())
                .hasMessageContaining("corrupted");
        assertThat(runWithDefaults(Map.of()).state()).isEqualTo(State.COMPLETED);
    }

    @Test
    void aSchemaNewerThanThisCodeIsRefusedAndNothingIsWritten() throws Exception {
        Path db = home.resolve("sluice.db");
        History.open(HistoryDatabase.sqlite(db)).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.executeUpdate("insert into sluice_schema_history (installed_rank, version, description, type, script,"
                    + " checksum, installed_by, execution_time, success) values (99, '99', 'from the future', 'SQL',"
                    + " 'V99__future.sql', 0, 'test', 0, 1)");
        }
        assertThatThrownBy(() -> History.open(HistoryDatabase.sqlite(db)))
                .isInstanceOf(HistoryException.class)
                .isNotInstanceOf(HistoryUnavailableException.class)
                .hasMessageContaining(db.toString())
                .hasMessageContaining("schema version 99, newer than this sluice-history understands ("
                        + dev.sluice.history.internal.Schema.LATEST + ")")
                .hasMessageContaining("nothing is written");

        FlowRun<Integer> run = runWithDefaults(Map.of());
        assertThat(run.state()).isEqualTo(State.COMPLETED);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select count(*) from flow_run")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
    }

    @Test
    void anUnreachableDatabaseIsNamedWithItsPasswordMasked() {
        HistoryDatabase db = HistoryDatabase.of("jdbc:postgresql://127.0.0.1:1/sluice?password=in-the-url-123",
                "etl", Secret.of("pa55-word-xyz")).withConnectTimeout(Duration.ofMillis(500));
        assertThatThrownBy(() -> History.open(db))
                .isInstanceOf(HistoryUnavailableException.class)
                .hasMessageContaining("jdbc:postgresql://127.0.0.1:1/sluice?...")
                .hasMessageContaining("as user 'etl'")
                .hasMessageNotContaining("in-the-url-123")
                .hasMessageNotContaining("pa55-word-xyz");
        assertThat(db.toString()).doesNotContain("in-the-url-123").doesNotContain("pa55-word-xyz");
        // the driver echoes a URL's user:password@host in its own message
        HistoryDatabase userInfo = HistoryDatabase.of("jdbc:postgresql://bob:Top-Secret-99@127.0.0.1:1/sluice",
                "", Secret.of("")).withConnectTimeout(Duration.ofMillis(500));
        assertThatThrownBy(() -> History.open(userInfo))
                .isInstanceOf(HistoryUnavailableException.class)
                .hasMessageContaining("cannot connect")
                .hasMessageNotContaining("Top-Secret-99");

        // chosen by the environment: the runtime logs it and runs without a history
        FlowRun<Integer> run = runWithDefaults(Map.of("SLUICE_DATABASE_URL", "jdbc:postgresql://127.0.0.1:1/sluice",
                "SLUICE_DATABASE_USER", "etl", "SLUICE_DATABASE_PASSWORD", "pa55-word-xyz"));
        assertThat(run.state()).isEqualTo(State.COMPLETED);
    }

    @Test
    void badSettingsAreNamed() {
        assertThatThrownBy(() -> HistoryDatabase.of("jdbc:h2:mem:x", "", Secret.of("")))
                .hasMessageContaining("url must start with 'jdbc:sqlite:' or 'jdbc:postgresql:'");
        assertThatThrownBy(() -> History.builder(HistoryDatabase.sqlite(home.resolve("x.db"))).queueCapacity(1))
                .hasMessage("queueCapacity must be >= 16, was 1");
        assertThatThrownBy(() -> Retention.defaults().withCompleted(Duration.ZERO))
                .hasMessage("completed retention must be positive, was PT0S");
        assertThatThrownBy(() -> FlowRunQuery.all().limit(0)).hasMessage("limit must be between 1 and 1000, was 0");
        assertThatThrownBy(() -> FlowRunQuery.all().withAllTags()).hasMessage("withAllTags needs at least one value");
    }
}
