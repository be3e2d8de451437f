package dev.sluice.tasks.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.sluice.Flow;
import dev.sluice.SluiceRuntime;
import dev.sluice.block.BlockStore;
import dev.sluice.cache.ResultStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pools of the SQL tasks belong to a {@link SluiceRuntime}: never shared between two, closed with theirs. */
class SqlPoolsPerRuntimeTest {
    @TempDir
    Path home;

    private SluiceRuntime a;
    private SluiceRuntime b;
    private DatabaseCredentials db;

    @BeforeEach
    void twoRuntimes() {
        a = runtime("a");
        b = runtime("b");
        db = H2.newDatabase().withPoolSize(2);
        H2.sql(db, "create table t (id int primary key, v varchar(10))");
    }

    @AfterEach
    void close() {
        a.close();
        b.close();
    }

    private SluiceRuntime runtime(String name) {
        return SluiceRuntime.builder().home(home.resolve(name)).blockStore(BlockStore.inMemory())
                .resultStore(ResultStore.inMemory()).build();
    }

    @Test
    void equalCredentialsInTwoRuntimesGetTwoPools() {
        HikariDataSource poolA = (HikariDataSource) a.call(() -> SqlPools.dataSource(db));
        HikariDataSource poolB = (HikariDataSource) b.call(() -> SqlPools.dataSource(db));
        assertThat(poolA).isNotSameAs(poolB);
        assertThat(poolA.getPoolName()).isNotEqualTo(poolB.getPoolName());
        // within one runtime, an equal value built anew shares the pool
        DatabaseCredentials same = DatabaseCredentials.of(db.jdbcUrl(), db.username(), db.password()).withPoolSize(2);
        assertThat(a.call(() -> SqlPools.dataSource(same))).isSameAs(poolA);
        assertThat(a.call(SqlPools::openPools)).isEqualTo(1);
        assertThat(b.call(SqlPools::openPools)).isEqualTo(1);
    }

    @Test
    void tasksUseThePoolsOfTheRuntimeTheyRunUnder() {
        int before = SqlPools.openPools(); // the default runtime's
        a.run(() -> SqlTasks.execute().run(db, SqlStatement.of("insert into t values (1, 'a')")));
        assertThat(a.call(SqlPools::openPools)).isEqualTo(1);
        assertThat(b.call(SqlPools::openPools)).isZero();
        assertThat(SqlPools.openPools()).isEqualTo(before);

        // everything a flow run under b starts (here a submitted task) uses b's pools
        Flow<Integer, Long> count = Flow.of("count", (Integer id) -> {
            SqlTasks.execute().submit(db, SqlStatement.of("insert into t values (:id, 'b')").bind("id", id)).join();
            return SqlTasks.fetchOne().run(db, SqlStatement.of("select count(*) as n from t"))
                    .map(row -> ((Number) row.get("N")).longValue()).orElseThrow();
        });
        assertThat(b.run(count, 2)).isEqualTo(2L);
        assertThat(b.call(SqlPools::openPools)).isEqualTo(1);
        assertThat(SqlPools.openPools()).isEqualTo(before);
    }

    @Test
    void closingARuntimeClosesItsPoolsOnly() throws Exception {
        HikariDataSource poolA = (HikariDataSource) a.call(() -> SqlPools.dataSource(db));
        HikariDataSource poolB = (HikariDataSource) b.call(() -> SqlPools.dataSource(db));
        a.close();
        assertThat(poolA.isClosed()).isTrue();
        assertThat(poolB.isClosed()).isFalse();
        try (Connection c = poolB.getConnection()) {
            assertThat(c.isValid(1)).isTrue();
        }
        assertThat(b.call(() -> SqlTasks.fetchAll().run(db, SqlStatement.of("select * from t")))).isEmpty();
        // a closed runtime opens no pool again; closing and counting have nothing to do
        assertThatThrownBy(() -> a.call(() -> SqlPools.dataSource(db))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        a.run(SqlPools::close);
        assertThat(a.call(SqlPools::openPools)).isZero();
    }

    @Test
    void sqlPoolsCloseActsOnTheCurrentRuntime() {
        DataSource poolB = b.call(() -> SqlPools.dataSource(db));
        a.call(() -> SqlPools.dataSource(db));
        a.run(SqlPools::close);
        assertThat(a.call(SqlPools::openPools)).isZero();
        assertThat(b.call(SqlPools::openPools)).isEqualTo(1);
        assertThat(((HikariDataSource) poolB).isClosed()).isFalse();
        a.run(() -> SqlPools.close(db));
        assertThat(b.call(() -> SqlPools.dataSource(db))).isSameAs(poolB);
    }

    @Test
    void twoRuntimesLoadConcurrentlyEachThroughItsOwnPool() {
        CompletableFuture<LoadResult> inA = CompletableFuture.supplyAsync(() -> a.call(() ->
                SqlTasks.load().run(db, LoadSpec.into("t").withBatchSize(10), rows(0, 100))));
        CompletableFuture<LoadResult> inB = CompletableFuture.supplyAsync(() -> b.call(() ->
                SqlTasks.load().run(db, LoadSpec.into("t").withBatchSize(10), rows(100, 100))));
        assertThat(inA.join().inserted()).isEqualTo(100);
        assertThat(inB.join().inserted()).isEqualTo(100);
        assertThat(H2.count(db, "t")).isEqualTo(200);
        assertThat(a.call(() -> SqlPools.dataSource(db))).isNotSameAs(b.call(() -> SqlPools.dataSource(db)));
        // each runtime recorded its own task run only
        assertThat(a.recentRuns().runs()).hasSize(1);
        assertThat(b.recentRuns().runs()).hasSize(1);
    }

    static List<Map<String, Object>> rows(int from, int n) {
        return java.util.stream.IntStream.range(from, from + n)
                .mapToObj(i -> Map.<String, Object>of("id", i, "v", "r" + i)).toList();
    }
}
