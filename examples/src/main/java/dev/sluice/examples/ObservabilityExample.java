package dev.sluice.examples;

import dev.sluice.Flow;
import dev.sluice.SluiceRuntime;
import dev.sluice.Task;
import dev.sluice.micrometer.SluiceMetrics;
import dev.sluice.opentelemetry.SluiceTracing;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.exporter.logging.LoggingSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The README's "Metrics and traces" section: a runtime with the Micrometer and OpenTelemetry recorders,
 * a flow run under it, and the meter that counted it (the spans go to a logging exporter).
 */
public final class ObservabilityExample {
    private ObservabilityExample() {
    }

    public static void main(String[] args) throws Exception {
        Path home = Files.createTempDirectory("sluice-observability-example");
        // observability-start
        MeterRegistry registry = new SimpleMeterRegistry();            // the application's registry
        OpenTelemetrySdk openTelemetry = OpenTelemetrySdk.builder()    // the application's OpenTelemetry
                .setTracerProvider(SdkTracerProvider.builder()
                        .addSpanProcessor(SimpleSpanProcessor.create(LoggingSpanExporter.create())).build())
                .build();
        try (SluiceRuntime runtime = SluiceRuntime.builder()
                .home(home)
                .recorder(SluiceMetrics.recorder(registry))            // sluice.flow.runs, sluice.task.runs, ...
                .recorder(SluiceTracing.recorder(openTelemetry))       // a span per flow run and task run
                .build()) {
            Task<String, Integer> extract = Task.of("extract", (String city) -> city.length())
                    .withRetries(2, Duration.ofMillis(100));
            Flow<String, Integer> etl = Flow.of("etl", (String city) -> extract.run(city) * 2);
            runtime.run(etl, "Boston");
        }
        double completed = registry.get("sluice.flow.runs").tags("flow", "etl", "state", "COMPLETED").timer().count();
        System.out.println("completed runs of etl: " + completed);
        // observability-end
        openTelemetry.close();
    }
}
