package dev.sluice.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Flow;
import dev.sluice.FlowRun;
import dev.sluice.SluiceRuntime;
import dev.sluice.Task;
import dev.sluice.cache.CachedResult;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A database from an older version is migrated on open, its runs kept. */
class SchemaTest {
    @TempDir
    Path dir;

    @Test
    void anOlderSchemaIsMigratedOnOpenAndKeepsItsRuns() throws Exception {
        HistoryDatabase db = HistoryDatabase.sqlite(dir.resolve("old.db"));
        FlowRun<Integer> run;
        try (History v1 = History.builder(db).schemaVersion(1).open();
                SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().recorder(v1.recorder()).build()) {
            Task<String, Integer> length = Task.of("length", String::length);
            run = runtime.runForState(Flow.of("old-flow", (String s) -> length.run(s)), "abc");
            v1.flush();
        }
        assertThat(versions(db)).isEqualTo("1");

        try (History v3 = History.open(db)) {
            assertThat(versions(db)).isEqualTo("1,2,3");
            assertThat(v3.flowRun(run.id())).get().satisfies(d -> {
                assertThat(d.run().flowName()).isEqualTo("old-flow");
                assertThat(d.taskRuns().items()).singleElement().satisfies(t -> {
                    assertThat(t.taskName()).isEqualTo("length");
                    assertThat(t.state()).isEqualTo(dev.sluice.State.COMPLETED);
                });
            });
            v3.resultStore().write(new CachedResult("k".repeat(64), "t", null, run.id(), Instant.now(), "java.lang.Integer", "3"));
            assertThat(v3.resultStore().read("k".repeat(64))).get().satisfies(e -> assertThat(e.json()).isEqualTo("3"));
        }
    }

    private static String versions(HistoryDatabase db) throws Exception {
        try (Connection c = DriverManager.getConnection(db.url()); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select group_concat(version, ',') from (select version from"
                        + " sluice_schema_history where version is not null order by installed_rank)")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
