package dev.sluice.tasks.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.TaskFailedException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class H2LoadTest {
    record Sale(long id, String name, BigDecimal amount, Instant createdAt) {
    }

    private static final Instant T0 = Instant.parse("2026-11-21T10:15:30.123456Z");
    private DatabaseCredentials db;

    @BeforeEach
    void createTable() {
        db = H2.newDatabase();
        H2.sql(db, "CREATE TABLE sales (id BIGINT PRIMARY KEY, name VARCHAR(100), amount NUMERIC(12,2), "
                + "created_at TIMESTAMP WITH TIME ZONE)");
    }

    @AfterAll
    static void closePools() {
        SqlPools.close();
    }

    static List<Sale> sales(int from, int n, String tag) {
        List<Sale> list = new ArrayList<>(n);
        for (int i = from; i < from + n; i++) {
            list.add(new Sale(i, tag + i, BigDecimal.valueOf(i * 3L, 2), T0.plusSeconds(i)));
        }
        return list;
    }

    List<Sale> readAll() {
        return SqlTasks.fetchAll(Sale.class).run(db, SqlStatement.of("select * from sales order by id"));
    }

    @Test
    void insertsRecordsInBatches() {
        List<Sale> rows = sales(1, 2_500, "r");
        LoadResult r = SqlTasks.load().run(db, LoadSpec.into("sales").withBatchSize(1_000), rows);
        assertThat(r).extracting(LoadResult::inserted, LoadResult::updated, LoadResult::batches).containsExactly(2_500L, 0L, 3L);
        assertThat(readAll()).isEqualTo(rows);
    }

    @Test
    void insertsMapsWithExplicitColumns() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("ID", 7L);
        row.put("NAME", "seven");
        row.put("ignored", "not loaded");
        LoadResult r = SqlTasks.load().run(db, LoadSpec.into("SALES").withColumns("ID", "NAME"), List.of(row));
        assertThat(r.inserted()).isEqualTo(1);
        assertThat(SqlTasks.fetchOne().run(db, SqlStatement.of("select id, name, amount from sales")))
                .hasValueSatisfying(m -> assertThat(m).containsEntry("ID", 7L).containsEntry("NAME", "seven")
                        .containsEntry("AMOUNT", null));
    }

    @Test
    void upsertWithMergeIsIdempotentAndCounts() {
        LoadSpec spec = LoadSpec.into("sales").withUpsertOn("id").withBatchSize(400);
        LoadResult first = SqlTasks.load().run(db, spec, sales(1, 1_000, "a"));
        LoadResult again = SqlTasks.load().run(db, spec, sales(1, 1_000, "a"));
        assertThat(readAll()).isEqualTo(sales(1, 1_000, "a"));
        assertThat(first.inserted()).isEqualTo(1_000);
        assertThat(again.inserted()).isZero();
        assertThat(again.updated()).isEqualTo(1_000);
        LoadResult mixed = SqlTasks.load().run(db, spec, sales(501, 1_000, "b"));
        assertThat(mixed.inserted()).isEqualTo(500);
        assertThat(mixed.updated()).isEqualTo(500);
        List<Sale> expected = new ArrayList<>(sales(1, 500, "a"));
        expected.addAll(sales(501, 1_000, "b"));
        assertThat(readAll()).isEqualTo(expected);
    }

    /**
     * Another session commits rows while an upsert's batch is being read (a concurrent load into the
     * same table): H2's counts come from the table's growth, which then holds the other rows too. The
     * load still succeeds, with counts within its own rows, and its rows are there.
     */
    @Test
    void anUpsertSucceedsWhileAnotherSessionCommitsRowsIntoTheTable() {
        List<Sale> mine = sales(1, 3, "m");
        Iterable<Sale> rows = () -> new java.util.Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < mine.size();
            }

            @Override
            public Sale next() {
                if (next == 1) { // between the load's two counts of the table: a concurrent load commits
                    H2.sql(db, "INSERT INTO sales (id, name) SELECT X + 1000, 'other' FROM SYSTEM_RANGE(1, 10)");
                }
                return mine.get(next++);
            }
        };
        LoadResult r = SqlTasks.load().run(db, LoadSpec.into("sales").withUpsertOn("id"), rows);
        assertThat(r.rows()).isEqualTo(3);
        assertThat(r.inserted()).isBetween(0L, 3L);
        assertThat(H2.count(db, "sales")).isEqualTo(13);
    }

    @Test
    void truncateInsertReplacesTheRows() {
        SqlTasks.load().run(db, LoadSpec.into("sales"), sales(1, 50, "old"));
        SqlTasks.load().run(db, LoadSpec.into("sales").withMode(LoadMode.TRUNCATE_INSERT), sales(100, 5, "new"));
        assertThat(readAll()).isEqualTo(sales(100, 5, "new"));
    }

    @Test
    void truncateInsertRollsBackTheTruncateWhenTheLoadFails() {
        SqlTasks.load().run(db, LoadSpec.into("sales"), sales(1, 50, "old"));
        List<Sale> dup = new ArrayList<>(sales(1, 10, "new"));
        dup.add(dup.get(3));
        assertThatThrownBy(() -> SqlTasks.load().run(db, LoadSpec.into("sales").withMode(LoadMode.TRUNCATE_INSERT), dup))
                .cause().isInstanceOf(SqlLoadException.class);
        assertThat(readAll()).isEqualTo(sales(1, 50, "old"));
    }

    @ParameterizedTest
    @EnumSource(LoadTransaction.class)
    void wrongTypeInTheMiddleOfA100kLoad(LoadTransaction tx) {
        List<Map<String, Object>> rows = new ArrayList<>(100_000);
        for (int i = 0; i < 100_000; i++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", (long) i);
            m.put("name", "n" + i);
            m.put("amount", i == 73_321 ? "seventy" : BigDecimal.ONE);
            rows.add(m);
        }
        assertThatThrownBy(() -> SqlTasks.load().run(db, LoadSpec.into("sales").withTransaction(tx).withBatchSize(5_000), rows))
                .isInstanceOf(TaskFailedException.class)
                .cause().isInstanceOf(SqlLoadException.class)
                .hasMessageContaining("failed at batch 15 (input rows 70000 to 74999)")
                .satisfies(e -> assertThat(((SqlLoadException) e).committedRows())
                        .isEqualTo(tx == LoadTransaction.ALL_OR_NOTHING ? 0 : 70_000));
        assertThat(H2.count(db, "sales")).isEqualTo(tx == LoadTransaction.ALL_OR_NOTHING ? 0 : 70_000);
    }

    @Test
    void missingColumnInARowIsNamed() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            rows.add(new LinkedHashMap<>(Map.of("id", i, "name", "x")));
        }
        rows.get(6).remove("name");
        assertThatThrownBy(() -> SqlTasks.load().run(db, LoadSpec.into("sales"), rows))
                .cause().isInstanceOf(SqlLoadException.class)
                .hasMessageContaining("input row 6 has no value for column 'name'")
                .hasMessageContaining("rolled back");
        assertThat(H2.count(db, "sales")).isZero();
    }

    @Test
    void aKeyOnlyLaterMapRowsHaveIsAnErrorAndNothingIsWritten() {
        H2.sql(db, "create table n (id int primary key, a varchar(10), extra int)");
        List<Map<String, Object>> rows = List.of(Map.of("id", 7, "a", "q"), Map.of("id", 6, "a", "z", "extra", 1));
        assertThatThrownBy(() -> SqlTasks.load().run(db, LoadSpec.into("n"), rows))
                .cause().isInstanceOf(SqlLoadException.class)
                .hasMessageContaining("input row 1 has key 'extra' that the first row lacks")
                .hasMessageContaining("the load's columns, from the first row, are [")
                .hasMessageContaining("rolled back");
        assertThat(H2.count(db, "n")).isZero();
        // with the columns named, other keys are left out on purpose
        assertThat(SqlTasks.load().run(db, LoadSpec.into("n").withColumns("id", "a"), rows).inserted()).isEqualTo(2);
    }

    @Test
    void duplicateKeyInInsertMode() {
        SqlTasks.load().run(db, LoadSpec.into("sales"), sales(1, 10, "x"));
        assertThatThrownBy(() -> SqlTasks.load().run(db, LoadSpec.into("sales"), sales(5, 10, "y")))
                .cause().isInstanceOf(SqlLoadException.class)
                .hasMessageContainingAll("load into sales failed at batch 1", "Unique index or primary key violation");
        assertThat(H2.count(db, "sales")).isEqualTo(10);
    }

    @Test
    void unknownTableAndColumn() {
        assertThatThrownBy(() -> SqlTasks.load().run(db, LoadSpec.into("nope"), sales(1, 1, "x")))
                .cause().isInstanceOf(SqlTaskException.class).hasMessageContaining("table 'nope' does not exist");
        assertThatThrownBy(() -> SqlTasks.load().run(db, LoadSpec.into("sales"), List.of(Map.of("id", 1, "price", 3))))
                .cause().isInstanceOf(SqlTaskException.class)
                .hasMessageContaining("table 'sales' has no column 'price'; its columns are [ID, NAME, AMOUNT, CREATED_AT]");
    }

    @Test
    void upsertNeedsKeysThatAreLoaded() {
        assertThatThrownBy(() -> SqlTasks.load().run(db, LoadSpec.into("sales").withMode(LoadMode.UPSERT), sales(1, 1, "x")))
                .cause().isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs key columns");
        assertThatThrownBy(() -> LoadSpec.into("sales").withColumns("name").withUpsertOn("id"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key column 'id' is not one of the columns");
    }

    @Test
    void injectionInIdentifiersNeverReachesTheDatabase() {
        SqlTasks.load().run(db, LoadSpec.into("sales"), sales(1, 2, "x"));
        for (String evil : List.of("sales; DROP TABLE sales", "sales\"--", "\"sales\"", "sales where 1=1", "a.b.c", "")) {
            assertThatThrownBy(() -> LoadSpec.into(evil)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is not a plain identifier");
        }
        assertThatThrownBy(() -> LoadSpec.into("sales").withUpsertOn("id) DO NOTHING; DROP TABLE sales; --"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(H2.count(db, "sales")).isEqualTo(2);
    }

    @Test
    void jsonRecordsAreRefusedWithTheWayToMapThem() throws Exception {
        // what an HttpExtract gives unless mapped with as(...): the load names the way out
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree("[{\"id\":1,\"name\":\"a\"}]");
        List<Object> rows = new ArrayList<>();
        json.elements().forEachRemaining(rows::add);
        assertThatThrownBy(() -> SqlTasks.load().run(db, LoadSpec.into("sales"), rows))
                .rootCause().isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rows must be records or maps, found com.fasterxml.jackson.databind.node.ObjectNode")
                .hasMessageContaining("HttpExtract.as(");
        assertThat(H2.count(db, "sales")).isZero();
    }

    @Test
    void emptyInputLoadsNothing() {
        LoadResult r = SqlTasks.load().run(db, LoadSpec.into("sales"), List.of());
        assertThat(r.rows()).isZero();
        assertThat(r.batches()).isZero();
    }
}
