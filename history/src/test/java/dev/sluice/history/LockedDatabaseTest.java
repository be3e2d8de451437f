package dev.sluice.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Flow;
import dev.sluice.FlowRun;
import dev.sluice.RunContext;
import dev.sluice.SluiceRuntime;
import dev.sluice.State;
import dev.sluice.Task;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A SQLite file another process holds locked (a backup tool, a script in the sqlite3 shell): runs are not lost. */
class LockedDatabaseTest {
    @TempDir
    Path home;

    private static final Task<Integer, Integer> STEP = Task.of("step", (Integer i) -> {
        RunContext.logger().info("step {}", i);
        return i + 1;
    });
    private static final Flow<Integer, Integer> MANY_STEPS = Flow.of("many-steps", (Integer n) -> {
        int sum = 0;
        for (int i = 0; i < n; i++) {
            sum += STEP.run(i);
        }
        return sum;
    });

    private static void release(Processes.Child child) throws Exception {
        OutputStream in = child.process.getOutputStream();
        in.write("release\n".getBytes(StandardCharsets.UTF_8));
        in.flush();
        assertThat(child.finish()).containsKey("RELEASED");
    }

    @Test
    void aRunWhoseLastRecordsWereLostWhileTheFileWasLockedStillEndsInItsState() throws Exception {
        Path db = home.resolve("locked.db");
        try (History history = History.builder(HistoryDatabase.sqlite(db).withConnectTimeout(Duration.ofMillis(250)))
                .queueCapacity(16).batchSize(8).maxBlock(Duration.ofMillis(20)).open();
                SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().recorder(history.recorder()).build()) {
            Processes.Child locker = Processes.start("lock", db.toString(), "writes");
            assertThat(locker.await("LOCKED", 60)).isEqualTo("writes");
            FlowRun<Integer> run;
            FlowRun<Integer> failed;
            try {
                run = runtime.runForState(MANY_STEPS, 40); // far more records than the queue holds
                failed = runtime.runForState(Flow.of("fails-while-locked", (Integer n) -> {
                    throw new IllegalStateException("broken " + n);
                }), 7);
                assertThat(history.stats().lost()).as("records were lost while the file was locked").isPositive();
            } finally {
                release(locker);
            }
            assertThat(history.flush(Duration.ofSeconds(30))).isTrue();
            assertThat(history.flowRun(run.id())).get().satisfies(d -> {
                assertThat(d.run().state()).isEqualTo(State.COMPLETED);
                assertThat(d.run().endTime()).isNotNull();
            });
            assertThat(history.flowRun(failed.id())).get().satisfies(d -> {
                assertThat(d.run().state()).isEqualTo(State.FAILED);
                assertThat(d.error()).isNotNull().satisfies(e -> assertThat(e.message()).contains("broken 7"));
            });
            assertThat(history.flowRuns(FlowRunQuery.all().inStates(State.RUNNING, State.PENDING)).items()).isEmpty();
        }
    }

    @Test
    void aHistoryOpenedWhileAnotherProcessWritesReadsAtOnceAndRegistersOnceTheLockIsLetGo() throws Exception {
        Path db = home.resolve("read-while-written.db");
        String earlier;
        try (History history = History.open(HistoryDatabase.sqlite(db));
                SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().recorder(history.recorder()).build()) {
            earlier = runtime.runForState(Flow.of("before-the-lock", (Integer n) -> n), 1).id();
            assertThat(history.flush(Duration.ofSeconds(30))).isTrue();
        }
        Processes.Child locker = Processes.start("lock", db.toString(), "writes");
        assertThat(locker.await("LOCKED", 60)).isEqualTo("writes");
        String later;
        try {
            long t0 = System.nanoTime();
            try (History reader = History.open(HistoryDatabase.sqlite(db))) {
                // SQLite's WAL lets readers read beside a writer: opening and reading wait for no lock (it took 10 s and
                // failed with "database is locked" when opening wrote this process's row first)
                assertThat(reader.flowRuns(FlowRunQuery.all()).items()).extracting(FlowRunSummary::id).containsExactly(earlier);
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
                try (SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().recorder(reader.recorder()).build()) {
                    later = runtime.runForState(Flow.of("after-the-lock", (Integer n) -> n), 2).id();
                    release(locker);
                    assertThat(reader.flush(Duration.ofSeconds(30))).isTrue();
                }
                assertThat(reader.flowRun(later)).get().satisfies(d -> assertThat(d.run().state()).isEqualTo(State.COMPLETED));
            }
        } finally {
            locker.process.destroyForcibly();
        }
        try (History after = History.open(HistoryDatabase.sqlite(db))) {
            assertThat(after.flowRun(later)).as("the run written once the lock was let go, by a registered process")
                    .get().satisfies(d -> assertThat(d.run().state()).isEqualTo(State.COMPLETED));
        }
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
                java.sql.ResultSet rs = c.createStatement().executeQuery("select count(*) from sluice_owner")) {
            assertThat(rs.getInt(1)).as("each process that wrote has its row, the reader too").isEqualTo(3);
        }
    }

    @Test
    void aDefaultFileLockedWhenTheRuntimeStartsKeepsItsRunsAndWritesThemOnceItIsFree() throws Exception {
        Path db = home.resolve("sluice.db");
        History.open(HistoryDatabase.sqlite(db)).close(); // a history that was used before
        Processes.Child locker = Processes.start("lock", db.toString(), "all");
        assertThat(locker.await("LOCKED", 60)).isEqualTo("all");
        FlowRun<Integer> run;
        long started = System.nanoTime();
        try (SluiceRuntime runtime = SluiceRuntime.builder().home(home).environment(Map.of()).build()) {
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the runtime does not wait for the lock")
                    .isLessThan(Duration.ofSeconds(5));
            try {
                run = runtime.runForState(MANY_STEPS, 5);
                assertThat(run.state()).isEqualTo(State.COMPLETED);
                dev.sluice.history.internal.DeferredHistory.retryNow();
                assertThat(dev.sluice.history.internal.DeferredHistory.pending()).as("still locked").isOne();
            } finally {
                release(locker);
            }
            dev.sluice.history.internal.DeferredHistory.retryNow(); // or the background retry did it already
            assertThat(dev.sluice.history.internal.DeferredHistory.pending()).as("free now").isZero();
            FlowRun<Integer> after = runtime.runForState(MANY_STEPS, 2); // straight to the history now
            assertThat(after.state()).isEqualTo(State.COMPLETED);
        }
        try (History h = History.open(HistoryDatabase.sqlite(db))) {
            assertThat(h.flowRun(run.id())).as("the run made while the file was locked").get().satisfies(d -> {
                assertThat(d.run().state()).isEqualTo(State.COMPLETED);
                assertThat(d.taskRuns().items()).hasSize(5);
                assertThat(d.logs().items()).isNotEmpty();
            });
            assertThat(h.flowRuns(FlowRunQuery.all().nameLike("many-steps%")).items()).hasSize(2);
        }
    }

    @Test
    void aRuntimeClosedWhileTheFileIsStillLockedSaysWhatIsLostAndNeverWaits() throws Exception {
        Path db = home.resolve("sluice.db");
        History.open(HistoryDatabase.sqlite(db)).close();
        Processes.Child locker = Processes.start("lock", db.toString(), "all");
        assertThat(locker.await("LOCKED", 60)).isEqualTo("all");
        try {
            long started = System.nanoTime();
            try (SluiceRuntime runtime = SluiceRuntime.builder().home(home).environment(Map.of()).build()) {
                assertThat(runtime.runForState(MANY_STEPS, 3).state()).isEqualTo(State.COMPLETED);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        } finally {
            release(locker);
        }
    }
}
