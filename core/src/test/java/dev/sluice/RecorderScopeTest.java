package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.internal.RuntimeState;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link RunRecorder#enter}: when the engine calls it, on which thread, and that every scope is closed. */
class RecorderScopeTest {

    /** Keeps a per-thread stack of the runs entered, like a tracing context, and a log of what happened. */
    static final class ScopeRecorder implements RunRecorder {
        final ThreadLocal<Deque<String>> current = ThreadLocal.withInitial(ArrayDeque::new);
        final List<String> events = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger open = new AtomicInteger();

        @Override
        public void stateChanged(Run run, StateChange change) {
            events.add(run.definitionName() + " " + change.state());
        }

        @Override
        public Scope enter(Run run) {
            Thread entered = Thread.currentThread();
            Deque<String> stack = current.get();
            stack.push(run.definitionName());
            open.incrementAndGet();
            events.add(run.definitionName() + " enter " + run.attempts());
            return () -> {
                assertThat(Thread.currentThread()).as("closed on the thread it was entered on").isSameAs(entered);
                assertThat(current.get().pop()).isEqualTo(run.definitionName());
                open.decrementAndGet();
                events.add(run.definitionName() + " close");
            };
        }

        /** The run entered innermost on this thread. */
        String inside() {
            return String.valueOf(current.get().peek());
        }
    }

    @Test
    void theScopeIsInForceInsideEachAttemptsBodyBetweenRunningAndTheOutcome() {
        ScopeRecorder recorder = new ScopeRecorder();
        List<String> seenInBodies = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger calls = new AtomicInteger();
        Task0<String> flaky = Task.of("flaky", () -> {
            seenInBodies.add("flaky sees " + recorder.inside());
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("first attempt fails");
            }
            return "ok";
        }).withRetries(1, Duration.ZERO);
        Flow0<String> flow = Flow.of("outer", () -> {
            seenInBodies.add("outer sees " + recorder.inside());
            String r = flaky.run();
            seenInBodies.add("outer sees " + recorder.inside() + " after the task");
            return r;
        });
        try (SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().recorder(recorder).build()) {
            assertThat(RuntimeState.of(runtime).entersRuns()).isTrue();
            assertThat(runtime.call(() -> flow.run())).isEqualTo("ok");
        }
        assertThat(seenInBodies).containsExactly("outer sees outer", "flaky sees flaky", "flaky sees flaky",
                "outer sees outer after the task");
        assertThat(recorder.open).hasValue(0);
        assertThat(recorder.events).containsExactly(
                "outer PENDING", "outer RUNNING", "outer enter 1",
                "flaky PENDING", "flaky RUNNING", "flaky enter 1", "flaky close", "flaky RETRYING",
                "flaky RUNNING", "flaky enter 2", "flaky close", "flaky COMPLETED",
                "outer close", "outer COMPLETED");
        assertThat(recorder.current.get()).as("nothing left in force on the caller's thread").isEmpty();
    }

    @Test
    void submittedTasksTimedBodiesAndSubflowsEnterOnTheThreadThatRunsTheBody() {
        ScopeRecorder recorder = new ScopeRecorder();
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        Task<Integer, Integer> submitted = Task.of("submitted", (Integer i) -> {
            seen.add("submitted sees " + recorder.inside());
            return i;
        });
        Task0<String> timed = Task.of("timed", () -> {
            seen.add("timed sees " + recorder.inside());
            return "t";
        }).withTimeout(Duration.ofSeconds(30));
        Flow0<String> sub = Flow.of("sub", () -> {
            seen.add("sub sees " + recorder.inside());
            return timed.run();
        });
        Flow0<Integer> flow = Flow.of("main", () -> {
            List<TaskFuture<Integer>> futures = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                futures.add(submitted.submit(i));
            }
            sub.run();
            return futures.stream().mapToInt(TaskFuture::join).sum();
        });
        try (SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().recorder(recorder).build()) {
            assertThat(runtime.call(() -> flow.run())).isEqualTo(6);
        }
        assertThat(seen).containsOnly("submitted sees submitted", "timed sees timed", "sub sees sub").hasSize(6);
        assertThat(recorder.open).hasValue(0);
    }

    @Test
    void theScopeIsClosedWhenTheBodyThrowsAndAFailingEnterDoesNotChangeTheRun() {
        ScopeRecorder recorder = new ScopeRecorder();
        RunRecorder broken = new RunRecorder() {
            @Override
            public void stateChanged(Run run, StateChange change) {
            }

            @Override
            public Scope enter(Run run) {
                throw new IllegalStateException("broken recorder");
            }
        };
        Task0<String> failing = Task.of("failing", () -> {
            throw new IllegalArgumentException("boom");
        });
        Flow0<String> flow = Flow.of("fails", () -> failing.run());
        try (SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().recorder(broken).recorder(recorder).build()) {
            FlowRun<String> run = runtime.call(() -> flow.runForState());
            assertThat(run.state()).isEqualTo(State.FAILED);
            assertThat(run.failedTaskRun()).get().extracting(TaskRun::attempts).isEqualTo(1);
        }
        assertThat(recorder.open).hasValue(0);
        assertThat(recorder.events).containsSubsequence("failing enter 1", "failing close", "failing FAILED",
                "fails close", "fails FAILED");
    }

    @Test
    void aRuntimeWhoseRecordersDoNotOverrideEnterNeverCallsIt() {
        InMemoryRunRecorder plain = new InMemoryRunRecorder(10);
        try (SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().recorder(plain).build()) {
            assertThat(RuntimeState.of(runtime).entersRuns()).isFalse();
            assertThat(runtime.call(() -> Flow.of("f", () -> 1).run())).isEqualTo(1);
        }
        try (SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().build()) {
            assertThat(RuntimeState.of(runtime).entersRuns()).isFalse();
        }
        assertThat(RunRecorder.Scope.NOOP).isNotNull();
    }
}
