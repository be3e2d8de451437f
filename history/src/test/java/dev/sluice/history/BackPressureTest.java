package dev.sluice.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Flow;
import dev.sluice.FlowRun;
import dev.sluice.RunContext;
import dev.sluice.SluiceRuntime;
import dev.sluice.State;
import dev.sluice.Task;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bounded queue: runs go on while the database is locked, and what does not fit is counted, never silently dropped. */
class BackPressureTest {
    @TempDir
    Path dir;

    @Test
    void whileTheDatabaseIsLockedRunsGoOnAndLostRecordsAreCounted() throws Exception {
        Path file = dir.resolve("runs.db");
        HistoryDatabase db = HistoryDatabase.sqlite(file).withConnectTimeout(Duration.ofMillis(500));
        Task<Integer, Integer> inc = Task.of("inc", (Integer i) -> {
            RunContext.logger().info("inc {}", i);
            return i + 1;
        });
        Flow<Integer, Integer> flow = Flow.of("pressed", (Integer n) -> {
            int sum = 0;
            for (int i = 0; i < n; i++) {
                sum += inc.run(i);
            }
            return sum;
        });
        try (History history = History.builder(db).queueCapacity(64).maxBlock(Duration.ofMillis(100)).open();
                SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().recorder(history.recorder()).build()) {
            FlowRun<Integer> before = runtime.runForState(flow, 10);
            assertThat(history.flush()).isTrue();
            assertThat(history.stats().lost()).isZero();

            FlowRun<Integer> during;
            long start = System.nanoTime();
            try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = other.createStatement()) {
                s.execute("begin exclusive"); // another process holds the file
                during = runtime.runForState(flow, 200);
                Thread.sleep(700);
                // the batch the writer holds and retries is waiting to be written too: every record is accounted for
                HistoryStats locked = history.stats();
                assertThat(locked.queued()).as(locked.toString()).isGreaterThan(64);
                assertThat(locked.written() + locked.lost() + locked.queued()).as(locked.toString()).isEqualTo(locked.recorded());
                s.execute("rollback");
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(during.state()).isEqualTo(State.COMPLETED);
            assertThat(history.flush()).isTrue();

            HistoryStats stats = history.stats();
            assertThat(stats.lost()).isPositive();
            assertThat(stats.writeFailures()).isPositive();
            assertThat(stats.lastError()).containsIgnoringCase("locked");
            assertThat(stats.written() + stats.lost()).isEqualTo(stats.recorded());
            assertThat(stats.queued()).isZero();
            assertThat(millis).as("the flow waited once for the full queue, not once per record").isLessThan(5_000);

            // writing again after the lock is gone
            FlowRun<Integer> after = runtime.runForState(flow, 10);
            assertThat(history.flush()).isTrue();
            assertThat(history.stats().lost()).isEqualTo(stats.lost());
            assertThat(history.flowRun(after.id())).get().satisfies(d -> {
                assertThat(d.run().state()).isEqualTo(State.COMPLETED);
                assertThat(d.taskRuns().items()).hasSize(10);
            });
            assertThat(history.flowRun(before.id())).isPresent();
        }
    }

    @Test
    void aFileDeletedOrOverwrittenWhileInUseLosesRecordsThatAreCountedAndSaid() throws Exception {
        Task<Integer, Integer> inc = Task.of("inc", (Integer i) -> i + 1);
        Flow<Integer, Integer> flow = Flow.of("kept", (Integer n) -> {
            int sum = 0;
            for (int i = 0; i < n; i++) {
                sum += inc.run(i);
            }
            return sum;
        });
        for (String how : java.util.List.of("deleted", "overwritten")) {
            Path file = dir.resolve(how + ".db");
            try (History history = History.builder(HistoryDatabase.sqlite(file)).open();
                    SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().recorder(history.recorder()).build()) {
                runtime.runForState(flow, 5);
                assertThat(history.flush()).isTrue();
                assertThat(history.stats().lost()).isZero();
                if (how.equals("deleted")) {
                    for (String suffix : new String[] {"", "-wal", "-shm"}) {
                        java.nio.file.Files.deleteIfExists(dir.resolve(how + ".db" + suffix));
                    }
                } else {
                    java.nio.file.Files.write(file, new byte[8192]);
                }
                FlowRun<Integer> after = runtime.runForState(flow, 5);
                assertThat(after.state()).as("the flow is not affected").isEqualTo(dev.sluice.State.COMPLETED);
                history.flush();
                assertThat(history.stats().lost()).as(how).isPositive();
                assertThat(history.stats().lastError()).as(how).contains(file.toString(), how);
            }
        }
    }
}
