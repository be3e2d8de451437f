package dev.sluice.history.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.State;
import dev.sluice.StateChange;
import dev.sluice.history.HistoryDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer's insert of a run first seen in a batch, when the row is there after all. */
public class WriterTest {
    @TempDir
    Path dir;

    @Test
    void aRunWrittenAgainAsNewIsUpsertedAndNothingIsLost() throws Exception {
        writeARunTwiceAsNew(HistoryDatabase.sqlite(dir.resolve("w.db")));
    }

    /** Also run on PostgreSQL (by {@code PostgresIT}), where new runs are written by COPY. */
    public static void writeARunTwiceAsNew(HistoryDatabase config) throws Exception {
        try (Database db = Database.open(config)) {
            Schema.migrate(db, Schema.LATEST);
            Writer writer = new Writer(db, "owner", Clock.systemUTC(), 64, 16, Duration.ofSeconds(1), Duration.ZERO);
            writer.start();
            Instant t = Instant.parse("2026-11-30T10:00:00Z");
            writer.offer(event("run-1", State.PENDING, t, null));
            writer.offer(event("run-1", State.COMPLETED, t.plusSeconds(1), t.plusSeconds(1)));
            assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();
            // as if a batch whose commit was not acknowledged were written again: the run's first record once more
            writer.offer(event("run-1", State.PENDING, t, null));
            writer.offer(event("run-1", State.COMPLETED, t.plusSeconds(2), t.plusSeconds(2)));
            assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();
            writer.close(Duration.ofSeconds(5));

            assertThat(writer.stats(0).lost()).isZero();
            assertThat(writer.stats(0).written()).isEqualTo(4);
            try (Connection c = db.connection(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("select count(*), max(state), max(end_time) from task_run")) {
                rs.next();
                assertThat(rs.getLong(1)).isOne();
                assertThat(rs.getString(2)).isEqualTo("COMPLETED");
                assertThat(rs.getLong(3)).isEqualTo(Times.micros(t.plusSeconds(2)));
            }
        }
    }

    private static Event.RunEvent event(String id, State state, Instant at, Instant end) {
        return new Event.RunEvent(false, id, "work-0", "work", null, state, new StateChange(state, at, null), null, null,
                Set.of(), false, 1, null, null, at, end, null, null);
    }
}
