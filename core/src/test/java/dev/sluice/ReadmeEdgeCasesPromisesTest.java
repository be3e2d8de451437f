package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.block.BlockStore;
import dev.sluice.block.Secret;
import dev.sluice.cache.CachePolicy;
import dev.sluice.cache.CacheKeyException;
import dev.sluice.cache.ResultStore;
import dev.sluice.notify.Notification;
import dev.sluice.notify.Notify;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What a new user hits first: bad input, tasks outside flows, subflows, nulls, and the exceptions' runs. */
@Timeout(60)
class ReadmeEdgeCasesPromisesTest {
    private final List<Duration> slept = new CopyOnWriteArrayList<>();
    @TempDir
    Path home;
    private SluiceRuntime runtime;

    @BeforeEach
    void setUp() {
        runtime = SluiceRuntime.builder().home(home).blockStore(BlockStore.inMemory())
                .resultStore(ResultStore.inMemory()).sleeper(slept::add).withoutExtensions().build();
    }

    @AfterEach
    void tearDown() {
        runtime.close();
    }

    @Test
    void namesMustNotBeNullOrBlank() {
        assertThatThrownBy(() -> Task.of(null, (String s) -> s)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Task.of("  ", (String s) -> s)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Flow.of("", () -> 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Flow.named(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Task.named(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void zeroOrNegativeRetriesTimeoutsAndConcurrency() {
        assertThatThrownBy(() -> Task.of("t", () -> 1).withRetries(-1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThat(runtime.call(() -> Task.of("t", () -> 1).withRetries(0, Duration.ZERO).run())).isEqualTo(1);
        assertThatThrownBy(() -> Task.of("t", () -> 1).withRetries(1, Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Task.of("t", () -> 1).withTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Task.of("t", () -> 1).withTimeout(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Flow.of("f", () -> 1).withMaxConcurrency(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Flow.of("f", () -> 1).withMaxConcurrency(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.fixed(1, Duration.ofSeconds(1)).withJitter(1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.delays()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SluiceRuntime.builder().recentRuns(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SluiceRuntime.builder().hookTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTaskRunOutsideAnyFlowIsATaskRunOfItsOwn() {
        TaskRun[] seen = new TaskRun[1];
        Task0<Integer> solo = Task.of("solo", () -> 1).onCompletion(r -> seen[0] = r);
        assertThat(runtime.call(() -> solo.run())).isEqualTo(1);
        assertThat(seen[0].state()).isEqualTo(State.COMPLETED);
        assertThat(seen[0].flowRunId()).isEmpty();
        assertThat(runtime.recentRuns().find(seen[0].id())).isPresent();
        assertThat(runtime.call(() -> solo.submit().join())).isEqualTo(1);
    }

    @Test
    void aTaskOrFlowThatReturnsNullCompletes() {
        assertThat(runtime.call(() -> Task.of("n", () -> (String) null).run())).isNull();
        FlowRun<Object> run = runtime.call(() -> Flow.of("n", () -> null).runForState());
        assertThat(run.state()).isEqualTo(State.COMPLETED);
        assertThat(run.result()).isNull();
        assertThat(runtime.call(() -> Task.action("a", (String s) -> { }).run("x"))).isNull();
    }

    @Test
    void exceptionsCarryTheRun() {
        Task0<Integer> t = Task.<Integer>of("tt", () -> { throw new IOException("io"); });
        assertThatThrownBy(() -> runtime.call(() -> t.run())).isInstanceOfSatisfying(TaskFailedException.class, e -> {
            assertThat(e.run().state()).isEqualTo(State.FAILED);
            assertThat(e.state()).isEqualTo(State.FAILED);
            assertThat(e.getCause()).isInstanceOf(IOException.class).hasMessage("io");
        });
        Flow0<Integer> f = Flow.of("ff", () -> t.run());
        assertThatThrownBy(() -> runtime.call(() -> f.run())).isInstanceOfSatisfying(FlowFailedException.class, e -> {
            assertThat(e.run().state()).isEqualTo(State.FAILED);
            assertThat(e.run().failedTaskRun().map(Run::definitionName)).contains("tt");
            assertThat(e.run().taskRuns()).hasSize(1);
        });
        FlowRun<Integer> failed = runtime.call(() -> f.runForState());
        assertThatThrownBy(failed::result).isInstanceOf(FlowFailedException.class);
    }

    @Test
    void runNameTemplatesAreCheckedAtTheCall() {
        Flow<String, String> f = Flow.of("f", (String s) -> s).withRunName("x-{city}");
        assertThatThrownBy(() -> runtime.call(() -> f.run("a"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("city");
        assertThat(runtime.call(() -> f.withParameterNames("city").runForState("a").name())).isEqualTo("x-a");
        assertThat(runtime.call(() -> f.withParameterNames("city").runForState(null).name())).isEqualTo("x-null");
        assertThat(runtime.call(() -> Flow.of("f", (String s) -> 1).withRunName("{arg0}").runForState("x".repeat(500)).name()))
                .hasSize(200).endsWith("…");
        Secret s = Secret.of("rn-secret-abc");
        assertThat(runtime.call(() -> Flow.of("f", (String x) -> 1).withRunName("r-{arg0}").runForState(s.reveal()).name()))
                .isEqualTo("r-**********");
    }

    @Test
    void parameterDefaultsAreUsedForNullAndRecorded() {
        Flow<String, Integer> f = Flow.named("fn").withParameterNames("city").withParameterDefault("city", "Boston")
                .of((String c) -> c.length());
        FlowRun<Integer> run = runtime.call(() -> f.runForState(null));
        assertThat(run.result()).isEqualTo(6);
        assertThat(run.parameters()).containsEntry("city", "Boston");
    }

    @Test
    void aSubflowIsRecordedUnderItsParentAndATaskUnderTheTaskThatCalledIt() {
        Flow0<Integer> sub = Flow.of("sub", () -> 7);
        Task0<Integer> inner = Task.of("inner", () -> sub.run());
        Task0<Integer> outer = Task.of("outer", () -> inner.run());
        FlowRun<Integer> run = runtime.call(() -> Flow.of("top", () -> outer.run()).runForState());
        assertThat(run.result()).isEqualTo(7);
        assertThat(run.subflowRuns()).singleElement().satisfies(s -> assertThat(s.parentFlowRunId()).contains(run.id()));
        assertThat(run.taskRuns()).extracting(Run::definitionName).containsExactly("outer", "inner");
        assertThat(run.taskRuns().get(1).parentTaskRunId()).contains(run.taskRuns().get(0).id());
    }

    @Test
    void aTimedOutFlowCancelsTheSubflowsAndTasksItStillHadGoing() {
        Flow0<Integer> sub = Flow.of("sub", () -> {
            Thread.sleep(10_000);
            return 1;
        });
        Task0<Integer> slow = Task.of("slow", () -> {
            Thread.sleep(10_000);
            return 1;
        });
        Flow0<Integer> top = Flow.of("top", () -> {
            slow.submit();
            return sub.run();
        }).withTimeout(Duration.ofMillis(200));
        FlowRun<Integer> run = runtime.call(() -> top.runForState());
        assertThat(run.state()).isEqualTo(State.TIMED_OUT);
        assertThat(run.taskRuns()).singleElement().satisfies(t -> assertThat(t.state()).isEqualTo(State.CANCELLED));
        assertThat(run.subflowRuns()).singleElement().satisfies(s -> assertThat(s.state()).isEqualTo(State.CANCELLED));
    }

    @Test
    void aJoinWithATimeoutHoldsItsTimeoutUnderABound() {
        Task0<Integer> child = Task.of("child", () -> {
            Thread.sleep(5_000);
            return 1;
        });
        Task0<String> parent = Task.of("parent", () -> {
            TaskFuture<Integer> f = child.submit();
            try {
                f.join(Duration.ofMillis(200));
                return "joined";
            } catch (SluiceException e) {
                f.cancel();
                return "timed out";
            }
        });
        long start = System.nanoTime();
        assertThat(runtime.call(() -> Flow.of("f", () -> parent.submit().join()).withMaxConcurrency(1).run()))
                .isEqualTo("timed out");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void hooksForACrashAndRunningAndCancellation() {
        List<String> seen = new CopyOnWriteArrayList<>();
        Flow0<Integer> crash = Flow.<Integer>of("c", () -> { throw new StackOverflowError("so"); })
                .onFailure(r -> seen.add("failure:" + r.state())).onCrashed(r -> seen.add("crashed:" + r.state()));
        runtime.call(() -> crash.runForState());
        assertThat(seen).containsExactly("failure:CRASHED", "crashed:CRASHED");

        AtomicInteger calls = new AtomicInteger();
        AtomicInteger running = new AtomicInteger();
        Task0<Integer> flaky = Task.of("t", () -> {
            if (calls.incrementAndGet() < 3) {
                throw new IOException("x");
            }
            return 1;
        }).withRetries(2, Duration.ZERO).onRunning(r -> running.incrementAndGet());
        runtime.call(() -> flaky.run());
        assertThat(running).hasValue(3);

        seen.clear();
        Task0<Integer> slow = Task.of("slow", () -> {
            Thread.sleep(5_000);
            return 1;
        }).onCancellation(r -> seen.add("cancel:" + r.state()));
        FlowRun<String> run = runtime.call(() -> Flow.of("f", () -> {
            TaskFuture<Integer> fu = slow.submit();
            fu.cancel();
            return fu.state().name();
        }).runForState());
        assertThat(run.result()).isEqualTo("CANCELLED");
        assertThat(seen).containsExactly("cancel:CANCELLED");
    }

    @Test
    void failureNotificationsNameTheTaskAndMaskSecretsAndNeverHideTheFailure() {
        List<Notification> got = new CopyOnWriteArrayList<>();
        Secret s = Secret.of("sup3r-s3cret-token");
        Task<String, Integer> load = Task.of("load", (String tok) -> { throw new IllegalStateException("bad token " + tok); });
        Flow0<Integer> sub = Flow.of("sub", () -> load.run(s.reveal()));
        Flow<String, Integer> etl = Flow.of("etl", (String tok) -> sub.run()).withParameterNames("token")
                .onFailure(Notify.via(got::add))
                .onFailure(Notify.via(n -> { throw new IllegalStateException("notifier down"); }));
        assertThatThrownBy(() -> runtime.call(() -> etl.run(s.reveal()))).isInstanceOf(FlowFailedException.class);
        Notification n = got.get(0);
        assertThat(n.text()).contains("etl", "load", "FAILED", "IllegalStateException", "token=**********")
                .doesNotContain("sup3r-s3cret-token");
    }

    @Test
    void cachingReturnsCachedRunsAndRefusesArgumentsItCannotHash() {
        AtomicInteger calls = new AtomicInteger();
        Task<String, Integer> t = Task.of("c", (String s) -> calls.incrementAndGet()).withCache(CachePolicy.inputs());
        String out = runtime.call(() -> Flow.of("f", () -> {
            TaskFuture<Integer> a = t.submit("x");
            a.join();
            TaskFuture<Integer> b = t.submit("x");
            return b.join() + " " + b.state() + " " + b.run().cachedFromRunId().equals(java.util.Optional.of(a.run().id()));
        }).run());
        assertThat(out).isEqualTo("1 CACHED true");
        Task<Runnable, Integer> code = Task.of("code", (Runnable r) -> 1).withCache(CachePolicy.inputs());
        assertThatThrownBy(() -> runtime.call(() -> code.run(() -> { })))
                .isInstanceOf(TaskFailedException.class).cause().isInstanceOf(CacheKeyException.class)
                .hasMessageContaining("arg0");
    }

    @Test
    void aRecorderWhoseEnterThrowsStillLetsTheBodyRun() {
        RunRecorder bad = new RunRecorder() {
            @Override
            public void stateChanged(Run run, StateChange change) {
            }

            @Override
            public void tagsChanged(Run run, java.util.Set<String> tags) {
                throw new IllegalStateException("tags");
            }

            @Override
            public Scope enter(Run run) {
                throw new IllegalStateException("enter");
            }
        };
        try (SluiceRuntime rt = SluiceRuntime.builder().home(home).withoutExtensions().recorder(bad).build()) {
            Flow0<Integer> f = Flow.of("f", () -> {
                RunContext.addTags("x");
                return Task.of("t", () -> 2).withTimeout(Duration.ofSeconds(5)).run();
            });
            assertThat(rt.call(() -> f.run())).isEqualTo(2);
        }
    }

    @Test
    void aRunGoingOnWhenItsRuntimeClosesIsNotRetried(@TempDir Path other) {
        SluiceRuntime rt = SluiceRuntime.builder().home(other).withoutExtensions().build();
        AtomicInteger attempts = new AtomicInteger();
        Flow0<Integer> f = Flow.<Integer>of("f", () -> {
            attempts.incrementAndGet();
            rt.close();
            throw new IOException("after close");
        }).withRetries(3, Duration.ZERO);
        FlowRun<Integer> run = rt.call(() -> f.runForState());
        assertThat(run.state()).isEqualTo(State.FAILED);
        assertThat(attempts).hasValue(1);
        assertThatThrownBy(() -> rt.call(() -> f.run())).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
}
