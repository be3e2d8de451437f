package dev.sluice.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Flow;
import dev.sluice.SluiceRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the query API promises in its Javadoc, on SQLite here and on PostgreSQL in {@link PostgresIT}: both databases
 * answer the same for the same runs.
 */
class QueryContractTest {
    @TempDir
    Path dir;

    @Test
    void nameLikeIsCaseSensitive() {
        nameLikeIsCaseSensitive(HistoryDatabase.sqlite(dir.resolve("runs.db")));
    }

    /** Runs named in three cases: a LIKE pattern matches only the case it gives, with or without a fixed beginning. */
    static void nameLikeIsCaseSensitive(HistoryDatabase db) {
        try (History history = History.open(db);
                SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().recorder(history.recorder()).build()) {
            Flow<String, String> flow = Flow.named("cities").withRunName("{arg0}").of((String s) -> s);
            for (String name : List.of("north-1", "North-2", "NORTH-3", "south_1", "south-2", "a*b", "a?b", "axb", "[x]")) {
                runtime.run(flow, name);
            }
            assertThat(history.flush()).isTrue();
            assertThat(names(history, FlowRunQuery.all().nameLike("%orth%"))).containsExactlyInAnyOrder("north-1", "North-2");
            assertThat(names(history, FlowRunQuery.all().nameLike("%NORTH%"))).containsExactly("NORTH-3");
            assertThat(names(history, FlowRunQuery.all().nameLike("north%"))).containsExactly("north-1");
            assertThat(names(history, FlowRunQuery.all().nameLike("N%"))).containsExactlyInAnyOrder("North-2", "NORTH-3");
            assertThat(names(history, FlowRunQuery.all().nameLike("_orth-_"))).containsExactlyInAnyOrder("north-1", "North-2");
            assertThat(names(history, FlowRunQuery.all().nameLike("%h\\_%"))).containsExactly("south_1");
            assertThat(names(history, FlowRunQuery.all().nameLike("%H%"))).containsExactly("NORTH-3");
            // characters that mean something to other pattern languages stand for themselves
            assertThat(names(history, FlowRunQuery.all().nameLike("a*b"))).containsExactly("a*b");
            assertThat(names(history, FlowRunQuery.all().nameLike("%?%"))).containsExactly("a?b");
            assertThat(names(history, FlowRunQuery.all().nameLike("a_b"))).containsExactlyInAnyOrder("a*b", "a?b", "axb");
            assertThat(names(history, FlowRunQuery.all().nameLike("[x%"))).containsExactly("[x]");
            assertThat(names(history, FlowRunQuery.all().nameLike("%x]"))).containsExactly("[x]");
            // task run names the same way
            assertThat(history.taskRuns(TaskRunQuery.all().nameLike("%ORTH%")).items()).isEmpty();
        }
    }

    @Test
    void keysetPagesNeitherSkipNorRepeatARun() {
        keysetPagesNeitherSkipNorRepeatARun(HistoryDatabase.sqlite(dir.resolve("runs.db")));
    }

    /**
     * 25 runs, most of them started at the same instant (ties broken by id), read 4 a page in every order while new
     * runs arrive between pages: every run there before the first page is read exactly once.
     */
    static void keysetPagesNeitherSkipNorRepeatARun(HistoryDatabase db) {
        MutableClock clock = new MutableClock(Instant.parse("2026-03-29T00:30:00Z"));
        try (History history = History.builder(db).clock(clock).open();
                SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().clock(clock)
                        .recorder(history.recorder()).build()) {
            Flow<Integer, Integer> flow = Flow.named("paged").withRunName("paged-{arg0}").of((Integer i) -> {
                if (i % 3 == 0) {
                    clock.advance(Duration.ofMillis(i)); // some durations differ, most are zero
                }
                return i;
            });
            for (int i = 0; i < 25; i++) {
                runtime.run(flow, i);
                if (i % 10 == 9) {
                    clock.advance(Duration.ofMinutes(1));
                }
            }
            assertThat(history.flush()).isTrue();
            List<String> before = history.flowRuns(FlowRunQuery.all().limit(100)).items().stream()
                    .map(FlowRunSummary::id).toList();
            assertThat(before).hasSize(25);
            int extra = 100;
            for (RunSort sort : RunSort.values()) {
                FlowRunQuery query = FlowRunQuery.all().flowName("paged").sortedBy(sort).limit(4);
                List<String> seen = new java.util.ArrayList<>();
                List<FlowRunSummary> ordered = new java.util.ArrayList<>();
                Page<FlowRunSummary> page = history.flowRuns(query);
                while (true) {
                    page.items().forEach(r -> seen.add(r.id()));
                    ordered.addAll(page.items());
                    if (!page.hasNext()) {
                        break;
                    }
                    runtime.run(flow, extra++); // a run arrives between two pages
                    assertThat(history.flush()).isTrue();
                    page = history.flowRuns(query.after(page.nextCursor()));
                }
                assertThat(seen).as(sort.name()).doesNotHaveDuplicates().containsAll(before);
                java.util.Comparator<FlowRunSummary> byKey = switch (sort) {
                    case START_TIME_ASC, START_TIME_DESC -> java.util.Comparator.comparing(FlowRunSummary::startTime);
                    case DURATION_ASC, DURATION_DESC -> java.util.Comparator.comparing(FlowRunSummary::duration);
                };
                if (sort == RunSort.START_TIME_DESC || sort == RunSort.DURATION_DESC) {
                    byKey = byKey.reversed();
                }
                assertThat(ordered).as(sort.name()).isSortedAccordingTo(byKey);
            }
        }
    }

    @Test
    void aCursorOfAnotherListOrNoCursorAtAllIsRefusedClearly() {
        try (History history = History.open(HistoryDatabase.sqlite(dir.resolve("runs.db")));
                SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().recorder(history.recorder()).build()) {
            Flow<Integer, Integer> flow = Flow.of("few", (Integer i) -> i);
            for (int i = 0; i < 3; i++) {
                runtime.run(flow, i);
            }
            assertThat(history.flush()).isTrue();
            String cursor = history.flowRuns(FlowRunQuery.all().limit(1)).nextCursor();
            assertThat(cursor).isNotNull();
            assertThatThrownBy(() -> history.flowRuns(FlowRunQuery.all().sortedBy(RunSort.START_TIME_ASC).after(cursor)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sorted by");
            assertThatThrownBy(() -> history.flowRuns(FlowRunQuery.all().flowName("few").after(cursor)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("another query");
            assertThatThrownBy(() -> history.taskRuns(TaskRunQuery.all().after(cursor)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("flow runs");
            for (String bad : new String[] {"", "not a cursor!", "Mnx8fHw", "MnxmfFNUQVJUX1RJTUVfREVTQ3x4fDE", "%%%"}) {
                assertThatThrownBy(() -> history.flowRuns(FlowRunQuery.all().after(bad)))
                        .as("cursor '%s'", bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cursor");
            }
            assertThatThrownBy(() -> FlowRunQuery.all().limit(0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("limit");
            assertThatThrownBy(() -> FlowRunQuery.all().limit(FlowRunQuery.MAX_LIMIT + 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit");
        }
    }

    @Test
    void hasCompletedRefusesAWindowThatIsNotPositive() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        try (History history = History.builder(HistoryDatabase.sqlite(dir.resolve("runs.db"))).clock(clock).open();
                SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().clock(clock)
                        .recorder(history.recorder()).build()) {
            runtime.run(Flow.of("daily", (Integer i) -> i), 1);
            assertThat(history.flush()).isTrue();
            clock.advance(Duration.ofHours(1));
            assertThat(history.hasCompleted("daily", Duration.ofHours(1))).isTrue(); // ended exactly an hour ago
            assertThat(history.hasCompleted("daily", Duration.ofMinutes(59))).isFalse();
            assertThat(history.hasCompleted("weekly", Duration.ofDays(7))).isFalse();
            assertThat(history.hasCompleted("daily", ChronoUnit.FOREVER.getDuration())).isTrue();
            assertThatThrownBy(() -> history.hasCompleted("daily", Duration.ofDays(-1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("within");
            assertThatThrownBy(() -> history.lastCompleted("daily", Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("within");
        }
    }

    @Test
    void retentionKeepsRunsStillGoingWithEverythingUnderThemAndTakesAnEndlessPeriod() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        try (History history = History.builder(HistoryDatabase.sqlite(dir.resolve("runs.db"))).clock(clock)
                .retention(Retention.defaults().withCompleted(Duration.ofDays(1)).withFailed(Duration.ofDays(2))).open();
                SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().clock(clock)
                        .recorder(history.recorder()).build()) {
            java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            dev.sluice.Task<Integer, Integer> step = dev.sluice.Task.of("step", (Integer i) -> {
                dev.sluice.RunContext.logger().info("step {}", i);
                return i;
            });
            Flow<Integer, Integer> child = Flow.of("child", (Integer i) -> step.run(i));
            Flow<Integer, Integer> longRunning = Flow.of("long-running", (Integer i) -> {
                dev.sluice.RunContext.logger().info("begins");
                step.run(i);
                child.run(i);
                started.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return i;
            });
            java.util.concurrent.atomic.AtomicReference<dev.sluice.FlowRun<Integer>> longRun = new java.util.concurrent.atomic.AtomicReference<>();
            Thread t = new Thread(() -> longRun.set(runtime.runForState(longRunning, 7)), "long-running-flow");
            t.start();
            assertThat(started.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            runtime.run(Flow.of("short", (Integer i) -> i), 1);
            assertThat(history.flush()).isTrue();
            FlowRunSummary going = history.flowRuns(FlowRunQuery.all().flowName("long-running")).items().get(0);
            long logsBefore = history.logs(LogQuery.of(going.id())).items().size();
            assertThat(logsBefore).isGreaterThanOrEqualTo(2);

            clock.advance(Duration.ofDays(100));
            PurgeResult purged = history.purge();
            assertThat(purged.flowRuns()).isEqualTo(1); // the short one; the running one keeps its subflow and task runs
            FlowRunDetail kept = history.flowRun(going.id()).orElseThrow();
            assertThat(kept.run().state()).isEqualTo(dev.sluice.State.RUNNING);
            assertThat(kept.taskRuns().items()).hasSize(1);
            assertThat(kept.subflowRuns().items()).hasSize(1);
            assertThat(history.logs(LogQuery.of(going.id())).items()).hasSize((int) logsBefore);

            release.countDown();
            t.join(10_000);
            assertThat(longRun.get().state()).isEqualTo(dev.sluice.State.COMPLETED);
            assertThat(history.flush()).isTrue();
            clock.advance(Duration.ofHours(23));
            assertThat(history.purge().flowRuns()).isZero();
            clock.advance(Duration.ofHours(2));
            assertThat(history.purge().flowRuns()).isEqualTo(2);
        }
        // a period longer than the time since the earliest instant keeps everything, as forever does
        try (History history = History.builder(HistoryDatabase.sqlite(dir.resolve("runs.db"))).clock(clock)
                .retention(Retention.defaults().withCompleted(ChronoUnit.FOREVER.getDuration())
                        .withFailed(ChronoUnit.FOREVER.getDuration())).open();
                SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().clock(clock)
                        .recorder(history.recorder()).build()) {
            runtime.run(Flow.of("kept", (Integer i) -> i), 1);
            assertThat(history.flush()).isTrue();
            clock.advance(Duration.ofDays(100_000));
            assertThat(history.purge().flowRuns()).isZero();
            assertThat(history.flowRuns(FlowRunQuery.all()).items()).hasSize(1);
        }
    }

    @Test
    void stateCountsPerBucket() {
        stateCountsPerBucket(HistoryDatabase.sqlite(dir.resolve("runs.db")));
    }

    /** Runs over three hours counted per hour from a time that is not on the hour, and with no lower bound at all. */
    static void stateCountsPerBucket(HistoryDatabase db) {
        MutableClock clock = new MutableClock(Instant.parse("2026-03-29T00:10:00Z"));
        try (History history = History.builder(db).clock(clock).open();
                SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().clock(clock)
                        .recorder(history.recorder()).build()) {
            Flow<Integer, Integer> flow = Flow.of("counted", (Integer i) -> {
                if (i < 0) {
                    throw new IllegalArgumentException("negative");
                }
                return i;
            });
            runtime.runForState(flow, 1);   // 00:10
            runtime.runForState(flow, -1);
            clock.advance(Duration.ofMinutes(50));
            runtime.runForState(flow, 2);   // 01:00
            clock.advance(Duration.ofMinutes(125));
            runtime.runForState(flow, -2);  // 03:05
            assertThat(history.flush()).isTrue();
            Instant from = Instant.parse("2026-03-29T00:05:00Z");
            List<StateCount> counts = history.stateCounts(FlowRunQuery.all(), from, Instant.parse("2026-03-29T04:00:00Z"),
                    Duration.ofHours(1));
            assertThat(counts).containsExactly(
                    new StateCount(from, dev.sluice.State.COMPLETED, 2),
                    new StateCount(from, dev.sluice.State.FAILED, 1),
                    new StateCount(from.plus(Duration.ofHours(3)), dev.sluice.State.FAILED, 1));
            // no lower bound at all: every failed run is counted, in buckets that hold their start times
            List<StateCount> ever = history.stateCounts(FlowRunQuery.all().inStates(dev.sluice.State.FAILED), Instant.MIN,
                    Instant.MAX, Duration.ofDays(1));
            assertThat(ever.stream().mapToLong(StateCount::count).sum()).isEqualTo(2);
            for (StateCount c : ever) {
                assertThat(c.bucketStart()).isBetween(Instant.parse("2026-03-28T00:10:00Z"), Instant.parse("2026-03-29T00:10:00Z"));
            }
            assertThat(history.stateCounts(FlowRunQuery.all(), Instant.MIN, Instant.MAX, ChronoUnit.FOREVER.getDuration())
                    .stream().mapToLong(StateCount::count).sum()).isEqualTo(4);
        }
    }

    static List<String> names(History history, FlowRunQuery q) {
        return history.flowRuns(q.limit(FlowRunQuery.MAX_LIMIT)).items().stream().map(FlowRunSummary::name).toList();
    }
}
