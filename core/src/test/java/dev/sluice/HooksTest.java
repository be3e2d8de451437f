package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.block.BlockStore;
import dev.sluice.block.Blocks;
import dev.sluice.notify.LogNotifier;
import dev.sluice.notify.Notifier;
import dev.sluice.notify.Notify;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

class HooksTest {
    @RegisterExtension
    final FakeSleeper sleeper = new FakeSleeper();

    private final List<String> calls = new CopyOnWriteArrayList<>();

    private <S extends Definition<S, R>, R extends Run> S hooked(S d) {
        return d.onRunning(r -> calls.add("running " + r.state()))
                .onCompletion(r -> calls.add("completion " + r.state()))
                .onFailure(r -> calls.add("failure " + r.state()))
                .onCancellation(r -> calls.add("cancellation " + r.state()))
                .onCrashed(r -> calls.add("crashed " + r.state()));
    }

    @Test
    void completionHooks() {
        hooked(Task.of("ok", () -> 1)).run();
        assertThat(calls).containsExactly("running RUNNING", "completion COMPLETED");
    }

    @Test
    void failureHooksAfterRetries() {
        Task0<Object> t = hooked(Task.of("bad", () -> {
            throw new IOException("x");
        })).withRetries(1, Duration.ZERO);
        FlowRun<Object> run = Flow.of("f", () -> t.run()).runForState();
        assertThat(run.state()).isEqualTo(State.FAILED);
        assertThat(calls).containsExactly("running RUNNING", "running RUNNING", "failure FAILED");
    }

    @Test
    void aTasksHookRunsInItsFlowRunsContextAndGetsItsOwnRunAsTheArgument() {
        RunContext.Key<String> where = RunContext.Key.of("where");
        Task0<Object> t = Task.of("hooked-task", () -> {
            RunContext.attribute(where, () -> "task");
            throw new IOException("x");
        }).onFailure(r -> calls.add(r.definitionName() + " " + RunContext.attribute(where).orElse("none") + " "
                + RunContext.taskRun().isPresent() + " " + RunContext.flowRun().map(Run::definitionName).orElse("none")));
        Flow.of("hook-context", () -> {
            RunContext.attribute(where, () -> "flow");
            return t.run();
        }).runForState();
        assertThat(calls).containsExactly("hooked-task flow false hook-context");
    }

    @Test
    void crashFiresCrashedAndFailure() {
        FlowRun<Object> run = hooked(Flow.of("crash", () -> {
            throw new AssertionError("bug");
        })).runForState();
        assertThat(run.state()).isEqualTo(State.CRASHED);
        assertThat(calls).containsExactly("running RUNNING", "failure CRASHED", "crashed CRASHED");
    }

    @Test
    void cancellationHooks() {
        FlowRun<Object> run = hooked(Flow.of("cancel", () -> {
            throw new InterruptedException("stop");
        })).runForState();
        Thread.interrupted(); // clear the flag the engine keeps for us
        assertThat(run.state()).isEqualTo(State.CANCELLED);
        assertThat(calls).containsExactly("running RUNNING", "cancellation CANCELLED");
    }

    @Test
    void aHookThatThrowsIsLoggedAndChangesNothing() {
        Flow0<String> f = Flow.of("hooks-throw", () -> "fine")
                .onCompletion(r -> {
                    throw new IllegalStateException("hook bug");
                })
                .onCompletion(r -> calls.add("second hook still ran"));
        FlowRun<String> run = f.runForState();
        assertThat(run.state()).isEqualTo(State.COMPLETED);
        assertThat(run.result()).isEqualTo("fine");
        assertThat(calls).containsExactly("second hook still ran");
        assertThat(run.logs()).anySatisfy(l -> {
            assertThat(l.level()).isEqualTo("WARN");
            assertThat(l.message()).contains("onCompletion hook of flow 'hooks-throw'");
            assertThat(l.error()).contains("hook bug");
        });
        assertThat(f.run()).isEqualTo("fine");
    }

    @Test
    void aFailingFlowsFailureHookSeesTheFailedTask() {
        Task0<Object> extract = Task.of("extract", () -> {
            throw new IOException("source down");
        });
        List<String> seen = new CopyOnWriteArrayList<>();
        Flow.of("etl", () -> extract.run())
                .onFailure(r -> seen.add(r.failedTaskRun().orElseThrow().definitionName() + ": "
                        + r.error().orElseThrow().message()))
                .runForState();
        assertThat(seen).singleElement().asString().startsWith("extract: ").contains("source down");
    }

    @Test
    void hooksOfASubmittedTaskSeeTheRunsRuntimeAndFlowWhicheverThreadRunsThem(@TempDir Path home) throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (SluiceRuntime rt = SluiceRuntime.builder().home(home).blockStore(BlockStore.inMemory())
                .withoutExtensions().build()) {
            rt.run(() -> Blocks.save("ops", new LogNotifier("ops-alerts")));
            // the notifier resolves its block when it sends: that needs the run's runtime, not the default
            Notifier viaBlock = n -> {
                Blocks.load(LogNotifier.class, "ops").send(n);
                seen.add("sent");
            };
            Task<Integer, Integer> extract = Task.named("extract")
                    .onFailure(r -> seen.add("runtime " + (SluiceRuntime.current() == rt) + ", flow "
                            + RunContext.flowRun().map(Run::definitionName).orElse("none")))
                    .onFailure(Notify.via(viaBlock).withRetries(0, Duration.ZERO))
                    .of((Integer i) -> {
                        throw new IllegalStateException("extract " + i + " failed");
                    });
            FlowRun<Integer> run = rt.runForState(Flow.named("etl").withMaxConcurrency(1).of((Integer n) -> {
                TaskFuture<Integer> f = extract.submit(n);
                try {
                    return f.join();
                } catch (TaskFailedException e) {
                    return -1;
                }
            }), 1);
            assertThat(run.state()).isEqualTo(State.COMPLETED);
            assertThat(run.taskRuns().get(0).logs()).noneSatisfy(l -> assertThat(l.message()).contains("notification about"));
        }
        assertThat(seen).containsExactlyInAnyOrder("runtime true, flow etl", "sent");
    }

    @Test
    void closingTheRuntimeWaitsForALateNotificationInsteadOfDroppingIt(@TempDir Path home) {
        java.util.concurrent.atomic.AtomicBoolean sent = new java.util.concurrent.atomic.AtomicBoolean();
        Notifier slow = n -> {
            try {
                Thread.sleep(600); // longer than the hook timeout: late
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            sent.set(true);
        };
        Flow0<String> failing = Flow.of("late-alert", () -> {
            throw new IllegalStateException("broken");
        });
        long closed;
        long start = System.nanoTime();
        try (SluiceRuntime rt = SluiceRuntime.builder().home(home).withoutExtensions().blockStore(BlockStore.inMemory())
                .hookTimeout(Duration.ofMillis(100)).build()) {
            Flow0<String> alerted = failing.onFailure(Notify.via(slow).withRetries(0, Duration.ZERO));
            FlowRun<String> run = rt.call(alerted::runForState);
            assertThat(run.state()).isEqualTo(State.FAILED);
            assertThat(sent).as("the run's outcome is not held back by the late hook").isFalse();
        }
        closed = System.nanoTime() - start;
        assertThat(sent).as("close() waited for the late notification").isTrue();
        assertThat(Duration.ofNanos(closed)).isLessThan(Duration.ofSeconds(10));
    }
}
