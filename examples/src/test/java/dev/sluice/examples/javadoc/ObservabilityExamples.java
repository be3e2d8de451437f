package dev.sluice.examples.javadoc;

import dev.sluice.SluiceRuntime;
import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.micrometer.HistoryMetrics;
import dev.sluice.micrometer.SluiceMetrics;
import dev.sluice.micrometer.WorkerMetrics;
import dev.sluice.opentelemetry.SluiceTracing;
import dev.sluice.scheduler.Deployment;
import dev.sluice.scheduler.Worker;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;

/**
 * The code examples of sluice-micrometer's and sluice-opentelemetry's Javadoc, each in a method that first declares
 * what the example uses ({@link dev.sluice.examples.JavadocExamplesTest} checks they stand here line for line).
 */
@SuppressWarnings("unused")
final class ObservabilityExamples {
    private ObservabilityExamples() {
    }

    /** {@link HistoryMetrics}'s class comment. */
    static void historyMetrics(History history, MeterRegistry registry) {
        HistoryMetrics.of(history).bindTo(registry);
    }

    /** {@link SluiceMetrics}'s class comment. */
    static SluiceRuntime sluiceMetrics(MeterRegistry registry) {
        SluiceRuntime runtime = SluiceRuntime.builder().recorder(SluiceMetrics.recorder(registry)).build();
        return runtime;
    }

    /** {@link WorkerMetrics}'s class comment. */
    static Worker workerMetrics(HistoryDatabase database, Deployment daily, MeterRegistry registry) {
        Worker worker = Worker.builder(database).deployments(daily)
                .recorder(SluiceMetrics.recorder(registry))
                .listener(WorkerMetrics.listener(registry))
                .start();
        return worker;
    }

    /** The package comment of {@code dev.sluice.micrometer}. */
    static void micrometerPackage(History history, HistoryDatabase database, Deployment daily, MeterRegistry registry) {
        SluiceRuntime runtime = SluiceRuntime.builder().recorder(SluiceMetrics.recorder(registry)).build();
        HistoryMetrics.of(history).bindTo(registry);
        Worker worker = Worker.builder(database).deployments(daily)
                .recorder(SluiceMetrics.recorder(registry)).listener(WorkerMetrics.listener(registry)).start();
    }

    /** {@link SluiceTracing}'s class comment. */
    static SluiceRuntime sluiceTracing(OpenTelemetry openTelemetry) {
        SluiceRuntime runtime = SluiceRuntime.builder().recorder(SluiceTracing.recorder(openTelemetry)).build();
        return runtime;
    }

    /** The package comment of {@code dev.sluice.opentelemetry}. */
    static void openTelemetryPackage(OpenTelemetry openTelemetry, HistoryDatabase database, Deployment daily) {
        SluiceRuntime runtime = SluiceRuntime.builder().recorder(SluiceTracing.recorder(openTelemetry)).build();
        Worker worker = Worker.builder(database).deployments(daily).recorder(SluiceTracing.recorder(openTelemetry)).start();
    }
}
