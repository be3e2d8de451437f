package dev.sluice.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Flow;
import dev.sluice.FlowRun;
import dev.sluice.SluiceRuntime;
import dev.sluice.State;
import dev.sluice.Task;
import dev.sluice.TaskRun;
import dev.sluice.cache.CachePolicy;
import dev.sluice.cache.ResultStore;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The history's shared result store on a SQLite file, when the database refuses a statement. */
class SharedResultStoreTest {
    private static final String KEY = "f".repeat(64);

    @TempDir
    Path home;

    /** Holds SQLite's write lock from another connection (as a backup tool or the sqlite3 shell would). */
    private static Connection holdWriteLock(Path db) throws Exception {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        try (Statement s = c.createStatement()) {
            s.execute("begin immediate");
        }
        return c;
    }

    private static void release(Connection c) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute("rollback");
        }
    }

    @Test
    void aLockWhoseReleaseFailedIsNotHeldForeverByTheLiveProcessThatTookIt() throws Exception {
        Path db = home.resolve("sluice.db");
        try (History history = History.open(HistoryDatabase.sqlite(db).withConnectTimeout(Duration.ofMillis(250)))) {
            ResultStore store = history.resultStore();
            ResultStore.Lock lock = store.lock(KEY);
            try (Connection locker = holdWriteLock(db)) {
                assertThatThrownBy(lock::close).as("the database refused the release").isInstanceOf(IOException.class);
                release(locker);
            }

            // the database is usable again: the next run of the key in this live process must get the lock
            CompletableFuture<ResultStore.Lock> again = CompletableFuture.supplyAsync(() -> {
                try {
                    return store.lock(KEY);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try {
                again.get(10, TimeUnit.SECONDS).close();
            } finally {
                again.cancel(true);
            }
        }
    }

    @Test
    void anotherProcessWaitingForALockWhoseReleaseFailedGetsItAtTheHoldersNextHeartbeat() throws Exception {
        Path db = home.resolve("sluice.db");
        HistoryDatabase database = HistoryDatabase.sqlite(db).withConnectTimeout(Duration.ofMillis(250));
        try (History holder = History.builder(database).heartbeat(Duration.ofMillis(200), Duration.ofMinutes(10)).open();
                History other = History.open(database)) { // another owner, as another process would be
            ResultStore.Lock lock = holder.resultStore().lock(KEY);
            try (Connection locker = holdWriteLock(db)) {
                assertThatThrownBy(lock::close).isInstanceOf(IOException.class);
                release(locker);
            }
            // the holder is alive and never takes this key again: its heartbeat deletes the row it could not
            CompletableFuture<ResultStore.Lock> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return other.resultStore().lock(KEY);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try {
                waiting.get(10, TimeUnit.SECONDS).close();
            } finally {
                waiting.cancel(true);
            }
        }
    }

    @Test
    void aCachedRunIsRecordedCachedWithItsKeyAndTheRunThatComputedTheResult() {
        Path db = home.resolve("sluice.db");
        Task<String, Integer> task = Task.of("recorded-length", (String s) -> s.length()).withCache(CachePolicy.inputs());
        Flow<String, Integer> flow = Flow.of("recorded", (String s) -> task.run(s));
        try (History history = History.open(HistoryDatabase.sqlite(db));
                SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().home(home)
                        .recorder(history.recorder()).resultStore(history.resultStore()).build()) {
            FlowRun<Integer> first = runtime.runForState(flow, "abc");
            FlowRun<Integer> second = runtime.runForState(flow, "abc");
            assertThat(history.flush()).isTrue();

            TaskRunSummary computed = history.flowRun(first.id()).orElseThrow().taskRuns().items().get(0);
            TaskRunSummary cached = history.flowRun(second.id()).orElseThrow().taskRuns().items().get(0);
            assertThat(computed.state()).isEqualTo(State.COMPLETED);
            assertThat(computed.cachedFromRunId()).isNull();
            assertThat(cached.state()).isEqualTo(State.CACHED);
            assertThat(cached.cachedFromRunId()).isEqualTo(computed.id());
            assertThat(cached.cacheKey()).isNotNull().isEqualTo(computed.cacheKey()).hasSize(64);
            assertThat(history.flowRun(second.id()).orElseThrow().run().state()).isEqualTo(State.COMPLETED);
        }
    }

    @Test
    void aCachedTaskRunAfterAFailedReleaseIsNotStuckWaitingForItself() throws Exception {
        Path db = home.resolve("sluice.db");
        AtomicInteger calls = new AtomicInteger();
        try (History history = History.open(HistoryDatabase.sqlite(db).withConnectTimeout(Duration.ofMillis(250)));
                SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().home(home)
                        .resultStore(history.resultStore()).build()) {
            Connection[] locker = new Connection[1];
            Task<String, Integer> task = Task.of("measure", (String s) -> {
                calls.incrementAndGet();
                if (locker[0] == null) {
                    locker[0] = holdWriteLock(db); // the database is busy when the run ends (its result and lock)
                }
                return s.length();
            }).withCache(CachePolicy.inputs());
            Flow<String, Integer> flow = Flow.of("measuring", (String s) -> task.run(s));
            FlowRun<Integer> first = runtime.runForState(flow, "abc");
            assertThat(first.result()).isEqualTo(3);
            release(locker[0]);
            locker[0].close();

            CompletableFuture<FlowRun<Integer>> second = CompletableFuture.supplyAsync(() -> runtime.runForState(flow, "abc"));
            FlowRun<Integer> run;
            try {
                run = second.get(10, TimeUnit.SECONDS);
            } finally {
                second.cancel(true);
            }
            assertThat(run.result()).isEqualTo(3);
            TaskRun taskRun = run.taskRuns().get(0);
            assertThat(taskRun.state()).isEqualTo(State.COMPLETED);
            assertThat(calls).hasValue(2);
        }
    }
}
