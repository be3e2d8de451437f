package dev.sluice.opentelemetry;

import dev.sluice.history.HistoryDatabase;
import dev.sluice.scheduler.Deployment;
import dev.sluice.scheduler.Worker;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;

/**
 * A worker in a JVM of its own ({@link TriggerTraceTest}): serves {@link TriggerTraceTest#REPORT} from the SQLite file
 * given, and prints every span it ends as one line ({@code SPAN name trace parent remote}) until its input closes.
 */
public final class RemoteWorkerMain {
    private RemoteWorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        SpanExporter printer = new SpanExporter() {
            @Override
            public CompletableResultCode export(Collection<SpanData> spans) {
                for (SpanData s : spans) {
                    System.out.println("SPAN " + s.getName().replace(' ', '_') + " " + s.getTraceId() + " "
                            + s.getParentSpanId() + " " + s.getParentSpanContext().isRemote());
                }
                System.out.flush();
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode flush() {
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode shutdown() {
                return CompletableResultCode.ofSuccess();
            }
        };
        try (OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(printer)).build())
                .build();
                Worker worker = Worker.builder(HistoryDatabase.sqlite(Path.of(args[0])))
                        .deployments(Deployment.of(TriggerTraceTest.REPORT))
                        .pollingInterval(Duration.ofMillis(20)).plannerInterval(Duration.ofMillis(50))
                        .stopGrace(Duration.ofSeconds(2))
                        .recorder(SluiceTracing.recorder(otel))
                        .start()) {
            System.out.println("READY");
            System.out.flush();
            while (System.in.read() >= 0) {
                // until the test closes our input (or ends)
            }
        }
    }
}
