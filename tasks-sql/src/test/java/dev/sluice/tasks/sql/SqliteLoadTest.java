package dev.sluice.tasks.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.block.Secret;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loads into a SQLite file through sqlite-jdbc: UPSERT is {@code INSERT ... ON CONFLICT DO UPDATE}. */
class SqliteLoadTest {
    record Item(int id, String name, int qty) {
    }

    @TempDir
    Path dir;
    private DatabaseCredentials db;

    @BeforeEach
    void createTable() {
        db = DatabaseCredentials.of("jdbc:sqlite:" + dir.resolve("shop.db"), "", Secret.of(""));
        SqlTasks.execute().run(db, SqlStatement.of("create table items (id integer primary key, name text not null, qty int)"));
    }

    @AfterEach
    void closePool() {
        SqlPools.close(db);
    }

    List<Item> readAll() {
        return SqlTasks.fetchAll(Item.class).run(db, SqlStatement.of("select id, name, qty from items order by id"));
    }

    static List<Item> items(int from, int n, String tag) {
        List<Item> list = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            list.add(new Item(i, tag + i, i * 10));
        }
        return list;
    }

    @Test
    void upsertInsertsThenUpdatesAndCountsEach() {
        LoadSpec spec = LoadSpec.into("items").withUpsertOn("id").withBatchSize(3);
        LoadResult first = SqlTasks.load().run(db, spec, items(1, 10, "a"));
        assertThat(first).extracting(LoadResult::inserted, LoadResult::updated, LoadResult::batches)
                .containsExactly(10L, 0L, 4L);
        LoadResult again = SqlTasks.load().run(db, spec, items(1, 10, "a"));
        assertThat(again).extracting(LoadResult::inserted, LoadResult::updated).containsExactly(0L, 10L);
        assertThat(readAll()).isEqualTo(items(1, 10, "a"));

        LoadResult mixed = SqlTasks.load().run(db, spec, items(6, 10, "b"));
        assertThat(mixed).extracting(LoadResult::inserted, LoadResult::updated).containsExactly(5L, 5L);
        List<Item> expected = new ArrayList<>(items(1, 5, "a"));
        expected.addAll(items(6, 10, "b"));
        assertThat(readAll()).isEqualTo(expected);
    }

    @Test
    void aKeyGivenTwiceInOneLoadIsCountedAsAnInsertThenAnUpdate() {
        LoadResult r = SqlTasks.load().run(db, LoadSpec.into("items").withUpsertOn("id"),
                List.of(new Item(1, "first", 1), new Item(1, "second", 2)));
        assertThat(r).extracting(LoadResult::inserted, LoadResult::updated).containsExactly(1L, 1L);
        assertThat(readAll()).containsExactly(new Item(1, "second", 2));
    }

    @Test
    void upsertOfMapsOnACompositeUniqueKey() {
        SqlTasks.execute().run(db, SqlStatement.of(
                "create table stock (shop text, sku text, qty int, primary key (shop, sku))"));
        LoadSpec spec = LoadSpec.into("stock").withUpsertOn("shop", "sku");
        SqlTasks.load().run(db, spec, List.of(Map.of("shop", "a", "sku", "x", "qty", 1), Map.of("shop", "b", "sku", "x", "qty", 2)));
        LoadResult r = SqlTasks.load().run(db, spec,
                List.of(Map.of("shop", "a", "sku", "x", "qty", 5), Map.of("shop", "a", "sku", "y", "qty", 6)));
        assertThat(r).extracting(LoadResult::inserted, LoadResult::updated).containsExactly(1L, 1L);
        assertThat(SqlTasks.fetchAll().run(db, SqlStatement.of("select shop, sku, qty from stock order by shop, sku")))
                .containsExactly(Map.of("shop", "a", "sku", "x", "qty", 5), Map.of("shop", "a", "sku", "y", "qty", 6),
                        Map.of("shop", "b", "sku", "x", "qty", 2));
    }

    @Test
    void aFailedUpsertRollsBackEveryBatch() {
        SqlTasks.load().run(db, LoadSpec.into("items"), items(1, 3, "a"));
        List<Item> rows = new ArrayList<>(items(1, 6, "b"));
        rows.add(new Item(99, null, 0)); // name is NOT NULL
        assertThatThrownBy(() -> SqlTasks.load().run(db, LoadSpec.into("items").withUpsertOn("id").withBatchSize(2), rows))
                .cause().isInstanceOf(SqlLoadException.class)
                .hasMessageContaining("NOT NULL").hasMessageContaining("rolled back");
        assertThat(readAll()).isEqualTo(items(1, 3, "a"));
    }

    @Test
    void keysWithoutAUniqueConstraintAreNamedByTheDatabase() {
        assertThatThrownBy(() -> SqlTasks.load().run(db, LoadSpec.into("items").withUpsertOn("name"), items(1, 2, "a")))
                .cause().isInstanceOf(SqlLoadException.class)
                .hasMessageContaining("ON CONFLICT clause does not match any PRIMARY KEY or UNIQUE constraint");
    }

    /**
     * Another connection is writing to the file (a concurrent load) when an upsert starts: the upsert
     * waits for the write lock, as an insert does, instead of failing at once with SQLITE_BUSY (its
     * key look-ups took a read lock first, which SQLite refuses to upgrade without waiting).
     */
    @Test
    void anUpsertWaitsForAnotherWriterInsteadOfFailingWithBusy() throws Exception {
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        List<Item> mine = items(1, 5, "a");
        Iterable<Item> rows = () -> {
            java.util.Iterator<Item> it = mine.iterator();
            return new java.util.Iterator<>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public Item next() {
                    started.countDown();
                    return it.next();
                }
            };
        };
        DatabaseCredentials waiting = db.withDriverProperties(Map.of("busy_timeout", "20000"));
        try (java.sql.Connection other = java.sql.DriverManager.getConnection(db.jdbcUrl());
             java.sql.Statement st = other.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
            st.execute("INSERT INTO items (id, name, qty) VALUES (100, 'other', 1)");
            java.util.concurrent.CompletableFuture<LoadResult> load = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> SqlTasks.load().run(waiting, LoadSpec.into("items").withUpsertOn("id"), rows));
            started.await();
            Thread.sleep(300); // the upsert reaches the table while the other connection still writes
            st.execute("COMMIT");
            assertThat(load.get(30, java.util.concurrent.TimeUnit.SECONDS).inserted()).isEqualTo(5);
        } finally {
            SqlPools.close(waiting);
        }
        assertThat(readAll()).hasSize(6);
    }

    record Tagged(int id, java.util.UUID ref, Character grade) {
    }

    /** UUIDs and characters a load writes (as text) come back as the same record components. */
    @Test
    void uuidAndCharacterComponentsRoundTripAsRecords() {
        SqlTasks.execute().run(db, SqlStatement.of("create table tagged (id integer primary key, ref text, grade text)"));
        List<Tagged> rows = List.of(new Tagged(1, java.util.UUID.fromString("123e4567-e89b-12d3-a456-426614174000"), 'A'),
                new Tagged(2, null, null));
        SqlTasks.load().run(db, LoadSpec.into("tagged"), rows);
        assertThat(SqlTasks.fetchAll(Tagged.class).run(db, SqlStatement.of("select * from tagged order by id")))
                .isEqualTo(rows);
    }
}
