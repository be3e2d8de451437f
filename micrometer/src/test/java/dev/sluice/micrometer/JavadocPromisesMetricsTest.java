package dev.sluice.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Flow;
import dev.sluice.SluiceRuntime;
import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The micrometer module's public Javadoc, sentence by sentence, against a SimpleMeterRegistry. */
class JavadocPromisesMetricsTest {
    @TempDir
    Path dir;

    /** A clock tests move by hand. */
    static final class HandClock extends Clock {
        final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-05-01T10:00:00Z"));

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        void advance(Duration d) {
            now.updateAndGet(i -> i.plus(d));
        }
    }

    @Test
    void flowRunTimersHoldTheDurationFromStartToEndByState() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        HandClock clock = new HandClock();
        Flow<Integer, Integer> slow = Flow.of("slow", (Integer seconds) -> {
            clock.advance(Duration.ofSeconds(seconds));
            if (seconds > 5) {
                throw new IllegalStateException("too slow");
            }
            return seconds;
        });
        try (SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().clock(clock)
                .recorder(SluiceMetrics.recorder(registry)).build()) {
            runtime.run(slow, 3);
            assertThatThrownBy(() -> runtime.run(slow, 7)).isNotNull();
        }
        Timer completed = registry.get(SluiceMetrics.FLOW_RUNS).tag("flow", "slow").tag("state", "COMPLETED").timer();
        Timer failed = registry.get(SluiceMetrics.FLOW_RUNS).tag("flow", "slow").tag("state", "FAILED").timer();
        assertThat(completed.count()).isEqualTo(1);
        assertThat(completed.totalTime(TimeUnit.SECONDS)).isEqualTo(3.0);
        assertThat(failed.totalTime(TimeUnit.SECONDS)).isEqualTo(7.0);
        assertThat(registry.get(SluiceMetrics.FLOW_RUNS_STARTED).tag("flow", "slow").counter().count()).isEqualTo(2.0);
        // tags: names and states, never run ids
        registry.getMeters().forEach(m -> assertThat(m.getId().getTags())
                .allSatisfy(t -> assertThat(t.getKey()).isIn("flow", "task", "state", "result")));
    }

    @Test
    void historyMetricsReadTheWriterAndARebindReplacesTheMeters() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        HistoryDatabase db = HistoryDatabase.sqlite(dir.resolve("runs.db"));
        try (History first = History.open(db)) {
            assertThatThrownBy(() -> HistoryMetrics.of(first).withWriter(" ")).isInstanceOf(IllegalArgumentException.class);
            HistoryMetrics.of(first).bindTo(registry);
            try (SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().recorder(first.recorder()).build()) {
                runtime.run(Flow.of("f", (String s) -> s), "x");
            }
            assertThat(first.flush()).isTrue();
            double written = registry.get(HistoryMetrics.WRITTEN).tag("writer", HistoryMetrics.DEFAULT_WRITER)
                    .tag("database", first.description()).functionCounter().count();
            assertThat(written).isEqualTo(first.stats().written()).isPositive();
            assertThat(registry.get(HistoryMetrics.QUEUE).gauge().value()).isZero();
            assertThat(registry.get(HistoryMetrics.LOST).functionCounter().count()).isZero();
        }
        try (History second = History.open(db)) {
            HistoryMetrics.of(second).bindTo(registry);
            assertThat(registry.find(HistoryMetrics.WRITTEN).functionCounters()).hasSize(1);
            assertThat(registry.get(HistoryMetrics.WRITTEN).functionCounter().count()).isEqualTo(second.stats().written());
            // another writer on the same database: its own meters
            HistoryMetrics.of(second).withWriter("worker").bindTo(registry);
            assertThat(registry.find(HistoryMetrics.WRITTEN).functionCounters()).hasSize(2);
        }
    }

    @Test
    void javadocExamplesCompile() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (SluiceRuntime runtime = SluiceRuntime.builder().recorder(SluiceMetrics.recorder(registry)).build();
                History history = History.open(HistoryDatabase.sqlite(dir.resolve("ex.db")))) {
            HistoryMetrics.of(history).bindTo(registry);
            assertThat(runtime).isNotNull();
        }
        assertThat(WorkerMetrics.listener(registry)).isNotNull();
    }
}
