package dev.sluice.tasks.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EmbeddedPg.class)
class PgQueriesIT {
    record Row(long id, String name, BigDecimal amount, OffsetDateTime createdAt) {
    }

    @Test
    void streamsAMillionRowsInBoundedHeap() {
        EmbeddedPg.sql("CREATE TABLE million AS SELECT g::bigint AS id, 'name-' || g AS name, (g / 100.0)::numeric(12,2) AS amount, "
                + "timestamptz '2026-01-01' + g * interval '1 second' AS created_at FROM generate_series(1, 1000000) g");
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long baseline = memory.getHeapMemoryUsage().getUsed();
        AtomicLong maxGrowth = new AtomicLong();
        AtomicLong sum = new AtomicLong();
        long n = SqlTasks.stream(Row.class).run(EmbeddedPg.credentials(), SqlStatement.of("select * from million order by id"),
                row -> {
                    sum.addAndGet(row.id());
                    if (row.id() % 200_000 == 0) {
                        System.gc();
                        maxGrowth.accumulateAndGet(memory.getHeapMemoryUsage().getUsed() - baseline, Math::max);
                    }
                });
        assertThat(n).isEqualTo(1_000_000);
        assertThat(sum.get()).isEqualTo(1_000_000L * 1_000_001L / 2);
        // the whole result would be hundreds of MB; a cursor of 1,000 rows keeps well under 32 MB
        assertThat(maxGrowth.get()).isLessThan(32L << 20);
    }

    @Test
    void tasksShareThePoolAndItsConnection() {
        DatabaseCredentials one = EmbeddedPg.credentials().withPoolSize(1);
        SqlTasks.execute().run(one, SqlStatement.of("CREATE TABLE shared (id int, note text)"));
        Object pid1 = SqlTasks.fetchOne().run(one, SqlStatement.of("select pg_backend_pid() as pid")).orElseThrow().get("pid");
        SqlTasks.load().run(one, LoadSpec.into("shared"), List.of(Map.of("id", 1, "note", "x")));
        Object pid2 = SqlTasks.fetchAll().run(one, SqlStatement.of("select pg_backend_pid() as pid")).get(0).get("pid");
        assertThat(pid2).isEqualTo(pid1);
        assertThat(SqlTasks.fetchAll().run(one, SqlStatement.of("select id, note from shared where note = :n").bind("n", "x")))
                .containsExactly(Map.of("id", 1, "note", "x"));
    }

    /** pgjdbc reports timestamptz as TIMESTAMP and timetz as TIME; as maps they read as OffsetDateTime and OffsetTime. */
    @Test
    void zonedTimestampsAndTimesReadAsMapsInEveryTask() {
        DatabaseCredentials db = EmbeddedPg.credentials();
        EmbeddedPg.sql("CREATE TABLE zoned (id int, at timestamptz, local_at timestamp, t timetz, local_t time)",
                "INSERT INTO zoned VALUES (1, '2026-01-01 10:00:00+02', '2026-01-01 10:00:00', '10:30:00+02', '10:30:00')");
        SqlStatement select = SqlStatement.of("select at, local_at, t, local_t from zoned");
        OffsetDateTime at = OffsetDateTime.parse("2026-01-01T08:00:00Z");
        java.util.function.Consumer<Map<String, Object>> check = row -> {
            assertThat(row.get("at")).isInstanceOf(OffsetDateTime.class);
            assertThat(((OffsetDateTime) row.get("at")).toInstant()).isEqualTo(at.toInstant());
            assertThat(row.get("local_at")).isEqualTo(java.time.LocalDateTime.parse("2026-01-01T10:00:00"));
            assertThat(row.get("t")).isEqualTo(java.time.OffsetTime.parse("10:30:00+02:00"));
            assertThat(row.get("local_t")).isEqualTo(java.time.LocalTime.parse("10:30:00"));
        };
        check.accept(SqlTasks.fetchAll().run(db, select).get(0));
        check.accept(SqlTasks.fetchOne().run(db, select).orElseThrow());
        check.accept(SqlTasks.fetchMany(5).run(db, select).get(0));
        List<Map<String, Object>> streamed = new java.util.ArrayList<>();
        assertThat(SqlTasks.stream().run(db, select, streamed::add)).isEqualTo(1);
        check.accept(streamed.get(0));
        assertThat(SqlTasks.fetchOne().run(db, SqlStatement.of("select now() as n")).orElseThrow().get("n"))
                .isInstanceOf(OffsetDateTime.class);
    }

    @Test
    void castsAndNamedParametersTogether() {
        assertThat(SqlTasks.fetchOne().run(EmbeddedPg.credentials(),
                SqlStatement.of("select :v::int + 1 as r").bind("v", "41")).orElseThrow()).containsEntry("r", 42);
    }

    /**
     * PostgreSQL's dollar-quoted text (a function body, a JSON literal) is quoted text: a ':word' in it
     * is no parameter, and parameters after it are still bound.
     */
    @Test
    void dollarQuotedTextIsLeftAlone() {
        assertThat(SqlTasks.fetchOne().run(EmbeddedPg.credentials(), SqlStatement.of(
                        "select $${\"ok\":true, \"n\":1}$$::jsonb ->> 'ok' as j, $tag$ it's :not_a_parameter $tag$ as t, :v::int as v")
                .bind("v", "7")).orElseThrow())
                .containsEntry("j", "true").containsEntry("t", " it's :not_a_parameter ").containsEntry("v", 7);
        SqlTasks.execute().run(EmbeddedPg.credentials(), SqlStatement.of("""
                CREATE OR REPLACE FUNCTION sluice_slice(a int[], n int) RETURNS int[] LANGUAGE plpgsql AS $body$
                BEGIN
                  RETURN a[1:n]; -- a slice, not a parameter
                END $body$"""));
        assertThat(SqlTasks.fetchOne().run(EmbeddedPg.credentials(),
                SqlStatement.of("select array_length(sluice_slice(array[1,2,3], :n), 1) as l").bind("n", 2)).orElseThrow())
                .containsEntry("l", 2);
    }
}
