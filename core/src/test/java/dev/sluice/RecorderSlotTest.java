package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** {@link RunRecorder.Slot}: a recorder's value kept with each run, from its first state to its last. */
class RecorderSlotTest {

    /** Keeps each run's first state in a slot and, at its last, what the slot held then. */
    static final class FirstStates implements RunRecorder {
        final RunRecorder.Slot<State> first = RunRecorder.Slot.create();
        final RunRecorder.Slot<String> other = RunRecorder.Slot.create();
        final Map<String, String> atEnd = new ConcurrentHashMap<>();

        @Override
        public void stateChanged(Run run, StateChange change) {
            State state = change.state();
            if (state == State.PENDING || state == State.SCHEDULED) {
                first.set(run, state);
                other.set(run, "other of " + run.definitionName());
            } else if (state.isTerminal()) {
                atEnd.put(run.name(), first.get(run) + "/" + other.get(run));
                first.set(run, null);
                assertThat(first.get(run)).isNull();
                assertThat(other.get(run)).as("another slot of the same run is left alone").isEqualTo("other of " + run.definitionName());
                other.set(run, null);
            }
        }
    }

    @Test
    void eachRunKeepsItsOwnValueAcrossThreadsUntilTheRecorderForgetsIt() {
        FirstStates recorder = new FirstStates();
        Task<Integer, Integer> square = Task.of("square", (Integer x) -> x * x).withRunName("square-{arg0}");
        Flow<Integer, Integer> flow = Flow.of("sum", (Integer n) -> {
            int called = square.run(n);
            int submitted = 0;
            for (TaskFuture<Integer> f : square.map(List.of(1, 2, 3))) {
                submitted += f.join();
            }
            return called + submitted;
        }).withRunName("sum-{arg0}");
        try (SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().recorder(recorder).build()) {
            assertThat(runtime.run(flow, 4)).isEqualTo(16 + 1 + 4 + 9);
            FlowRun<?> run = runtime.recentRuns().flowRuns().get(0);
            assertThat(recorder.first.get(run)).as("forgotten at the end").isNull();
        }
        assertThat(recorder.atEnd).containsEntry("sum-4", "PENDING/other of sum")
                .containsEntry("square-4", "PENDING/other of square")
                .containsEntry("square-1", "SCHEDULED/other of square")
                .containsEntry("square-2", "SCHEDULED/other of square")
                .containsEntry("square-3", "SCHEDULED/other of square");
    }

    @Test
    void aRunNotMadeByARuntimeKeepsItsValueToo() {
        RunRecorder.Slot<String> slot = RunRecorder.Slot.create();
        Run a = new Foreign("a");
        Run b = new Foreign("b");
        slot.set(a, "value of a");
        assertThat(slot.get(a)).isEqualTo("value of a");
        assertThat(slot.get(b)).isNull();
        assertThat(RunRecorder.Slot.<String>create().get(a)).as("another slot").isNull();
        slot.set(a, null);
        assertThat(slot.get(a)).isNull();
    }

    /** A run a test made by hand. */
    private record Foreign(String id) implements Run {
        @Override
        public String name() {
            return id;
        }

        @Override
        public String definitionName() {
            return "hand-made";
        }

        @Override
        public Optional<String> version() {
            return Optional.empty();
        }

        @Override
        public State state() {
            return State.RUNNING;
        }

        @Override
        public List<StateChange> history() {
            return List.of();
        }

        @Override
        public int attempts() {
            return 1;
        }

        @Override
        public Optional<ErrorInfo> error() {
            return Optional.empty();
        }

        @Override
        public Map<String, Object> parameters() {
            return Map.of();
        }

        @Override
        public Set<String> tags() {
            return Set.of();
        }

        @Override
        public Optional<Instant> startTime() {
            return Optional.empty();
        }

        @Override
        public Optional<Instant> endTime() {
            return Optional.empty();
        }

        @Override
        public Duration duration() {
            return Duration.ZERO;
        }

        @Override
        public List<LogLine> logs() {
            return List.of();
        }
    }
}
