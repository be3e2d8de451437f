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
}
