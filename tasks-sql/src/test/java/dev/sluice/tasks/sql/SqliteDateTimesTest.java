package dev.sluice.tasks.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.block.Secret;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Date-times with zones loaded into a SQLite file come back from the fetch tasks: SQLite keeps them
 * as text with an offset in a {@code timestamp} column, which the driver refuses to read as a
 * {@code LocalDateTime} (the fetch used to fail with a bare DateTimeParseException).
 */
class SqliteDateTimesTest {
    record Event(long id, Instant at, OffsetDateTime local, LocalDateTime plain, LocalDate day) {
    }

    private static final Instant AT = Instant.parse("2026-03-29T01:30:15.500Z");
    private static final OffsetDateTime LOCAL = OffsetDateTime.of(2026, 3, 29, 2, 30, 15, 0, ZoneOffset.ofHours(5));
    private static final LocalDateTime PLAIN = LocalDateTime.of(2026, 3, 29, 2, 30, 15, 123_000_000);
    private static final LocalDate DAY = LocalDate.of(2026, 3, 29);

    @TempDir
    Path dir;
    private DatabaseCredentials db;

    @BeforeEach
    void createTable() {
        db = DatabaseCredentials.of("jdbc:sqlite:" + dir.resolve("events.db"), "", Secret.of(""));
        SqlTasks.execute().run(db, SqlStatement.of(
                "create table events (id integer primary key, at timestamp, local timestamp, plain timestamp, day date)"));
    }

    @AfterEach
    void closePool() {
        SqlPools.close(db);
    }

    @Test
    void zonedValuesComeBackAsOffsetDateTimesAndRecordsRoundTrip() {
        SqlTasks.load().run(db, LoadSpec.into("events"), List.of(new Event(1, AT, LOCAL, PLAIN, DAY)));
        SqlTasks.load().run(db, LoadSpec.into("events").withColumns("id", "at"),
                List.of(Map.of("id", 2, "at", ZonedDateTime.of(2026, 3, 29, 3, 30, 15, 0, ZoneId.of("Europe/Berlin")))));

        List<Map<String, Object>> rows = SqlTasks.fetchAll().run(db, SqlStatement.of("select * from events order by id"));

        assertThat(rows.get(0)).containsEntry("at", AT.atOffset(ZoneOffset.UTC))
                .containsEntry("local", LOCAL)
                .containsEntry("plain", PLAIN)
                .containsEntry("day", DAY);
        assertThat(rows.get(1)).containsEntry("at", OffsetDateTime.of(2026, 3, 29, 3, 30, 15, 0, ZoneOffset.ofHours(2)));

        assertThat(SqlTasks.fetchAll(Event.class).run(db, SqlStatement.of("select * from events where id = 1")))
                .containsExactly(new Event(1, AT, LOCAL, PLAIN, DAY));
        assertThat(SqlTasks.stream().run(db, SqlStatement.of("select at from events"), row -> { })).isEqualTo(2);
    }
}
