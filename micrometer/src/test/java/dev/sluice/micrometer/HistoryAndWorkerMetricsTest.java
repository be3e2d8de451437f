package dev.sluice.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Flow;
import dev.sluice.Flow0;
import dev.sluice.SluiceRuntime;
import dev.sluice.Task;
import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.scheduler.Deployment;
import dev.sluice.scheduler.DeploymentRun;
import dev.sluice.scheduler.RunStatus;
import dev.sluice.scheduler.Worker;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The history writer's meters over a real SQLite history, and a real worker's firing lag. */
class HistoryAndWorkerMetricsTest {
    @TempDir
    Path dir;

    static final Flow0<Integer> HELLO = Flow.of("hello", () -> Task.of("greet", () -> 42).run());

    @Test
    void historyMetersFollowItsStatsIncludingRecordsLostAfterItClosed() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        History history = History.builder(HistoryDatabase.sqlite(dir.resolve("runs.db"))).queueCapacity(16).open();
        HistoryMetrics.of(history).bindTo(registry);
        try (SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().home(dir).recorder(history.recorder())
                .build()) {
            runtime.call(HELLO::run);
            assertThat(history.flush(Duration.ofSeconds(20))).isTrue();
            double recorded = registry.get(HistoryMetrics.RECORDED).functionCounter().count();
            assertThat(recorded).as("3 state changes of the flow run, 3 of the task run").isGreaterThanOrEqualTo(6);
            assertThat(registry.get(HistoryMetrics.WRITTEN).functionCounter().count()).isEqualTo(recorded);
            assertThat(registry.get(HistoryMetrics.LOST).functionCounter().count()).isZero();
            assertThat(registry.get(HistoryMetrics.QUEUE).gauge().value()).isZero();
            assertThat(registry.get(HistoryMetrics.WRITE_FAILURES).functionCounter().count()).isZero();
            assertThat(registry.get(HistoryMetrics.QUEUE).gauge().getId().getTag("database")).contains("runs.db");

            double written = registry.get(HistoryMetrics.WRITTEN).functionCounter().count();
            history.close();
            // recorded into a closed history: nobody will write them, so each is counted lost at once
            for (int i = 0; i < 5; i++) {
                runtime.call(HELLO::run);
            }
            assertThat(registry.get(HistoryMetrics.QUEUE).gauge().value()).isZero();
            assertThat(registry.get(HistoryMetrics.LOST).functionCounter().count())
                    .isEqualTo(registry.get(HistoryMetrics.RECORDED).functionCounter().count() - written)
                    .isEqualTo((double) history.stats().lost()).isPositive();
            assertThat(registry.get(HistoryMetrics.WRITTEN).functionCounter().count()).isEqualTo(written);
        }
    }

    /**
     * A history bound after another of the same database and writer (a worker or application context stopped and
     * started again) takes over the meters: Micrometer keeps the first meter of a name and tags, so they went on
     * reading the closed history.
     */
    @Test
    void aHistoryBoundInPlaceOfAClosedOneIsTheOneTheMetersRead() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        HistoryDatabase database = HistoryDatabase.sqlite(dir.resolve("runs.db"));
        History first = History.open(database);
        HistoryMetrics.of(first).withWriter("worker").bindTo(registry);
        first.close();
        try (History second = History.open(database);
                SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().home(dir).recorder(second.recorder())
                        .build()) {
            HistoryMetrics.of(second).withWriter("worker").bindTo(registry);
            runtime.call(HELLO::run);
            assertThat(second.flush(Duration.ofSeconds(20))).isTrue();
            assertThat(registry.find(HistoryMetrics.WRITTEN).functionCounters()).hasSize(1);
            assertThat(registry.get(HistoryMetrics.WRITTEN).functionCounter().count())
                    .isEqualTo((double) second.stats().written()).isPositive();
            assertThat(registry.get(HistoryMetrics.RECORDED).functionCounter().count()).isPositive();
        }
    }

    @Test
    void thePrometheusNamesOfTheHistoryMetersSayWhatTheyCount() {
        io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry = new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
        try (History history = History.open(HistoryDatabase.sqlite(dir.resolve("runs.db")))) {
            HistoryMetrics.of(history).bindTo(registry);
            String scrape = registry.scrape();
            assertThat(scrape).contains("sluice_history_records_recorded_records_total{", "sluice_history_records_written_records_total{",
                    "sluice_history_records_lost_records_total{", "sluice_history_queue_size_records{")
                    .as("failed attempts to write a batch are not records")
                    .contains("sluice_history_write_failures_total{").doesNotContain("write_failures_records");
        }
    }

    @Test
    void aWorkersListenerTimesTheFiringLagAndItsRecorderCountsItsFlowRuns() throws Exception {
        io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry = new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
        try (Worker worker = Worker.builder(HistoryDatabase.sqlite(dir.resolve("sluice.db")))
                .deployments(Deployment.of(HELLO))
                .pollingInterval(Duration.ofMillis(20)).plannerInterval(Duration.ofMillis(50))
                .stopGrace(Duration.ofSeconds(2))
                .recorder(SluiceMetrics.recorder(registry))
                .listener(WorkerMetrics.listener(registry))
                .start()) {
            HistoryMetrics.of(worker.history()).bindTo(registry);
            for (int i = 0; i < 2; i++) {
                String id = worker.client().trigger("hello");
                DeploymentRun run = worker.client().awaitFinished(id, Duration.ofSeconds(20)).orElseThrow();
                assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
            }
            Timer lag = registry.get(WorkerMetrics.LAG).tags("deployment", "hello", "kind", "MANUAL").timer();
            assertThat(lag.count()).isEqualTo(2);
            assertThat(lag.max(TimeUnit.NANOSECONDS)).isGreaterThanOrEqualTo(0).isLessThan(20e9);
            assertThat(registry.get(SluiceMetrics.FLOW_RUNS).tags("flow", "hello", "state", "COMPLETED").timer().count())
                    .isEqualTo(2);
            assertThat(registry.get(SluiceMetrics.TASK_RUNS).tags("task", "greet", "state", "COMPLETED").timer().count())
                    .isEqualTo(2);
            assertThat(worker.history().flush(Duration.ofSeconds(20))).isTrue();
            assertThat(registry.get(HistoryMetrics.WRITTEN).functionCounter().count()).isPositive();
            assertThat(registry.scrape()).as("as docs/observability.md names them")
                    .contains("sluice_schedule_lag_seconds_bucket{deployment=\"hello\",kind=\"MANUAL\",le=")
                    .contains("sluice_schedule_lag_seconds_count{deployment=\"hello\",kind=\"MANUAL\"} 2")
                    .contains("sluice_flow_runs_seconds_count{flow=\"hello\",state=\"COMPLETED\"} 2")
                    .contains("sluice_history_queue_size_records{database=");
        }
    }
}
