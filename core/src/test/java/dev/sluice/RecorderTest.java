package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.testkit.TestRuntimes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RecorderTest {

    @Test
    void theInMemoryRecorderKeepsOnlyTheMostRecentFinishedRuns() {
        InMemoryRunRecorder recorder = new InMemoryRunRecorder(5);
        TestRuntimes.use(b -> b.recorder(recorder));
        try {
            Task0<Integer> t = Task.of("t", () -> 1);
            Flow0<Integer> f = Flow.of("bounded", () -> t.run());
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                ids.add(f.runForState().id());
            }
            assertThat(recorder.runs()).hasSize(5).allSatisfy(r -> assertThat(r.definitionName()).isEqualTo("bounded"));
            assertThat(recorder.flowRuns()).hasSize(5);
            assertThat(recorder.runs()).extracting(Run::id).as("the five most recent")
                    .containsExactlyInAnyOrderElementsOf(ids.subList(45, 50));
            assertThat(recorder.find(ids.get(49))).isPresent();
            assertThat(recorder.find(ids.get(0))).as("the oldest was dropped").isEmpty();
        } finally {
            TestRuntimes.reset();
        }
    }

    @Test
    void standaloneTaskRunsAreKeptNewestFirstWithinTheLimitOnOneAndManyThreads() throws Exception {
        InMemoryRunRecorder recorder = new InMemoryRunRecorder(5);
        try (SluiceRuntime runtime = SluiceRuntime.builder().recorder(recorder).withoutExtensions().build()) {
            Task<Integer, Integer> echo = Task.of("echo", (Integer i) -> i);
            for (int i = 0; i < 50; i++) {
                int n = i;
                runtime.call(() -> echo.run(n));
            }
            assertThat(recorder.runs()).extracting(r -> ((TaskRun) r).parameters().get("arg0"))
                    .as("the five most recent, oldest first").containsExactly(45, 46, 47, 48, 49);
            recorder.clear();
            assertThat(recorder.runs()).isEmpty();

            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                Thread thread = new Thread(() -> runtime.run(() -> {
                    for (int i = 0; i < 1_000; i++) {
                        echo.run(i);
                    }
                }));
                threads.add(thread);
                thread.start();
            }
            for (Thread thread : threads) {
                thread.join();
            }
            assertThat(recorder.runs()).hasSize(5).allSatisfy(r -> assertThat(r.state()).isEqualTo(State.COMPLETED));
            runtime.call(() -> echo.run(-1));
            assertThat(recorder.runs()).hasSize(5).last().extracting(r -> ((TaskRun) r).parameters().get("arg0"))
                    .as("the newest run is kept").isEqualTo(-1);
        }
    }

    @Test
    void aLongFlowKeepsABoundedNumberOfTaskRunsButCountsThemAll() {
        Task<Integer, Integer> inc = Task.of("inc", (Integer i) -> i + 1);
        Task0<Object> bad = Task.of("bad", () -> {
            throw new IllegalStateException("kept");
        });
        FlowRun<Integer> run = Flow.of("long", () -> {
            try {
                bad.run();
            } catch (TaskFailedException expected) {
                // the failed run must survive eviction
            }
            int x = 0;
            for (int i = 0; i < 25_000; i++) {
                x = inc.run(x);
            }
            return x;
        }).runForState();
        assertThat(run.result()).isEqualTo(25_000);
        assertThat(run.taskRunCount()).isEqualTo(25_001);
        assertThat(run.taskRuns()).hasSizeLessThanOrEqualTo(10_001);
        assertThat(run.failedTaskRun()).hasValueSatisfying(t -> assertThat(t.definitionName()).isEqualTo("bad"));
    }

    @Test
    void aTaskRunStillRunningWhenTenThousandLaterOnesWereMadeIsKept() {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Task<Integer, Integer> slow = Task.of("slow", (Integer i) -> {
            release.await();
            return i;
        });
        Task<Integer, Integer> inc = Task.of("inc", (Integer i) -> i + 1);
        FlowRun<Integer> run = Flow.of("overtaken", () -> {
            TaskFuture<Integer> waiting = slow.submit(7);
            int x = 0;
            for (int i = 0; i < 10_500; i++) {
                x = inc.run(x);
            }
            release.countDown();
            return x + waiting.join();
        }).runForState();

        assertThat(run.result()).isEqualTo(10_507);
        assertThat(run.taskRuns()).hasSize(10_001).first()
                .satisfies(t -> assertThat(t.definitionName()).isEqualTo("slow"))
                .satisfies(t -> assertThat(t.state()).isEqualTo(State.COMPLETED));
        assertThat(run.taskRuns()).extracting(TaskRun::name).last().isEqualTo("inc-10500");
    }

    record Wide(String text, List<Integer> rows) {
    }

    static final class Chatty {
        int calls;

        @Override
        public String toString() {
            calls++;
            return "x".repeat(100_000);
        }
    }

    @Test
    void argumentSummariesAreRenderedWithinABudgetNeverByAWholeToString() {
        Chatty chatty = new Chatty();
        dev.sluice.block.Secret secret = dev.sluice.block.Secret.of("across-the-cut-secret");
        String nearTheCut = "a".repeat(190) + secret.reveal();
        Task2<Object, Object, Integer> task = Task.of("t", (Object a, Object b) -> 1);
        FlowRun<Integer> run = Flow.of("summaries", () -> task.run(new Wide("w".repeat(500),
                IntStream.range(0, 100_000).boxed().toList()), chatty) + task.run(nearTheCut, List.of(new Wide(nearTheCut, List.of()))))
                .runForState();

        java.util.Map<String, Object> first = run.taskRuns().get(0).parameters();
        java.util.Map<String, Object> second = run.taskRuns().get(1).parameters();
        assertThat(chatty.calls).as("a user's toString() may print anything: never called").isZero();
        assertThat((String) first.get("arg0")).startsWith("Wide[text=www").endsWith("...").hasSize(203);
        assertThat(first.get("arg1")).isEqualTo(Chatty.class.getName());
        assertThat(second.values()).allSatisfy(v -> assertThat(String.valueOf(v)).doesNotContain("across"));
        assertThat((String) second.get("arg0")).contains("aaaa*****");
    }

    @Test
    void standaloneRunsOnManyThreadsAreAllRecordedAndRunningOnesAreListed() throws Exception {
        InMemoryRunRecorder recorder = new InMemoryRunRecorder(10_000);
        TestRuntimes.use(b -> b.recorder(recorder));
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Task<Integer, Integer> inc = Task.of("inc", (Integer i) -> i + 1);
        Task0<String> waiting = Task.of("waiting", () -> {
            started.countDown();
            release.await();
            return "done";
        });
        SluiceRuntime runtime = SluiceRuntime.current();
        Thread blocked = new Thread(() -> runtime.run(waiting::run));
        blocked.start();
        started.await();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> runtime.run(() -> {
                for (int i = 0; i < 300; i++) {
                    inc.run(i);
                }
            }));
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }

        assertThat(recorder.runs()).filteredOn(r -> r.definitionName().equals("inc")).hasSize(1_200)
                .allSatisfy(r -> assertThat(r.state()).isEqualTo(State.COMPLETED));
        Run running = recorder.runs().stream().filter(r -> r.definitionName().equals("waiting")).findFirst().orElseThrow();
        assertThat(running.state()).isEqualTo(State.RUNNING);
        assertThat(recorder.find(running.id())).containsSame(running);
        release.countDown();
        blocked.join();
        assertThat(recorder.runs()).filteredOn(r -> r.definitionName().equals("waiting")).singleElement()
                .satisfies(r -> assertThat(r.state()).isEqualTo(State.COMPLETED));
    }

    @Test
    void finishedFlowRunsAreAlsoBoundedByTheTaskRunsTheyHold() {
        InMemoryRunRecorder recorder = new InMemoryRunRecorder(1_000, 250);
        TestRuntimes.use(b -> b.recorder(recorder));
        try {
            Task<Integer, Integer> inc = Task.of("inc", (Integer i) -> i + 1);
            Flow0<Integer> f = Flow.of("hundred", () -> {
                int x = 0;
                for (int i = 0; i < 99; i++) {
                    x = inc.run(x);
                }
                return x;
            });
            for (int i = 0; i < 10; i++) {
                f.run();
            }
            assertThat(recorder.runs()).hasSize(2); // 2 x (1 + 99) <= 250 < 3 x 100
            Flow0<Integer> huge = Flow.of("huge", () -> {
                int x = 0;
                for (int i = 0; i < 1_000; i++) {
                    x = inc.run(x);
                }
                return x;
            });
            huge.run();
            assertThat(recorder.runs()).singleElement().satisfies(r -> assertThat(r.definitionName()).isEqualTo("huge"));
        } finally {
            TestRuntimes.reset();
        }
    }

    @Test
    void aFinishedRunKeepsOnlyASummaryOfBigArguments() {
        List<Integer> rows = new ArrayList<>(IntStream.range(0, 1_000_000).boxed().toList());
        Task2<String, List<Integer>, Integer> load = Task.of("load", (String table, List<Integer> r) -> r.size())
                .withParameterNames("table", "rows").withRunName("load-{table}");
        FlowRun<Integer> run = Flow.of("big-args", (String table) -> load.run(table, rows)).runForState("orders");

        TaskRun task = run.taskRuns().get(0);
        assertThat(task.name()).isEqualTo("load-orders");
        assertThat(task.parameters()).containsEntry("table", "orders")
                .containsEntry("rows", "ArrayList of 1000000 items");
        assertThat(run.parameters()).containsEntry("arg0", "orders");
        assertThat(Flow.of("small", (List<String> l) -> l.size()).runForState(List.of("a", "b")).parameters())
                .containsEntry("arg0", "[a, b]");
    }

    @Test
    void recorderLimitIsValidated() {
        assertThatThrownBy(() -> new InMemoryRunRecorder(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("limit must be >= 1, was 0");
        assertThatThrownBy(() -> new InMemoryRunRecorder(1, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxTaskRuns must be >= 1, was 0");
    }
    @Test
    void submittedStandaloneRunsAreAllKeptUpToTheLimit() {
        try (SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().recentRuns(1_000).build()) {
            Task<Integer, Integer> square = Task.of("square", (Integer i) -> i * i);
            List<TaskFuture<Integer>> futures = runtime.call(() -> square.map(IntStream.range(0, 300).boxed().toList()));
            Futures.all(futures);

            // each ran on a worker thread of its own (a virtual thread on JDK 21+): 300 finished runs, limit 1,000
            assertThat(runtime.recentRuns().runs()).as("every finished run, within the limit").hasSize(300)
                    .allSatisfy(r -> assertThat(r.state()).isEqualTo(State.COMPLETED));
        }
    }

    @Test
    void runsEndedOnManyShortLivedThreadsAreAllKeptUpToTheLimit() throws Exception {
        try (SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().recentRuns(1_000).build()) {
            Task<Integer, Integer> echo = Task.of("echo", (Integer i) -> i);
            for (int i = 0; i < 300; i++) {
                int n = i;
                Thread thread = new Thread(() -> runtime.call(() -> echo.run(n))); // a thread per request, say
                thread.start();
                thread.join();
            }

            assertThat(runtime.recentRuns().runs()).extracting(r -> ((TaskRun) r).parameters().get("arg0"))
                    .as("the 300 runs, oldest first").containsExactlyElementsOf(IntStream.range(0, 300).boxed().toList());
        }
    }

    @Test
    void aRunEndedOnAShortLivedThreadIsNotHeldOnceNewerOnesPushedItOut() throws Exception {
        try (SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().recentRuns(10).build()) {
            List<java.lang.ref.WeakReference<TaskRun>> first = new ArrayList<>();
            Task<Integer, Integer> echo = Task.of("echo", (Integer i) -> {
                if (i == 0) {
                    first.add(new java.lang.ref.WeakReference<>(RunContext.taskRun().orElseThrow()));
                }
                return i;
            });
            for (int i = 0; i < 200; i++) {
                int n = i;
                Thread thread = new Thread(() -> runtime.call(() -> echo.run(n)));
                thread.start();
                thread.join();
            }

            // 190 runs newer than the limit of 10: nothing may keep the first alive (nobody has asked for runs() yet)
            for (int i = 0; i < 50 && first.get(0).get() != null; i++) {
                System.gc();
                Thread.sleep(20);
            }
            assertThat(first.get(0).get()).as("the first run, long pushed out of the recent runs").isNull();
            assertThat(runtime.recentRuns().runs()).hasSize(10);
        }
    }
    @Test
    void manyThreadsStartingTheirFirstRunsAtOnceAreAllKept() throws Exception {
        try (SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().recentRuns(1_000).build()) {
            Task<Integer, Integer> echo = Task.of("echo", (Integer i) -> i);
            for (int wave = 0; wave < 8; wave++) {
                java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                List<Thread> threads = new ArrayList<>();
                for (int t = 0; t < 64; t++) {
                    int n = wave * 64 + t;
                    Thread thread = new Thread(() -> {
                        try {
                            go.await();
                        } catch (InterruptedException e) {
                            return;
                        }
                        runtime.call(() -> echo.run(n));
                    });
                    threads.add(thread);
                    thread.start();
                }
                go.countDown();
                for (Thread thread : threads) {
                    thread.join(10_000);
                    assertThat(thread.isAlive()).as("a thread still running its first run").isFalse();
                }
            }

            assertThat(runtime.recentRuns().runs()).hasSize(512).allSatisfy(r -> assertThat(r.state()).isEqualTo(State.COMPLETED));
        }
    }
}
