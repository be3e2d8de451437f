package dev.sluice.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Flow;
import dev.sluice.SluiceRuntime;
import dev.sluice.State;
import dev.sluice.Task;
import dev.sluice.block.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The history module's public Javadoc, sentence by sentence, against real SQLite files. */
class JavadocPromisesHistoryTest {
    @TempDir
    Path dir;

    @Test
    void historyDatabaseRefusesWhatItsJavadocRefuses() {
        HistoryDatabase db = HistoryDatabase.sqlite(dir.resolve("runs.db"));
        assertThat(db.poolSize()).isEqualTo(HistoryDatabase.DEFAULT_POOL_SIZE);
        assertThat(db.connectTimeout()).isEqualTo(HistoryDatabase.DEFAULT_CONNECT_TIMEOUT);
        assertThat(db.user()).isEmpty();
        assertThat(db.isSqlite()).isTrue();
        assertThat(db.withPoolSize(0).poolSize()).isEqualTo(HistoryDatabase.DEFAULT_POOL_SIZE);
        assertThatThrownBy(() -> db.withPoolSize(1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("poolSize");
        assertThatThrownBy(() -> db.withPoolSize(-3)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("poolSize");
        assertThatThrownBy(() -> db.withConnectTimeout(Duration.ofMillis(249))).isInstanceOf(IllegalArgumentException.class);
        assertThat(db.withConnectTimeout(Duration.ofMillis(250)).connectTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThatThrownBy(() -> HistoryDatabase.of("jdbc:mysql://db/x", "u", Secret.of("fake-pw")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jdbc:sqlite:");
        assertThatThrownBy(() -> HistoryDatabase.of("jdbc:sqlite::memory:", "", Secret.of("")))
                .isInstanceOf(IllegalArgumentException.class);
        // the password never shows, in the URL or as a field
        HistoryDatabase pg = HistoryDatabase.of("jdbc:postgresql://db:5432/sluice?password=fake-url-pw&ssl=true", "sluice",
                Secret.of("fake-field-pw"));
        assertThat(pg.toString()).doesNotContain("fake-url-pw").doesNotContain("fake-field-pw").contains("sluice");
        assertThat(pg.redactedUrl()).isEqualTo("jdbc:postgresql://db:5432/sluice?...");
        HistoryDatabase userInfo = HistoryDatabase.of("jdbc:postgresql://bob:fake-info-pw@db/sluice", "bob", Secret.of(""));
        assertThat(userInfo.redactedUrl()).doesNotContain("fake-info-pw");
        assertThat(userInfo.toString()).doesNotContain("fake-info-pw");
        assertThat(pg.isSqlite()).isFalse();
        assertThat(pg.sqliteFile()).isEmpty();
        // a relative file is made absolute
        assertThat(HistoryDatabase.sqlite(Path.of("rel.db")).sqliteFile().orElseThrow()).isAbsolute();
        // fromEnvironment: home/sluice.db unless the URL variable is set
        assertThat(HistoryDatabase.fromEnvironment(java.util.Map.of(), dir).sqliteFile().orElseThrow())
                .isEqualTo(dir.resolve("sluice.db").toAbsolutePath().normalize());
        HistoryDatabase env = HistoryDatabase.fromEnvironment(java.util.Map.of(HistoryDatabase.URL_VARIABLE,
                "jdbc:postgresql://db/x", HistoryDatabase.USER_VARIABLE, "u", HistoryDatabase.PASSWORD_VARIABLE, "fake-env-pw"), dir);
        assertThat(env.user()).isEqualTo("u");
        assertThat(env.password().reveal()).isEqualTo("fake-env-pw");
    }

    @Test
    void javadocExamplesCompile() {
        String password = "fake-password";
        HistoryDatabase local = HistoryDatabase.sqlite(Path.of("/srv/etl/sluice.db"));
        HistoryDatabase shared = HistoryDatabase.of("jdbc:postgresql://db:5432/sluice", "sluice", Secret.of(password));
        assertThat(local.isSqlite()).isTrue();
        assertThat(shared.isSqlite()).isFalse();
        FlowRunQuery q = FlowRunQuery.all()
                .nameLike("vtasks.%")
                .withAllTags("env:prod")
                .inStates(State.FAILED, State.CRASHED)
                .startedAfter(Instant.now().minus(Duration.ofDays(1)))
                .sortedBy(RunSort.START_TIME_DESC)
                .limit(50);
        assertThat(q.limit()).isEqualTo(50);
        LogQuery lq = LogQuery.of("run").afterLine(7).limit(200);
        assertThat(lq.afterLine()).isEqualTo(7);
        Flow<String, String> etl = Flow.of("etl", (String city) -> city);
        try (History history = History.builder(HistoryDatabase.sqlite(dir.resolve("runs.db")))
                .retention(Retention.defaults().withCompleted(Duration.ofDays(7)))
                .open();
                SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().recorder(history.recorder()).build()) {
            runtime.run(etl, "Boston");
            history.flush();
            String flowRunId = history.flowRuns(FlowRunQuery.all()).items().get(0).id();
            Page<TaskRunSummary> tasks = history.taskRuns(TaskRunQuery.all().inFlowRun(flowRunId).sortedBy(RunSort.START_TIME_ASC));
            assertThat(tasks.items()).isEmpty();
            if (!history.hasCompleted("daily-etl", Duration.ofDays(1))) {
                runtime.run(etl, "today");
            }
            assertThat(history.hasCompleted("etl", Duration.ofDays(1))).isTrue();
        }
    }

    @Test
    void queryBuildersRefuseBadArguments() {
        assertThatThrownBy(() -> FlowRunQuery.all().limit(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FlowRunQuery.all().limit(FlowRunQuery.MAX_LIMIT + 1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(FlowRunQuery.all().limit(FlowRunQuery.MAX_LIMIT).limit()).isEqualTo(1000);
        assertThat(FlowRunQuery.all().limit()).isEqualTo(FlowRunQuery.DEFAULT_LIMIT);
        assertThat(FlowRunQuery.all().sort()).isEqualTo(RunSort.START_TIME_DESC);
        assertThat(TaskRunQuery.all().limit()).isEqualTo(FlowRunQuery.DEFAULT_LIMIT);
        assertThatThrownBy(() -> TaskRunQuery.all().limit(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FlowRunQuery.all().nameLike("abc\\")).isInstanceOf(IllegalArgumentException.class);
        assertThat(FlowRunQuery.all().nameLike("abc\\\\").nameLike()).contains("abc\\\\");
        assertThatThrownBy(() -> FlowRunQuery.all().topLevel().withParent("x")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> FlowRunQuery.all().withParent("x").topLevel()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> FlowRunQuery.all().flowName()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FlowRunQuery.all().withAllTags("ok", " ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FlowRunQuery.all().inStates()).isInstanceOf(IllegalArgumentException.class);
        // immutable: each method returns a changed copy
        FlowRunQuery all = FlowRunQuery.all();
        all.flowName("a").limit(3);
        assertThat(all.flowNames()).isEmpty();
        assertThat(all.limit()).isEqualTo(FlowRunQuery.DEFAULT_LIMIT);
        // changing a condition after the cursor drops it; the page size does not
        assertThat(all.after("c").limit(5).cursor()).contains("c");
        assertThat(all.after("c").flowName("x").cursor()).isEmpty();
        assertThat(all.after("c").sortedBy(RunSort.DURATION_ASC).cursor()).isEmpty();
        assertThatThrownBy(() -> LogQuery.of("r").afterLine(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LogQuery.of("r").limit(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LogQuery.of("r").limit(LogQuery.MAX_LIMIT + 1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(LogQuery.of("r").limit()).isEqualTo(200);
        assertThat(LogQuery.of("r").afterLine()).isZero();
    }

    @Test
    void everyTaskRunConditionMustHold() {
        // "every condition given must hold": a task run cannot be both in a flow run and outside any flow
        TaskRunQuery query = TaskRunQuery.all();
        assertThatThrownBy(() -> query.inFlowRun("x").outsideFlows()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> query.outsideFlows().inFlowRun("x")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void retentionAndPage() {
        assertThat(Retention.defaults()).isEqualTo(new Retention(Duration.ofDays(30), Duration.ofDays(90)));
        assertThat(Retention.defaults().periodFor(State.CACHED)).contains(Duration.ofDays(30));
        assertThat(Retention.defaults().periodFor(State.CANCELLED)).contains(Duration.ofDays(90));
        assertThat(Retention.defaults().periodFor(State.TIMED_OUT)).contains(Duration.ofDays(90));
        assertThat(Retention.defaults().periodFor(State.RUNNING)).isEmpty();
        assertThat(Retention.forever().isForever()).isTrue();
        assertThat(Retention.forever().periodFor(State.FAILED)).isEmpty();
        assertThatThrownBy(() -> Retention.defaults().withCompleted(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Retention(null, Duration.ofDays(-1))).isInstanceOf(IllegalArgumentException.class);
        List<String> items = new ArrayList<>(List.of("a"));
        Page<String> page = new Page<>(items, null);
        items.add("b");
        assertThat(page.items()).containsExactly("a");
        assertThatThrownBy(() -> page.items().add("c")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(page.hasNext()).isFalse();
        assertThat(page.next()).isEmpty();
        assertThat(new Page<>(List.of(), "c").next()).contains("c");
    }

    @Test
    void historyRefusesBadArgumentsAndAnswersInOrder() {
        MutableClock clock = new MutableClock(Instant.parse("2026-05-01T10:00:00Z"));
        try (History history = History.builder(HistoryDatabase.sqlite(dir.resolve("runs.db"))).clock(clock).open();
                SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().clock(clock)
                        .recorder(history.recorder()).build()) {
            assertThatThrownBy(() -> history.lastCompleted("f", Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> history.hasCompleted("f", Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
            Instant t = clock.instant();
            assertThatThrownBy(() -> history.stateCounts(FlowRunQuery.all(), t, t, Duration.ofHours(1)))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> history.close(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
            Task<Integer, Integer> twice = Task.of("twice", (Integer i) -> {
                clock.advance(Duration.ofSeconds(1));
                return i * 2;
            });
            Flow<Integer, Integer> flow = Flow.of("ordered", (Integer n) -> {
                int sum = 0;
                for (int i = 0; i < n; i++) {
                    sum += twice.run(i);
                }
                return sum;
            });
            runtime.run(flow, 3);
            Instant second = clock.instant();
            clock.advance(Duration.ofMinutes(1));
            runtime.run(flow, 1);
            assertThat(history.flush()).isTrue();
            List<FlowRunSummary> runs = history.flowRuns(FlowRunQuery.all()).items();
            assertThat(runs).hasSize(2);
            assertThat(runs.get(0).startTime()).isAfter(runs.get(1).startTime()); // latest first
            FlowRunSummary first = runs.get(1);
            // startedAfter is inclusive, startedBefore exclusive
            assertThat(history.flowRuns(FlowRunQuery.all().startedAfter(first.startTime())).items()).hasSize(2);
            assertThat(history.flowRuns(FlowRunQuery.all().startedBefore(first.startTime())).items()).isEmpty();
            FlowRunDetail detail = history.flowRun(first.id()).orElseThrow();
            assertThat(detail.taskRuns().items()).extracting(TaskRunSummary::startTime).isSorted();
            assertThat(detail.taskRuns().items()).hasSize(3);
            assertThat(detail.stateHistory()).extracting(c -> c.state()).startsWith(State.PENDING).endsWith(State.COMPLETED);
            // a run that ended exactly `within` ago counts
            Duration ago = Duration.between(runs.get(0).endTime(), clock.instant());
            if (!ago.isZero()) {
                assertThat(history.lastCompleted("ordered", ago)).isPresent();
            }
            clock.advance(Duration.ofSeconds(5));
            assertThat(history.lastCompleted("ordered", Duration.ofSeconds(5).plus(ago))).map(FlowRunSummary::id)
                    .contains(runs.get(0).id());
            assertThat(history.lastCompleted("ordered", Duration.ofSeconds(4))).isEmpty();
            assertThat(history.flowRun("no-such-run")).isEmpty();
            assertThat(history.taskRun("no-such-run")).isEmpty();
            // paging: 1 a page
            Page<FlowRunSummary> p1 = history.flowRuns(FlowRunQuery.all().limit(1));
            assertThat(p1.hasNext()).isTrue();
            Page<FlowRunSummary> p2 = history.flowRuns(FlowRunQuery.all().limit(1).after(p1.nextCursor()));
            assertThat(p2.items()).extracting(FlowRunSummary::id).containsExactly(first.id());
            Page<FlowRunSummary> p3 = p2.hasNext() ? history.flowRuns(FlowRunQuery.all().limit(1).after(p2.nextCursor())) : null;
            if (p3 != null) {
                assertThat(p3.items()).isEmpty();
                assertThat(p3.hasNext()).isFalse();
            }
            // a cursor of another query is refused
            assertThatThrownBy(() -> history.flowRuns(FlowRunQuery.all().flowName("other").limit(1).after(p1.nextCursor())))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> history.flowRuns(FlowRunQuery.all().after("garbage")))
                    .isInstanceOf(IllegalArgumentException.class);
            // logs: oldest first, cursor is the last line number
            Page<LogEntry> logs = history.logs(LogQuery.of(first.id()));
            assertThat(logs.items()).extracting(LogEntry::line).isSorted();
            history.close();
            history.close(); // idempotent
            history.close(Duration.ofSeconds(1));
        }
    }

    @Test
    void openingADatabaseThatCannotBeUsedIsAHistoryExceptionNamingIt() throws Exception {
        java.nio.file.Path folder = java.nio.file.Files.createDirectories(dir.resolve("a-folder.db"));
        assertThatThrownBy(() -> History.open(HistoryDatabase.sqlite(folder)))
                .isInstanceOf(HistoryException.class).hasMessageContaining("a-folder.db");
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        HistoryDatabase down = HistoryDatabase.of("jdbc:postgresql://127.0.0.1:" + port + "/sluice?password=fake-url-pw",
                "sluice", Secret.of("fake-field-pw")).withConnectTimeout(Duration.ofMillis(500));
        long start = System.nanoTime();
        Throwable e = org.assertj.core.api.Assertions.catchThrowable(() -> History.open(down));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(e).isInstanceOf(HistoryException.class).hasMessageContaining("127.0.0.1:" + port);
        java.io.StringWriter trace = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(trace));
        assertThat(trace.toString()).doesNotContain("fake-url-pw").doesNotContain("fake-field-pw");
    }

    @Test
    void aClosedHistoryRefusesQueries() {
        History history = History.open(HistoryDatabase.sqlite(dir.resolve("closed.db")));
        history.close();
        assertThatThrownBy(() -> history.flowRuns(FlowRunQuery.all())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void stateCountsLayBucketsFromFromAndIgnoreOrderPageAndCursor() {
        MutableClock clock = new MutableClock(Instant.parse("2026-05-01T10:00:00Z"));
        Instant from = clock.instant().minusSeconds(30 * 60); // buckets at 09:30, 10:30, ...: not hours of the clock
        try (History history = History.builder(HistoryDatabase.sqlite(dir.resolve("counts.db"))).clock(clock).open();
                SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().clock(clock)
                        .recorder(history.recorder()).build()) {
            Flow<Integer, Integer> flow = Flow.of("counted", (Integer i) -> {
                if (i % 2 == 1) {
                    throw new IllegalStateException("odd " + i);
                }
                return i;
            });
            for (int i = 0; i < 4; i++) {
                int n = i;
                try {
                    runtime.run(flow, n);
                } catch (RuntimeException expected) {
                    // odd runs fail
                }
                clock.advance(Duration.ofMinutes(20)); // 10:00, 10:20, 10:40, 11:00
            }
            assertThat(history.flush()).isTrue();
            List<StateCount> counts = history.stateCounts(FlowRunQuery.all().limit(1).sortedBy(RunSort.DURATION_ASC).after("x"),
                    from, from.plus(Duration.ofHours(3)), Duration.ofHours(1));
            // 09:30-10:30 holds 10:00 (COMPLETED) and 10:20 (FAILED); 10:30-11:30 holds 10:40 (COMPLETED) and 11:00 (FAILED)
            assertThat(counts).containsExactlyInAnyOrder(
                    new StateCount(from, State.COMPLETED, 1), new StateCount(from, State.FAILED, 1),
                    new StateCount(from.plus(Duration.ofHours(1)), State.COMPLETED, 1),
                    new StateCount(from.plus(Duration.ofHours(1)), State.FAILED, 1));
            assertThat(history.stateCounts(FlowRunQuery.all().inStates(State.FAILED), from, from.plus(Duration.ofHours(3)),
                    Duration.ofHours(1))).extracting(StateCount::state).containsOnly(State.FAILED);
            assertThatThrownBy(() -> history.stateCounts(FlowRunQuery.all(), from, from.plusSeconds(1), Duration.ofNanos(999)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
