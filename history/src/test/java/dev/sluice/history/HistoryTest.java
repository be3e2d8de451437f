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
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs recorded into a SQLite file, read back through the query API. */
class HistoryTest {
    @TempDir
    Path dir;
    History history;
    SluiceRuntime runtime;

    record Order(String region, int day) {
    }

    @BeforeEach
    void open() {
        history = History.open(HistoryDatabase.sqlite(dir.resolve("runs.db")));
        runtime = SluiceRuntime.builder().home(dir).withoutExtensions().recorder(history.recorder()).build();
    }

    @AfterEach
    void close() {
        runtime.close();
        history.close();
    }

    @Test
    void aFlowRunItsTasksSubflowsLogsAndTagsAreKept() {
        Task<Integer, Integer> square = Task.of("square", (Integer x) -> {
            RunContext.logger().info("squaring {}", x);
            return x * x;
        });
        Flow<Integer, Integer> child = Flow.of("child", (Integer x) -> square.run(x) + 1);
        Flow<Order, Integer> parent = Flow.named("parent")
                .withRunName("parent-{region}")
                .of((Order o) -> {
                    RunContext.logger().info("starting {}", o.region());
                    RunContext.addTags("added:later");
                    int sum = 0;
                    for (int i = 1; i <= 3; i++) {
                        sum += square.run(i);
                    }
                    return sum + child.run(4);
                });

        FlowRun<Integer> run = Tags.with("env:test", () -> runtime.runForState(parent, new Order("north", 20)));
        assertThat(run.state()).isEqualTo(State.COMPLETED);
        assertThat(history.flush()).isTrue();

        FlowRunDetail detail = history.flowRun(run.id()).orElseThrow();
        assertThat(detail.run().name()).isEqualTo("parent-north");
        assertThat(detail.run().flowName()).isEqualTo("parent");
        assertThat(detail.run().state()).isEqualTo(State.COMPLETED);
        assertThat(detail.run().tags()).containsExactlyInAnyOrder("env:test", "added:later");
        assertThat(detail.run().startTime()).isNotNull();
        assertThat(detail.run().endTime()).isNotNull();
        assertThat(detail.stateHistory()).extracting(s -> s.state())
                .containsExactly(State.PENDING, State.RUNNING, State.COMPLETED);
        assertThat(detail.stateHistory()).extracting(s -> s.at()).isEqualTo(run.history().stream()
                .map(s -> s.at().truncatedTo(java.time.temporal.ChronoUnit.MICROS)).toList()); // kept to the microsecond
        assertThat(detail.parameters()).containsEntry("region", "north").containsEntry("day", 20);
        assertThat(detail.error()).isNull();
        assertThat(detail.taskRuns().items()).extracting(TaskRunSummary::taskName).containsExactly("square", "square", "square");
        assertThat(detail.taskRuns().items()).allSatisfy(t -> {
            assertThat(t.flowRunId()).isEqualTo(run.id());
            assertThat(t.state()).isEqualTo(State.COMPLETED);
            assertThat(t.tags()).contains("env:test");
        });
        assertThat(detail.subflowRuns().items()).singleElement().satisfies(s -> {
            assertThat(s.flowName()).isEqualTo("child");
            assertThat(s.parentFlowRunId()).isEqualTo(run.id());
        });
        assertThat(detail.logs().items()).extracting(LogEntry::message)
                .containsExactly("starting north", "squaring 1", "squaring 2", "squaring 3");

        String subflowId = detail.subflowRuns().items().get(0).id();
        FlowRunDetail sub = history.flowRun(subflowId).orElseThrow();
        assertThat(sub.taskRuns().items()).singleElement().satisfies(t -> assertThat(t.taskName()).isEqualTo("square"));
        assertThat(sub.logs().items()).extracting(LogEntry::message).containsExactly("squaring 4");
        TaskRunDetail task = history.taskRun(sub.taskRuns().items().get(0).id()).orElseThrow();
        assertThat(task.parameters()).containsEntry("arg0", 4);
        assertThat(task.logs().items()).extracting(LogEntry::message).containsExactly("squaring 4");

        // queries
        assertThat(history.flowRuns(FlowRunQuery.all().topLevel()).items()).extracting(FlowRunSummary::id).containsExactly(run.id());
        assertThat(history.flowRuns(FlowRunQuery.all().withParent(run.id())).items()).extracting(FlowRunSummary::id)
                .containsExactly(subflowId);
        // the subflow inherits the tags its parent had when it started, "added:later" included
        assertThat(history.flowRuns(FlowRunQuery.all().withAllTags("env:test", "added:later")).items()).hasSize(2);
        assertThat(history.flowRuns(FlowRunQuery.all().withAnyTags("added:later", "nope").topLevel()).items()).hasSize(1);
        assertThat(history.flowRuns(FlowRunQuery.all().withAllTags("env:test", "nope")).items()).isEmpty();
        assertThat(history.flowRuns(FlowRunQuery.all().nameLike("parent-%")).items()).hasSize(1);
        assertThat(history.flowRuns(FlowRunQuery.all().nameLike("%nor%")).items()).hasSize(1);
        assertThat(history.flowRuns(FlowRunQuery.all().name("parent-north")).items()).hasSize(1);
        assertThat(history.flowRuns(FlowRunQuery.all().flowName("child")).items()).hasSize(1);
        assertThat(history.taskRuns(TaskRunQuery.all().taskName("square")).items()).hasSize(4);
        assertThat(history.taskRuns(TaskRunQuery.all().withAllTags("env:test").inFlowRun(subflowId)).items()).hasSize(1);
        assertThat(history.hasCompleted("parent", Duration.ofDays(1))).isTrue();
        assertThat(history.hasCompleted("other", Duration.ofDays(1))).isFalse();
        assertThat(history.stats().lost()).isZero();
    }

    @Test
    void recordsOfRunsAfterCloseAreCountedLostNotLeftInTheQueue() {
        history.close();
        runtime.run(Flow.of("after-close", (Integer x) -> x + 1), 1);
        HistoryStats stats = history.stats();
        assertThat(stats.lost()).isPositive().isEqualTo(stats.recorded() - stats.written());
        assertThat(stats.queued()).isZero();
    }

    @Test
    void failuresKeepTheErrorAndTheRetries() {
        Task<String, Integer> flaky = Task.named("flaky").withRetries(1, Duration.ofMillis(1)).of((String s) -> {
            throw new IllegalStateException("broken " + s);
        });
        Flow<String, Integer> flow = Flow.of("failing", (String s) -> flaky.run(s)).withParameterNames("what");

        FlowRun<Integer> run = runtime.runForState(flow, "input");
        assertThat(run.state()).isEqualTo(State.FAILED);
        history.flush();

        FlowRunDetail detail = history.flowRun(run.id()).orElseThrow();
        assertThat(detail.error()).isNotNull();
        assertThat(detail.error().summary()).contains("broken input");
        TaskRunSummary task = detail.taskRuns().items().get(0);
        assertThat(task.state()).isEqualTo(State.FAILED);
        assertThat(task.attempts()).isEqualTo(2);
        TaskRunDetail taskDetail = history.taskRun(task.id()).orElseThrow();
        assertThat(taskDetail.stateHistory()).extracting(s -> s.state())
                .containsExactly(State.PENDING, State.RUNNING, State.RETRYING, State.RUNNING, State.FAILED);
        assertThat(taskDetail.error().type()).isEqualTo(IllegalStateException.class.getName());
        assertThat(history.flowRuns(FlowRunQuery.all().inStates(State.FAILED, State.CRASHED)).items()).hasSize(1);
        assertThat(history.flowRuns(FlowRunQuery.all().inStates(State.COMPLETED)).items()).isEmpty();
        assertThat(history.hasCompleted("failing", Duration.ofDays(1))).isFalse();
    }

    @Test
    void pagesFollowEachOtherWithoutGapsOrRepeatsInEveryOrder() {
        Task<Integer, Integer> sleepy = Task.of("sleepy", (Integer ms) -> {
            Thread.sleep(ms);
            return ms;
        });
        Flow<Integer, Integer> flow = Flow.of("paged", (Integer ms) -> sleepy.run(ms));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            ids.add(runtime.runForState(flow, i % 4).id());
        }
        history.flush();

        for (RunSort sort : RunSort.values()) {
            Set<String> seen = new HashSet<>();
            List<FlowRunSummary> all = new ArrayList<>();
            FlowRunQuery q = FlowRunQuery.all().flowName("paged").sortedBy(sort).limit(5);
            Page<FlowRunSummary> page = history.flowRuns(q);
            int pages = 1;
            all.addAll(page.items());
            while (page.hasNext()) {
                page = history.flowRuns(q.after(page.nextCursor()));
                all.addAll(page.items());
                pages++;
            }
            all.forEach(r -> assertThat(seen.add(r.id())).as("%s repeats %s", sort, r.id()).isTrue());
            assertThat(seen).as(sort.name()).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(pages).isEqualTo(5);
            List<Long> keys = all.stream().map(r -> sort.name().startsWith("START")
                    ? r.startTime().toEpochMilli() * 1000 + r.startTime().getNano() / 1000 % 1000
                    : r.duration().toNanos()).toList();
            List<Long> sorted = new ArrayList<>(keys);
            sorted.sort(sort.name().endsWith("DESC") ? java.util.Comparator.reverseOrder() : java.util.Comparator.naturalOrder());
            assertThat(keys).as(sort.name()).isEqualTo(sorted);
        }
        // task runs page the same way
        Page<TaskRunSummary> first = history.taskRuns(TaskRunQuery.all().limit(20));
        Page<TaskRunSummary> second = history.taskRuns(TaskRunQuery.all().limit(20).after(first.nextCursor()));
        assertThat(first.items()).hasSize(20);
        assertThat(second.items()).hasSize(3);
        assertThat(second.hasNext()).isFalse();

        assertThatThrownBy(() -> history.flowRuns(FlowRunQuery.all().sortedBy(RunSort.DURATION_ASC)
                .after(history.flowRuns(FlowRunQuery.all().limit(1)).nextCursor())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sorted by START_TIME_DESC");
        assertThatThrownBy(() -> history.flowRuns(FlowRunQuery.all().after("garbage!")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a cursor");
        // the widest bounds there are mean "no bound", not an ArithmeticException
        assertThat(history.flowRuns(FlowRunQuery.all().flowName("paged").startedAfter(Instant.MIN).startedBefore(Instant.MAX)
                .limit(5)).items()).hasSize(5);
        assertThat(history.hasCompleted("paged", Duration.ofDays(36_500_000))).isTrue();
        assertThat(history.stateCounts(FlowRunQuery.all().flowName("paged"), Instant.EPOCH, Instant.MAX,
                java.time.temporal.ChronoUnit.FOREVER.getDuration())).isNotEmpty();
        // a page of one query is not the next page of another (it would page through other runs without a word) ...
        String ofPaged = history.flowRuns(FlowRunQuery.all().flowName("paged").limit(5)).nextCursor();
        assertThatThrownBy(() -> history.flowRuns(FlowRunQuery.all().after(ofPaged)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a page of another query");
        assertThatThrownBy(() -> history.flowRuns(FlowRunQuery.all().flowName("paged").inStates(State.FAILED).after(ofPaged)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a page of another query");
        // ... but the page size and the time bounds (a "last hour" list moves them) may change from page to page
        assertThat(history.flowRuns(FlowRunQuery.all().flowName("paged").limit(7)
                .startedAfter(Instant.now().minus(Duration.ofDays(1))).after(ofPaged)).items()).hasSize(7);
    }

    @Test
    void countsByStatePerBucketAndStartTimeWindows() {
        Flow<Boolean, Integer> flow = Flow.of("counted", (Boolean fail) -> {
            if (fail) {
                throw new IllegalArgumentException("no");
            }
            return 1;
        });
        Instant before = Instant.now().minusSeconds(1).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        for (int i = 0; i < 7; i++) {
            runtime.runForState(flow, i % 3 == 0);
        }
        history.flush();
        Instant after = Instant.now().plusSeconds(1);

        List<StateCount> counts = history.stateCounts(FlowRunQuery.all(), before, after, Duration.ofHours(1));
        assertThat(counts).extracting(StateCount::state, StateCount::count)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(State.COMPLETED, 4L),
                        org.assertj.core.groups.Tuple.tuple(State.FAILED, 3L));
        assertThat(counts).extracting(StateCount::bucketStart).containsOnly(before);
        assertThat(history.flowRuns(FlowRunQuery.all().startedAfter(after)).items()).isEmpty();
        assertThat(history.flowRuns(FlowRunQuery.all().startedAfter(before).startedBefore(after)).items()).hasSize(7);
    }

    @Test
    void logsArePagedAndFollowedAfterALine() {
        Flow<Integer, Integer> flow = Flow.of("chatty", (Integer n) -> {
            for (int i = 0; i < n; i++) {
                RunContext.logger().info("line {}", i);
            }
            return n;
        });
        FlowRun<Integer> run = runtime.runForState(flow, 25);
        history.flush();

        List<String> messages = new ArrayList<>();
        Page<LogEntry> page = history.logs(LogQuery.of(run.id()).limit(10));
        messages.addAll(page.items().stream().map(LogEntry::message).toList());
        while (page.hasNext()) {
            page = history.logs(LogQuery.of(run.id()).afterLine(Long.parseLong(page.nextCursor())).limit(10));
            messages.addAll(page.items().stream().map(LogEntry::message).toList());
        }
        assertThat(messages).hasSize(25).first().isEqualTo("line 0");
        assertThat(messages).last().isEqualTo("line 24");
        long last = history.logs(LogQuery.of(run.id()).limit(25)).items().get(24).line();
        assertThat(history.logs(LogQuery.of(run.id()).afterLine(last)).items()).isEmpty();
    }

    @Test
    void aTaskRunOutsideAnyFlowIsKeptToo() {
        Task<String, Integer> length = Task.of("length", (String s) -> {
            RunContext.logger().info("measuring");
            return s.length();
        });
        runtime.run(() -> length.run("hello"));
        history.flush();
        Page<TaskRunSummary> outside = history.taskRuns(TaskRunQuery.all().outsideFlows());
        assertThat(outside.items()).singleElement().satisfies(t -> {
            assertThat(t.flowRunId()).isNull();
            assertThat(t.state()).isEqualTo(State.COMPLETED);
        });
        assertThat(history.logs(LogQuery.of(outside.items().get(0).id())).items()).extracting(LogEntry::message)
                .containsExactly("measuring");
    }
}
