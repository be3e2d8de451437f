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
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Old runs go with everything under them: completed after 30 days, failed after 90 (or as configured). */
class RetentionTest {
    @TempDir
    Path dir;

    @Test
    void completedRunsGoAfterThirtyDaysAndFailedOnesAfterNinety() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        HistoryDatabase db = HistoryDatabase.sqlite(dir.resolve("runs.db"));
        try (History history = History.builder(db).clock(clock).open();
                SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().clock(clock)
                        .recorder(history.recorder()).build()) {
            Task<Integer, Integer> work = Task.of("work", (Integer i) -> {
                RunContext.logger().info("working on {}", i);
                RunContext.addTags("tagged:" + i);
                if (i < 0) {
                    throw new IllegalArgumentException("negative");
                }
                return i;
            });
            Flow<Integer, Integer> child = Flow.of("child", (Integer i) -> work.run(i));
            Flow<Integer, Integer> parent = Flow.of("parent", (Integer i) -> {
                RunContext.logger().info("parent {}", i);
                return work.run(i) + child.run(i);
            });
            FlowRun<Integer> ok = runtime.runForState(parent, 1);
            FlowRun<Integer> failed = runtime.runForState(parent, -1);
            runtime.run(() -> work.run(5)); // a task run outside any flow
            assertThat(failed.state()).isEqualTo(State.FAILED);
            history.flush();
            assertThat(count("flow_run")).isEqualTo(3); // parent, its subflow, the failed parent (its subflow never ran)
            assertThat(count("task_run")).isEqualTo(4);

            clock.advance(Duration.ofDays(29));
            assertThat(history.purge().flowRuns()).isZero();

            clock.advance(Duration.ofDays(2));
            PurgeResult month = history.purge();
            assertThat(month.flowRuns()).isEqualTo(2);
            assertThat(month.taskRuns()).isEqualTo(3);
            assertThat(month.logLines()).isEqualTo(4);
            assertThat(history.flowRun(ok.id())).isEmpty();
            assertThat(history.flowRun(failed.id())).isPresent();
            assertThat(count("flow_run_tag")).isEqualTo(count("flow_run_tag where run_id = '" + failed.id() + "'"));
            assertThat(count("task_run_tag")).isEqualTo(1);

            clock.advance(Duration.ofDays(60));
            PurgeResult quarter = history.purge();
            assertThat(quarter.flowRuns()).isEqualTo(1);
            assertThat(quarter.taskRuns()).isEqualTo(1);
            for (String table : new String[] {"flow_run", "task_run", "log_line", "flow_run_tag", "task_run_tag"}) {
                assertThat(count(table)).as(table).isZero();
            }
        }
    }

    @Test
    void retentionIsConfigurableAndForeverKeepsEverything() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        HistoryDatabase db = HistoryDatabase.sqlite(dir.resolve("runs.db"));
        Flow<Integer, Integer> flow = Flow.of("short-lived", (Integer i) -> i);
        try (History history = History.builder(db).clock(clock)
                .retention(Retention.defaults().withCompleted(Duration.ofHours(1))).open();
                SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().clock(clock)
                        .recorder(history.recorder()).build()) {
            for (int i = 0; i < 5; i++) {
                runtime.runForState(flow, i);
            }
            history.flush();
            clock.advance(Duration.ofMinutes(61));
            assertThat(history.purge().flowRuns()).isEqualTo(5);
        }
        try (History forever = History.builder(db).clock(clock).retention(Retention.forever()).open();
                SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().clock(clock)
                        .recorder(forever.recorder()).build()) {
            runtime.runForState(flow, 1);
            forever.flush();
            clock.advance(Duration.ofDays(10_000));
            assertThat(forever.purge().flowRuns()).isZero();
            assertThat(forever.flowRuns(FlowRunQuery.all()).items()).hasSize(1);
        }
    }

    @Test
    void aPurgeOfManyTransactionsTakesEveryExpiredRunAndOnlyThose() throws Exception {
        purgesManyTransactions(HistoryDatabase.sqlite(dir.resolve("runs.db")));
    }

    /**
     * 1,200 runs of a flow with a subflow and a task, all ended at the same instant (ties in end time), then 5
     * more later: the first purge past the retention period of the first runs takes them in several
     * transactions (each batch read while the one before it is deleted) and leaves the 5 later ones whole.
     */
    static void purgesManyTransactions(HistoryDatabase db) throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        try (History history = History.builder(db).clock(clock).open();
                SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().clock(clock)
                        .recorder(history.recorder()).build()) {
            Task<Integer, Integer> work = Task.of("work", (Integer i) -> i + 1);
            Flow<Integer, Integer> child = Flow.of("child", (Integer i) -> work.run(i));
            Flow<Integer, Integer> parent = Flow.of("parent", (Integer i) -> child.run(i));
            for (int i = 0; i < 1_200; i++) {
                runtime.runForState(parent, i);
            }
            clock.advance(Duration.ofDays(20));
            for (int i = 0; i < 5; i++) {
                runtime.runForState(parent, i);
            }
            history.flush();
            clock.advance(Duration.ofDays(11));

            PurgeResult purged = history.purge();

            assertThat(purged.flowRuns()).isEqualTo(2_400);
            assertThat(purged.taskRuns()).isEqualTo(1_200);
            assertThat(history.flowRuns(FlowRunQuery.all().limit(100)).items()).hasSize(10);
            assertThat(history.purge().flowRuns()).isZero();
            clock.advance(Duration.ofDays(20));
            assertThat(history.purge().flowRuns()).isEqualTo(10);
            assertThat(history.flowRuns(FlowRunQuery.all()).items()).isEmpty();
        }
    }

    private long count(String tableAndWhere) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("runs.db"));
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select count(*) from " + tableAndWhere)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
