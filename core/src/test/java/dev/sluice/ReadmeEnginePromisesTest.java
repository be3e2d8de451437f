package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.block.BlockStore;
import dev.sluice.block.Secret;
import dev.sluice.cache.ResultStore;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The engine's promises in the top-level README, checked as a new user reads them. */
@Timeout(60)
class ReadmeEnginePromisesTest {
    private final List<Duration> slept = new CopyOnWriteArrayList<>();
    private SluiceRuntime runtime;

    @BeforeEach
    void setUp(@org.junit.jupiter.api.io.TempDir java.nio.file.Path home) {
        runtime = SluiceRuntime.builder().home(home).blockStore(BlockStore.inMemory())
                .resultStore(ResultStore.inMemory()).sleeper(slept::add).withoutExtensions().build();
    }

    @AfterEach
    void tearDown() {
        runtime.close();
    }

    @Test
    void aHookThatThrowsIsLoggedAndNeverChangesTheOutcome() {
        Flow<String, String> ok = Flow.of("ok", (String s) -> s + "!")
                .onRunning(r -> { throw new IllegalStateException("running hook"); })
                .onCompletion(r -> { throw new AssertionError("completion hook"); });
        FlowRun<String> run = runtime.runForState(ok, "a");
        assertThat(run.state()).isEqualTo(State.COMPLETED);
        assertThat(run.result()).isEqualTo("a!");
        assertThat(runtime.run(ok, "b")).isEqualTo("b!");

        Flow<String, String> bad = Flow.<String, String>of("bad", (String s) -> { throw new IOException("boom"); })
                .onFailure(r -> { throw new RuntimeException("failure hook"); });
        assertThat(runtime.runForState(bad, "x").state()).isEqualTo(State.FAILED);
        assertThatThrownBy(() -> runtime.run(bad, "x")).isInstanceOf(FlowFailedException.class)
                .cause().isInstanceOf(IOException.class).hasMessage("boom");

        Task<String, String> t = Task.of("t", (String s) -> s)
                .onCompletion(r -> { throw new StackOverflowError("hook"); });
        assertThat(runtime.call(() -> t.run("v"))).isEqualTo("v");
    }

    @Test
    void jitterReallyVariesTheDelay() {
        RetryPolicy p = RetryPolicy.fixed(50, Duration.ofSeconds(10)).withJitter(0.5);
        Set<Duration> seen = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            Duration d = p.delayBefore(1);
            assertThat(d).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(15));
            seen.add(d);
        }
        assertThat(seen).hasSizeGreaterThan(5);

        AtomicInteger calls = new AtomicInteger();
        Task0<String> t = Task.of("flaky", () -> {
            if (calls.incrementAndGet() < 6) {
                throw new IOException("no");
            }
            return "ok";
        }).withRetryPolicy(RetryPolicy.fixed(5, Duration.ofSeconds(10)).withJitter(0.5));
        assertThat(runtime.call(() -> t.run())).isEqualTo("ok");
        assertThat(slept).hasSize(5);
        assertThat(new HashSet<>(slept)).hasSizeGreaterThan(1);
        assertThat(slept).allSatisfy(d -> assertThat(d).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(15)));
    }

    @Test
    void anErrorIsNeverRetriedAndTheRunIsCrashed() {
        AtomicInteger calls = new AtomicInteger();
        Task0<String> t = Task.<String>of("oom", () -> {
            calls.incrementAndGet();
            throw new OutOfMemoryError("fake");
        }).withRetries(3, Duration.ofSeconds(1));
        AtomicInteger flowCalls = new AtomicInteger();
        Flow0<String> f = Flow.of("crashy", () -> {
            flowCalls.incrementAndGet();
            return t.run();
        }).withRetries(2, Duration.ofSeconds(1));
        FlowRun<String> run = runtime.call(() -> f.runForState());
        assertThat(run.state()).isEqualTo(State.CRASHED);
        assertThat(run.attempts()).isEqualTo(1);
        assertThat(calls).hasValue(1);
        assertThat(flowCalls).hasValue(1);
        assertThat(run.taskRuns().get(0).state()).isEqualTo(State.CRASHED);
        assertThat(run.taskRuns().get(0).attempts()).isEqualTo(1);
        assertThatThrownBy(() -> runtime.call(() -> f.run())).isInstanceOf(OutOfMemoryError.class).hasMessage("fake");
        assertThatThrownBy(() -> runtime.call(() -> t.run())).isInstanceOf(OutOfMemoryError.class);
        assertThat(slept).isEmpty();
    }

    @Test
    void theCallerGetsTimedOutAtTheDeadlineEvenIfTheBodyIgnoresInterruption() {
        CountDownLatch release = new CountDownLatch(1);
        Flow0<String> f = Flow.of("stubborn", () -> {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < end && release.getCount() > 0) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException ignored) {
                    // ignore
                }
            }
            return "late";
        }).withTimeout(Duration.ofMillis(200));
        long start = System.nanoTime();
        FlowRun<String> run = runtime.call(() -> f.runForState());
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        release.countDown();
        assertThat(run.state()).isEqualTo(State.TIMED_OUT);
        assertThat(ms).isLessThan(5_000);
        assertThat(run.error()).isPresent();
    }

    @Test
    void aSubflowWithItsOwnTimeoutTimesOutAndFailsItsParent() {
        Flow0<String> child = Flow.of("child", () -> {
            Thread.sleep(20_000);
            return "c";
        }).withTimeout(Duration.ofMillis(100));
        Flow0<String> parent = Flow.of("parent", () -> child.run());
        FlowRun<String> run = runtime.call(() -> parent.runForState());
        assertThat(run.state()).isEqualTo(State.FAILED);
        assertThat(run.subflowRuns()).hasSize(1);
        assertThat(run.subflowRuns().get(0).state()).isEqualTo(State.TIMED_OUT);
        assertThat(run.subflowRuns().get(0).parentFlowRunId()).contains(run.id());
        assertThatThrownBy(() -> runtime.call(() -> parent.run())).isInstanceOf(FlowFailedException.class);
    }

    @Test
    void aFailureNobodyJoinedFailsTheFlow() {
        Task0<String> bad = Task.of("bad", () -> { throw new IOException("unseen"); });
        Flow0<String> f = Flow.of("forgetful", () -> {
            bad.submit();
            return "done";
        });
        FlowRun<String> run = runtime.call(() -> f.runForState());
        assertThat(run.state()).isEqualTo(State.FAILED);
        assertThat(run.error().orElseThrow().message()).contains("unseen");
    }

    @Test
    void aFlowWaitsForWhatItSubmitted() {
        AtomicInteger done = new AtomicInteger();
        Task0<String> slow = Task.of("slow", () -> {
            Thread.sleep(200);
            done.incrementAndGet();
            return "x";
        });
        Flow0<String> f = Flow.of("submitter", () -> {
            slow.submit();
            slow.submit();
            return "r";
        });
        FlowRun<String> run = runtime.call(() -> f.runForState());
        assertThat(run.state()).isEqualTo(State.COMPLETED);
        assertThat(done).hasValue(2);
        assertThat(run.taskRuns()).allSatisfy(tr -> assertThat(tr.state()).isEqualTo(State.COMPLETED));
    }

    @Test
    void nestedSubmitsNeverDeadlockABoundedPool() {
        Task<Integer, Integer> leaf = Task.of("leaf", (Integer i) -> i * 2);
        Task<Integer, Integer> mid = Task.of("mid", (Integer i) -> {
            List<TaskFuture<Integer>> fs = leaf.map(List.of(i, i + 1, i + 2));
            return Futures.all(fs).stream().mapToInt(Integer::intValue).sum();
        });
        Task<Integer, Integer> timedMid = mid.withTimeout(Duration.ofSeconds(30));
        Flow0<Integer> f = Flow.of("nested", () -> {
            List<TaskFuture<Integer>> fs = new ArrayList<>(mid.map(List.of(0, 10, 20, 30)));
            fs.addAll(timedMid.map(List.of(0, 10)));
            return Futures.all(fs).stream().mapToInt(Integer::intValue).sum();
        }).withMaxConcurrency(1);
        assertThat(runtime.call(() -> f.run())).isEqualTo(6 + 66 + 126 + 186 + 6 + 66);
    }

    @Test
    void maxConcurrencyBoundsSubmittedRuns() {
        AtomicInteger now = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        Task<Integer, Integer> t = Task.of("t", (Integer i) -> {
            max.accumulateAndGet(now.incrementAndGet(), Math::max);
            Thread.sleep(30);
            now.decrementAndGet();
            return i;
        });
        Flow0<List<Integer>> f = Flow.of("bounded", () -> Futures.all(t.map(List.of(1, 2, 3, 4, 5, 6, 7, 8))))
                .withMaxConcurrency(2);
        assertThat(runtime.call(() -> f.run())).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(max.get()).isBetween(1, 2);
    }

    @Test
    void futuresAllWaitsForAllThenThrowsTheFirstFailure() {
        AtomicInteger finished = new AtomicInteger();
        Task<Integer, Integer> t = Task.of("t", (Integer i) -> {
            if (i == 2) {
                throw new IOException("two");
            }
            Thread.sleep(100);
            finished.incrementAndGet();
            return i;
        });
        Flow0<String> f = Flow.of("all", () -> {
            List<TaskFuture<Integer>> fs = t.map(List.of(1, 2, 3));
            try {
                Futures.all(fs);
                return "no";
            } catch (TaskFailedException e) {
                return e.run().parameters().get("arg0") + ":" + finished.get() + ":" + e.getCause().getMessage();
            }
        });
        assertThat(runtime.call(() -> f.run())).isEqualTo("2:2:two");
    }

    @Test
    void stateHistoryWithTimestampsAttemptsParametersTagsVersion() {
        AtomicInteger calls = new AtomicInteger();
        Task<String, String> t = Task.of("t", (String s) -> {
            if (calls.incrementAndGet() == 1) {
                throw new IOException("once");
            }
            return s;
        }).withRetries(1, Duration.ofMillis(10)).withVersion("2").withTags("tt");
        Flow<String, String> f = Flow.of("f", (String city) -> t.run(city))
                .withParameterNames("city").withRunName("report-{city}").withTags("ft").withVersion("v1");
        FlowRun<String> run = Tags.with("env:dev", () -> runtime.call(() -> f.runForState("Boston")));
        assertThat(run.name()).isEqualTo("report-Boston");
        assertThat(run.version()).contains("v1");
        assertThat(run.tags()).contains("ft", "env:dev");
        assertThat(run.parameters()).containsEntry("city", "Boston");
        assertThat(run.history()).extracting(StateChange::state).startsWith(State.PENDING).endsWith(State.COMPLETED)
                .contains(State.RUNNING);
        Instant prev = Instant.MIN;
        for (StateChange c : run.history()) {
            assertThat(c.at()).isAfterOrEqualTo(prev);
            prev = c.at();
        }
        TaskRun tr = run.taskRuns().get(0);
        assertThat(tr.attempts()).isEqualTo(2);
        assertThat(tr.history()).extracting(StateChange::state).contains(State.RETRYING);
        assertThat(tr.version()).contains("2");
        assertThat(tr.tags()).contains("tt", "ft", "env:dev");
        assertThat(tr.flowRunId()).contains(run.id());
        assertThat(run.startTime()).isPresent();
        assertThat(run.endTime()).isPresent();
        assertThat(run.duration()).isEqualTo(Duration.between(run.startTime().get(), run.endTime().get()));
    }

    @Test
    void secretsAreMaskedInRunLogsAndErrors() {
        Secret pw = Secret.of("hunter2-very-secret");
        Flow0<String> f = Flow.of("s", () -> {
            RunContext.logger().info("using {}", pw.reveal());
            throw new IllegalStateException("bad password " + pw.reveal());
        });
        FlowRun<String> run = runtime.call(() -> f.runForState());
        assertThat(run.logs()).isNotEmpty();
        assertThat(run.logs().toString()).doesNotContain("hunter2-very-secret").contains("**********");
        assertThat(run.error().orElseThrow().message()).doesNotContain("hunter2-very-secret");
        assertThatThrownBy(() -> runtime.call(() -> f.run())).isInstanceOf(FlowFailedException.class)
                .satisfies(e -> assertThat(String.valueOf(e.getCause())).doesNotContain("hunter2"));
    }

    @Test
    void theInMemoryRecorderIsBounded(@org.junit.jupiter.api.io.TempDir java.nio.file.Path home) {
        try (SluiceRuntime small = SluiceRuntime.builder().home(home).withoutExtensions().recentRuns(3).build()) {
            Flow0<Integer> f = Flow.of("f", () -> 1);
            for (int i = 0; i < 10; i++) {
                small.call(() -> f.run());
            }
            assertThat(small.recentRuns().runs()).hasSize(3);
        }
    }

    @Test
    void aRecorderThatThrowsNeverChangesTheRun(@org.junit.jupiter.api.io.TempDir java.nio.file.Path home) {
        List<String> seen = new CopyOnWriteArrayList<>();
        RunRecorder bad = new RunRecorder() {
            @Override
            public void stateChanged(Run run, StateChange change) {
                seen.add(run.definitionName() + ":" + change.state());
                throw new IllegalStateException("recorder down");
            }

            @Override
            public void logged(Run run, LogLine line) {
                throw new NoClassDefFoundError("x");
            }
        };
        try (SluiceRuntime rt = SluiceRuntime.builder().home(home).withoutExtensions().recorder(bad).build()) {
            Task0<Integer> t = Task.of("t", () -> {
                RunContext.logger().info("hi");
                return 1;
            });
            Flow0<Integer> f = Flow.of("f", () -> t.run() + 1);
            assertThat(rt.call(() -> f.run())).isEqualTo(2);
            assertThat(seen).contains("f:COMPLETED", "t:COMPLETED");
        }
    }
}
