package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Adversarial checks of the core API's Javadoc promises, from a new user's point of view. */
@Timeout(30)
class CoreReviewTest extends LazyRuntimeTest {
    @Test
    void aTaskJoiningItsOwnFutureIsRefusedRatherThanWaitingForEver() {
        AtomicReference<TaskFuture<String>> self = new AtomicReference<>();
        CountDownLatch handed = new CountDownLatch(1);
        AtomicReference<Throwable> joinError = new AtomicReference<>();
        Task0<String> selfJoining = Task.of("self-joining", () -> {
            handed.await();
            try {
                return self.get().join();
            } catch (RuntimeException e) {
                joinError.set(e);
                throw e;
            }
        });
        Flow0<String> flow = Flow.of("self-join", () -> {
            self.set(selfJoining.submit());
            handed.countDown();
            return self.get().join();
        });

        FlowRun<String> run = runtime().call(flow::runForState);

        assertThat(joinError.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot wait for itself");
        assertThat(run.state()).isEqualTo(State.FAILED);
        assertThat(run.taskRuns()).singleElement().satisfies(t -> assertThat(t.state()).isEqualTo(State.FAILED));
    }

    @Test
    void aTaskRunCalledFromASubmittedRunThatJoinsThatRunIsRefusedRatherThanWaitingForEver() {
        AtomicReference<TaskFuture<String>> outerFuture = new AtomicReference<>();
        CountDownLatch handed = new CountDownLatch(1);
        AtomicReference<Throwable> joinError = new AtomicReference<>();
        Task0<String> inner = Task.of("inner", () -> {
            try {
                return outerFuture.get().join(); // the outer run's body is below on this very stack
            } catch (RuntimeException e) {
                joinError.set(e);
                throw e;
            }
        });
        Task0<String> outer = Task.of("outer", () -> {
            handed.await();
            return inner.run();
        });

        Throwable thrown = catchThrowable(() -> runtime().call(() -> {
            outerFuture.set(outer.submit());
            handed.countDown();
            return outerFuture.get().join();
        }));

        assertThat(joinError.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("same thread");
        assertThat(thrown).isInstanceOf(TaskFailedException.class);
        assertThat(outerFuture.get().state()).isEqualTo(State.FAILED);
    }

    @Test
    void stagesRunAsTheRunsEndMayStillJoinThem() {
        Task<Integer, Integer> square = Task.of("square", (Integer i) -> i * i);
        Flow0<Integer> flow = Flow.of("all-of", () -> {
            CompletableFuture<Integer> a = square.submit(3).toCompletableFuture();
            CompletableFuture<Integer> b = square.submit(4).toCompletableFuture();
            CountDownLatch go = new CountDownLatch(1);
            TaskFuture<Integer> c = Task.of("square-later", (Integer i) -> {
                go.await();
                return i * i;
            }).submit(5);
            // the stage runs on the thread that ends the run, as it publishes the outcome: it may join it
            CompletableFuture<Integer> joinedInStage = c.toCompletableFuture().thenApply(x -> c.join() + x);
            go.countDown();
            return CompletableFuture.allOf(a, b).thenApply(v -> a.join() + b.join()).join() + joinedInStage.join();
        });

        assertThat(runtime().call(flow::run)).isEqualTo(25 + 50);
    }

    @Test
    void theCompletableFutureViewOfItsOwnRunIsRefusedToo() {
        AtomicReference<TaskFuture<String>> self = new AtomicReference<>();
        CountDownLatch handed = new CountDownLatch(1);
        Task0<String> selfJoining = Task.of("self-joining", () -> {
            handed.await();
            return self.get().toCompletableFuture().get();
        }).withTimeout(Duration.ofSeconds(20)); // the body on a thread of its own: still its own run

        Throwable thrown = catchThrowable(() -> runtime().call(() -> {
            self.set(selfJoining.submit());
            handed.countDown();
            return self.get().join();
        }));

        assertThat(thrown).isInstanceOf(TaskFailedException.class).hasRootCauseInstanceOf(IllegalStateException.class);
        assertThat(self.get().state()).isEqualTo(State.FAILED);
    }

    @Test
    void addTagsWithANullTagThrowsIllegalArgumentExceptionAsDocumented() {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        FlowRun<Integer> run = runtime().call(() -> Flow.of("tagging", () -> {
            thrown.set(catchThrowable(() -> RunContext.addTags("ok", null)));
            return 1;
        }).runForState());

        // "@throws IllegalArgumentException for a null or blank tag"
        assertThat(thrown.get()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("null");
        assertThat(run.tags()).doesNotContain("ok");
    }

    /** Busy for {@code millis}, deaf to interrupts: a body that goes on past its run's timeout. */
    static void ignoreInterrupts(long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    @Test
    void aFlowThatTimedOutEndsTheTaskRunItsBodyCalledRatherThanLeaveItRunning() {
        List<String> cancelledHooks = new CopyOnWriteArrayList<>();
        Task0<String> stuck = Task.of("stuck", () -> {
            ignoreInterrupts(1_500);
            return "late";
        }).onCancellation(r -> cancelledHooks.add(r.name())).onCompletion(r -> cancelledHooks.add("completed?"));
        Flow0<String> flow = Flow.of("times-out", () -> stuck.run()).withTimeout(Duration.ofMillis(200));

        FlowRun<String> run = runtime().call(flow::runForState);

        assertThat(run.state()).isEqualTo(State.TIMED_OUT);
        // a finished flow run holds no run still RUNNING, and names the run that held it up
        assertThat(run.taskRuns()).singleElement().satisfies(t -> {
            assertThat(t.state()).isEqualTo(State.CANCELLED);
            assertThat(t.endTime()).isPresent();
            assertThat(t.error()).hasValueSatisfying(e -> assertThat(e.message()).contains("times-out"));
        });
        assertThat(run.failedTaskRun()).map(Run::definitionName).hasValue("stuck");

        ignoreInterrupts(1_700); // the body returns: the run stays CANCELLED, ended once
        TaskRun task = run.taskRuns().get(0);
        assertThat(task.state()).isEqualTo(State.CANCELLED);
        assertThat(task.history()).filteredOn(c -> c.state().isTerminal()).hasSize(1);
        assertThat(cancelledHooks).containsExactly(task.name());
    }

    @Test
    void aSubflowItsParentsTimeoutLeftRunningEndsCancelledWithItsTaskRun() {
        Task0<String> stuck = Task.of("stuck", () -> {
            ignoreInterrupts(1_500);
            return "late";
        });
        Flow0<String> child = Flow.of("child", () -> stuck.run());
        Flow0<String> parent = Flow.of("parent", () -> child.run()).withTimeout(Duration.ofMillis(200));

        FlowRun<String> run = runtime().call(parent::runForState);

        assertThat(run.state()).isEqualTo(State.TIMED_OUT);
        assertThat(run.subflowRuns()).singleElement().satisfies(sub -> {
            assertThat(sub.state()).isEqualTo(State.CANCELLED);
            assertThat(sub.taskRuns()).singleElement().satisfies(t -> assertThat(t.state()).isEqualTo(State.CANCELLED));
        });
        assertThat(run.failedTaskRun()).map(Run::definitionName).hasValue("stuck");
        ignoreInterrupts(1_700);
        assertThat(run.subflowRuns().get(0).state()).isEqualTo(State.CANCELLED);
        assertThat(run.subflowRuns().get(0).history()).filteredOn(c -> c.state().isTerminal()).hasSize(1);
    }
}
