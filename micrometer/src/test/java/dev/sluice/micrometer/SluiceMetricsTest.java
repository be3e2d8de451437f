package dev.sluice.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Flow0;
import dev.sluice.Flow;
import dev.sluice.FlowRun;
import dev.sluice.InMemoryRunRecorder;
import dev.sluice.Run;
import dev.sluice.SluiceRuntime;
import dev.sluice.State;
import dev.sluice.Task;
import dev.sluice.Task0;
import dev.sluice.TaskFailedException;
import dev.sluice.cache.CachePolicy;
import dev.sluice.cache.ResultStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real flows (retries, a cache, failures) under a runtime with the metrics recorder. */
class SluiceMetricsTest {
    @TempDir
    Path home;

    /** The ids of every run the workload made, to look for in the meters. */
    private final InMemoryRunRecorder allRuns = new InMemoryRunRecorder(1_000);

    /** Runs a workload: flow "etl" three times (a flaky task retried twice, a cached lookup, a failing task caught), flow "broken" once. */
    private List<FlowRun<?>> runWorkload(MeterRegistry registry) {
        AtomicInteger flakyCalls = new AtomicInteger();
        Task0<String> flaky = Task.of("flaky", () -> {
            if (flakyCalls.incrementAndGet() <= 2) {
                throw new IllegalStateException("not yet");
            }
            return "ok";
        }).withRetries(2, Duration.ZERO);
        Task<String, Integer> lookup = Task.of("lookup", (String city) -> city.length()).withCache(CachePolicy.inputs());
        Task0<String> bad = Task.of("bad", () -> {
            throw new IllegalArgumentException("always fails");
        });
        Flow0<Integer> etl = Flow.of("etl", () -> {
            flaky.run();
            int n = lookup.run("Boston");
            try {
                bad.run();
            } catch (TaskFailedException expected) {
                // caught: the flow goes on
            }
            return n;
        });
        Flow0<Integer> broken = Flow.of("broken", () -> bad.run().length());
        List<FlowRun<?>> runs = new ArrayList<>();
        try (SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().home(home)
                .resultStore(ResultStore.inMemory()).recorder(allRuns)
                .recorder(SluiceMetrics.recorder(registry)).build()) {
            for (int i = 0; i < 3; i++) {
                runs.add(runtime.call(etl::runForState));
            }
            runs.add(runtime.call(broken::runForState));
        }
        return runs;
    }

    @Test
    void countsRunsByNameAndStateRetriesAndCacheHitsAndMisses() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        List<FlowRun<?>> runs = runWorkload(registry);
        assertThat(runs).extracting(Run::state).containsExactly(State.COMPLETED, State.COMPLETED, State.COMPLETED,
                State.FAILED);

        assertThat(registry.get(SluiceMetrics.FLOW_RUNS_STARTED).tag("flow", "etl").counter().count()).isEqualTo(3);
        assertThat(registry.get(SluiceMetrics.FLOW_RUNS_STARTED).tag("flow", "broken").counter().count()).isEqualTo(1);
        Timer etlCompleted = registry.get(SluiceMetrics.FLOW_RUNS).tags("flow", "etl", "state", "COMPLETED").timer();
        assertThat(etlCompleted.count()).isEqualTo(3);
        assertThat(etlCompleted.totalTime(TimeUnit.NANOSECONDS)).isPositive();
        assertThat(registry.get(SluiceMetrics.FLOW_RUNS).tags("flow", "broken", "state", "FAILED").timer().count())
                .isEqualTo(1);
        assertThat(registry.find(SluiceMetrics.FLOW_RUNS).tags("flow", "etl", "state", "FAILED").timer())
                .as("no meter for a state that never happened").isNull();

        // the flaky task failed twice (two retries) in the first flow run, then succeeded on every run
        assertThat(registry.get(SluiceMetrics.TASK_RUNS_STARTED).tag("task", "flaky").counter().count()).isEqualTo(3);
        assertThat(registry.get(SluiceMetrics.TASK_RETRIES).tag("task", "flaky").counter().count()).isEqualTo(2);
        assertThat(registry.get(SluiceMetrics.TASK_RUNS).tags("task", "flaky", "state", "COMPLETED").timer().count())
                .isEqualTo(3);
        assertThat(registry.get(SluiceMetrics.TASK_RETRIES).tag("task", "bad").counter().count()).isZero();
        assertThat(registry.get(SluiceMetrics.TASK_RUNS).tags("task", "bad", "state", "FAILED").timer().count())
                .as("three caught, one failing the broken flow").isEqualTo(4);

        // the lookup is computed once (a miss), then read from the cache twice (hits)
        assertThat(registry.get(SluiceMetrics.TASK_CACHE_GETS).tags("task", "lookup", "result", "miss").counter().count())
                .isEqualTo(1);
        assertThat(registry.get(SluiceMetrics.TASK_CACHE_GETS).tags("task", "lookup", "result", "hit").counter().count())
                .isEqualTo(2);
        assertThat(registry.get(SluiceMetrics.TASK_RUNS).tags("task", "lookup", "state", "CACHED").timer().count())
                .isEqualTo(2);
        assertThat(registry.find(SluiceMetrics.TASK_CACHE_GETS).tag("task", "flaky").counters())
                .as("an uncached task counts no misses").isEmpty();

        assertThat(registry.getMeters()).allSatisfy(meter -> assertThat(meter.getId().getTags())
                .allSatisfy(tag -> assertThat(tag.getKey()).isIn("flow", "task", "state", "result")));
    }

    @Test
    void taskNamesMadeFromDataStopMakingSeriesAtTheDocumentedCap() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        int names = SluiceMetrics.MAX_NAMES + 200;
        Flow0<Integer> fanOut = Flow.of("fan-out", () -> {
            int sum = 0;
            for (int i = 0; i < names; i++) {
                int n = i;
                sum += Task.of("fetch-city-" + i, () -> n).run(); // a task name made from data
            }
            return sum;
        });
        try (SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().home(home)
                .recorder(SluiceMetrics.recorder(registry)).build()) {
            assertThat(runtime.call(fanOut::runForState).state()).isEqualTo(State.COMPLETED);
        }
        List<String> tasks = registry.find(SluiceMetrics.TASK_RUNS_STARTED).counters().stream()
                .map(c -> c.getId().getTag("task")).toList();
        assertThat(tasks).hasSize(SluiceMetrics.MAX_NAMES + 1).contains("fetch-city-0", SluiceMetrics.OTHER_NAME)
                .doesNotContain("fetch-city-" + (names - 1));
        double other = registry.get(SluiceMetrics.TASK_RUNS_STARTED).tag("task", SluiceMetrics.OTHER_NAME).counter().count();
        assertThat(other).as("the runs of the names past the cap are still counted").isEqualTo(200);
        double total = registry.find(SluiceMetrics.TASK_RUNS).timers().stream().mapToLong(Timer::count).sum();
        assertThat(total).isEqualTo(names);
        assertThat(registry.scrape()).contains("sluice_task_runs_seconds_count{state=\"COMPLETED\",task=\""
                + SluiceMetrics.OTHER_NAME + "\"} 200");
    }

    @Test
    void twoRuntimesOnOneRegistryAddUpAndTheMetersOutliveTheRuntimes() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Flow0<Integer> hello = Flow.of("hello", () -> Task.of("greet", () -> 42).run());
        for (int i = 0; i < 2; i++) {
            try (SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().home(home.resolve("r" + i))
                    .recorder(SluiceMetrics.recorder(registry)).build()) {
                runtime.call(hello::run);
                runtime.call(hello::run);
            }
        }
        assertThat(registry.get(SluiceMetrics.FLOW_RUNS).tags("flow", "hello", "state", "COMPLETED").timer().count()).isEqualTo(4);
        assertThat(registry.find(SluiceMetrics.FLOW_RUNS).timers()).as("one series, not one per runtime").hasSize(1);
        assertThat(registry.scrape()).contains("sluice_task_runs_started_total{task=\"greet\"} 4.0")
                .contains("sluice_flow_runs_seconds_count{flow=\"hello\",state=\"COMPLETED\"} 4");
    }

    @Test
    void thePrometheusScrapeHasTheSeriesWithTheirTagsAndNoRunId() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        List<FlowRun<?>> runs = runWorkload(registry);
        String scrape = registry.scrape();

        assertThat(scrape)
                .contains("sluice_flow_runs_started_total{flow=\"etl\"} 3.0")
                .contains("sluice_flow_runs_seconds_count{flow=\"etl\",state=\"COMPLETED\"} 3")
                .contains("sluice_flow_runs_seconds_count{flow=\"broken\",state=\"FAILED\"} 1")
                .contains("sluice_task_retries_total{task=\"flaky\"} 2.0")
                .contains("sluice_task_cache_gets_total{result=\"hit\",task=\"lookup\"} 2.0")
                .contains("sluice_task_cache_gets_total{result=\"miss\",task=\"lookup\"} 1.0")
                .contains("sluice_task_runs_seconds_count{state=\"FAILED\",task=\"bad\"} 4")
                .as("percentile histograms").contains("sluice_task_runs_seconds_bucket{state=\"COMPLETED\",task=\"flaky\",le=");

        List<String> ids = new ArrayList<>();
        for (Run run : allRuns.runs()) {
            ids.add(run.id());
            ids.add(run.name());
        }
        for (FlowRun<?> run : runs) {
            ids.add(run.id());
            run.taskRuns().forEach(t -> {
                ids.add(t.id());
                ids.add(t.name()); // "flaky-0": a run name holds the run's number or id
            });
        }
        assertThat(ids).hasSizeGreaterThan(20);
        assertThat(ids).allSatisfy(id -> assertThat(scrape).doesNotContain(id));
    }
}
