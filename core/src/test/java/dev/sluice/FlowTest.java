package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class FlowTest {

    @Test
    void aFlowRecordsItsTaskRunsInOrder() {
        Task<Integer, Integer> twice = Task.of("twice", (Integer x) -> x * 2);
        Task<Integer, String> show = Task.of("show", (Integer x) -> "=" + x);
        Flow<Integer, String> f = Flow.of("calc", (Integer x) -> show.run(twice.run(x)));

        FlowRun<String> run = f.runForState(21);

        assertThat(run.state()).isEqualTo(State.COMPLETED);
        assertThat(run.result()).isEqualTo("=42");
        assertThat(run.taskRuns()).extracting(Run::definitionName).containsExactly("twice", "show");
        assertThat(run.taskRuns()).allSatisfy(t -> assertThat(t.flowRunId()).contains(run.id()));
        assertThat(run.taskRunCount()).isEqualTo(2);
        assertThat(run.parameters()).isEqualTo(Map.of("arg0", 21));
        assertThat(run.history()).extracting(StateChange::state)
                .containsExactly(State.PENDING, State.RUNNING, State.COMPLETED);
        assertThat(run.history()).extracting(StateChange::at).isSorted();
        assertThat(run.duration().isNegative()).isFalse();
        assertThat(f.run(1)).isEqualTo("=2");
    }

    @Test
    void runThrowsFlowFailedExceptionCarryingTheRunWhileRunForStateDoesNot() {
        Task0<Object> boom = Task.of("boom", () -> {
            throw new IOException("no route");
        });
        Flow0<Object> f = Flow.of("failing", () -> boom.run());

        FlowRun<Object> run = f.runForState();
        assertThat(run.state()).isEqualTo(State.FAILED);
        assertThat(run.failedTaskRun()).hasValueSatisfying(t -> assertThat(t.definitionName()).isEqualTo("boom"));
        assertThatThrownBy(run::result).isInstanceOf(FlowFailedException.class);

        assertThatThrownBy(f::run)
                .isInstanceOf(FlowFailedException.class)
                .hasMessageContaining("flow 'failing'")
                .hasMessageContaining("ended FAILED")
                .hasMessageContaining("no route")
                .satisfies(e -> {
                    FlowFailedException ffe = (FlowFailedException) e;
                    assertThat(ffe.run().state()).isEqualTo(State.FAILED);
                    assertThat(ffe.getCause()).isInstanceOf(TaskFailedException.class);
                    assertThat(ffe.getCause().getCause()).isInstanceOf(IOException.class).hasMessage("no route");
                });
    }

    @Test
    void aFlowCanCatchATaskFailureAndCarryOn() {
        Task0<String> boom = Task.of("boom", () -> {
            throw new IOException("nope");
        });
        Flow0<String> f = Flow.of("tolerant", () -> {
            try {
                return boom.run();
            } catch (TaskFailedException e) {
                return "fallback";
            }
        });
        FlowRun<String> run = f.runForState();
        assertThat(run.state()).isEqualTo(State.COMPLETED);
        assertThat(run.result()).isEqualTo("fallback");
        assertThat(run.failedTaskRun()).hasValueSatisfying(t -> {
            assertThat(t.definitionName()).isEqualTo("boom");
            assertThat(t.state()).isEqualTo(State.FAILED);
        });
    }

    @Test
    void aFlowInsideAFlowIsAChildRun() {
        Task<String, String> up = Task.of("up", (String s) -> s.toUpperCase());
        Flow<String, String> child = Flow.of("child", (String s) -> up.run(s));
        Flow<String, String> parent = Flow.of("parent", (String s) -> child.run(s) + child.run(s + "!"));

        FlowRun<String> run = parent.runForState("a");

        assertThat(run.result()).isEqualTo("AA!");
        assertThat(run.subflowRuns()).hasSize(2).allSatisfy(c -> {
            assertThat(c.parentFlowRunId()).contains(run.id());
            assertThat(c.definitionName()).isEqualTo("child");
            assertThat(c.taskRuns()).hasSize(1);
        });
        assertThat(run.taskRuns()).isEmpty();
        assertThat(SluiceRuntime.current().recentRuns().find(run.id())).isPresent();
        assertThat(SluiceRuntime.current().recentRuns().find(run.subflowRuns().get(0).id())).isEmpty();
    }

    @Test
    void theFailedTaskOfASubflowIsTheFlowsFailedTask() {
        Task0<Object> bad = Task.of("deep-bad", () -> {
            throw new IOException("deep");
        });
        Flow0<Object> child = Flow.of("child", () -> bad.run());
        FlowRun<Object> run = Flow.of("parent", () -> {
            Task.of("fine", () -> 1).run();
            return child.run();
        }).runForState();
        assertThat(run.state()).isEqualTo(State.FAILED);
        assertThat(run.failedTaskRun()).hasValueSatisfying(t -> assertThat(t.definitionName()).isEqualTo("deep-bad"));
    }

    @Test
    void interruptingTheFlowThreadCancelsTheRun() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Task0<String> slow = Task.of("slow", () -> {
            started.countDown();
            Thread.sleep(60_000);
            return "never";
        });
        Flow0<String> f = Flow.of("cancellable", () -> slow.run());
        AtomicReference<FlowRun<String>> result = new AtomicReference<>();
        AtomicReference<Boolean> interruptedAfter = new AtomicReference<>();
        Thread t = new Thread(() -> {
            result.set(f.runForState());
            interruptedAfter.set(Thread.currentThread().isInterrupted());
        });
        t.start();
        started.await();
        t.interrupt();
        t.join(10_000);

        assertThat(t.isAlive()).isFalse();
        assertThat(result.get().state()).isEqualTo(State.CANCELLED);
        assertThat(result.get().taskRuns().get(0).state()).isEqualTo(State.CANCELLED);
        assertThat(interruptedAfter.get()).as("interrupt flag kept for the caller").isTrue();
    }

    @Test
    void aFlowThatJoinsARunItCancelledEndsCancelledWithoutInterruptingItsCaller() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Task<String, String> slow = Task.of("slow-cancelled", (String s) -> {
            started.countDown();
            Thread.sleep(60_000);
            return s;
        });
        Flow0<String> flow = Flow.of("joins-its-cancel", () -> {
            TaskFuture<String> f = slow.submit("x");
            started.await();
            f.cancel();
            return f.join();
        });
        Task0<String> inline = Task.of("cancels-a-submit", () -> {
            TaskFuture<String> f = slow.submit("y");
            f.cancel();
            return f.join();
        });
        Flow0<String> viaTask = Flow.of("task-joins-its-cancel", () -> inline.run());
        for (Flow0<String> f : List.of(flow, viaTask)) {
            FlowRun<String> run = f.runForState();
            assertThat(run.state()).as(f.name()).isEqualTo(State.CANCELLED);
            assertThat(Thread.interrupted()).as("%s: nobody interrupted the caller's thread", f.name()).isFalse();
        }
    }

    @Test
    void anInterruptDuringATaskThatNeverBlocksCancelsTheFlowAtTheNextTaskBoundary() throws Exception {
        java.util.concurrent.atomic.AtomicInteger laterRan = new java.util.concurrent.atomic.AtomicInteger();
        Task0<Integer> busy = Task.of("busy", () -> {
            Thread.currentThread().interrupt(); // a cancel arrives while a task computes without blocking
            return 1;
        });
        Task0<Integer> later = Task.of("later", () -> laterRan.incrementAndGet());
        Flow0<Integer> f = Flow.of("cancelled-between-tasks", () -> busy.run() + later.run());
        AtomicReference<FlowRun<Integer>> result = new AtomicReference<>();
        Thread t = new Thread(() -> result.set(f.runForState()));
        t.start();
        t.join(10_000);

        assertThat(result.get().state()).isEqualTo(State.CANCELLED);
        assertThat(laterRan).as("the next task did no work").hasValue(0);
        assertThat(result.get().taskRuns()).extracting(TaskRun::state).containsExactly(State.COMPLETED, State.CANCELLED);
    }

    @Test
    void tagsFromScopesFlowsAndTasksAreUnited() {
        Task0<String> t = Task.of("tagged", () -> "x").withTags("task-tag");
        Flow0<String> f = Flow.of("tags", () -> t.run()).withTags("flow-tag");
        FlowRun<String> run = Tags.with("env:test", () -> f.runForState());
        assertThat(run.tags()).containsExactlyInAnyOrder("env:test", "flow-tag");
        assertThat(run.taskRuns().get(0).tags()).containsExactlyInAnyOrder("env:test", "flow-tag", "task-tag");
        assertThat(Tags.current()).isEmpty();
    }

    @Test
    void flowsOfEveryArity() {
        assertThat(Flow.of("f0", () -> 0).run()).isZero();
        assertThat(Flow.of("f2", (Integer a, Integer b) -> a + b).run(1, 2)).isEqualTo(3);
        assertThat(Flow.of("f3", (Integer a, Integer b, Integer c) -> a + b + c).run(1, 2, 3)).isEqualTo(6);
        assertThat(Flow.of("f3", (Integer a, Integer b, Integer c) -> a + b + c)
                .withParameterNames("x", "y", "z").runForState(1, 2, 3).parameters())
                .containsOnlyKeys("x", "y", "z");
        assertThat(Flow.of("list", (List<String> l) -> l.size()).run(List.of("a"))).isEqualTo(1);
    }

    record Report(String city, String day) {
    }

    @Test
    void aNullRecordFillsARunNameTemplateWithNull() {
        Flow<Report, String> flow = Flow.of("rec", (Report r) -> "x").withRunName("report-{city}-{day}");

        FlowRun<String> run = flow.runForState(null);

        assertThat(run.state()).isEqualTo(State.COMPLETED);
        assertThat(run.name()).isEqualTo("report-null-null");
        assertThat(flow.runForState(new Report("Oslo", "mon")).name()).isEqualTo("report-Oslo-mon");
    }

    @Test
    void aParameterDefaultOfTheWrongTypeIsRefusedAtTheFirstCall() {
        Flow<String, String> flow = Flow.of("typed", (String city) -> city.toUpperCase())
                .withParameterNames("city").withParameterDefault("city", 42);

        assertThatThrownBy(() -> flow.runForState(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("default for parameter 'city' of type java.lang.Integer")
                .hasMessageContaining("the parameter is a java.lang.String");
        assertThat(Flow.of("typed", (String city) -> city.toUpperCase()).withParameterNames("city")
                .withParameterDefault("city", "oslo").run(null)).isEqualTo("OSLO");
    }
}
