package dev.sluice.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ContextCarrier;
import dev.sluice.Flow;
import dev.sluice.Flow0;
import dev.sluice.Task;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.scheduler.Deployment;
import dev.sluice.scheduler.DeploymentClient;
import dev.sluice.scheduler.DeploymentRun;
import dev.sluice.scheduler.RunStatus;
import dev.sluice.scheduler.Worker;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** From a manual trigger inside a span to the flow run a worker starts for it, through a SQLite file. */
class TriggerTraceTest {
    @TempDir
    Path dir;

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    private final Tracer tracer = otel.getTracer("user-code");

    static final Flow0<Integer> REPORT = Flow.of("report", () -> Task.of("count", () -> 7).run());

    @AfterEach
    void close() {
        otel.close();
    }

    private Optional<SpanData> span(String name) {
        return exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).findFirst();
    }

    private SpanData awaitSpan(String name) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (span(name).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no span " + name + " in " + exporter.getFinishedSpanItems());
            }
            Thread.sleep(20);
        }
        return span(name).orElseThrow();
    }

    @Test
    void theFlowRunAWorkerStartsForATriggerIsAChildOfTheTriggersSpan() throws Exception {
        HistoryDatabase db = HistoryDatabase.sqlite(dir.resolve("sluice.db"));
        try (Worker worker = Worker.builder(db).deployments(Deployment.of(REPORT))
                .pollingInterval(Duration.ofMillis(20)).plannerInterval(Duration.ofMillis(50)).stopGrace(Duration.ofSeconds(2))
                .recorder(SluiceTracing.recorder(otel))
                .start();
                DeploymentClient client = DeploymentClient.open(db)) { // as another process would: only the database is shared
            Span request = tracer.spanBuilder("POST /reports").startSpan();
            String runId;
            try (Scope ignored = request.makeCurrent()) {
                runId = client.trigger("report");
            } finally {
                request.end();
            }
            DeploymentRun run = client.awaitFinished(runId, Duration.ofSeconds(20)).orElseThrow();
            assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);

            SpanData flow = awaitSpan("flow report");
            SpanContext requestContext = request.getSpanContext();
            assertThat(flow.getTraceId()).isEqualTo(requestContext.getTraceId());
            assertThat(flow.getParentSpanId()).isEqualTo(requestContext.getSpanId());
            assertThat(flow.getParentSpanContext().isRemote()).as("carried through the database").isTrue();
            assertThat(flow.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey(SluiceTracing.RUN_ID)))
                    .isEqualTo(run.flowRunId());
            SpanData task = awaitSpan("task count");
            assertThat(task.getParentSpanId()).isEqualTo(flow.getSpanId());

            // a trigger outside any span starts a trace of its own
            String untraced = client.trigger("report");
            assertThat(client.awaitFinished(untraced, Duration.ofSeconds(20)).orElseThrow().status()).isEqualTo(RunStatus.COMPLETED);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals("flow report")).count() < 2) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                Thread.sleep(20);
            }
            List<SpanData> flows = exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals("flow report")).toList();
            assertThat(flows.get(1).getParentSpanContext().isValid()).isFalse();
            assertThat(flows.get(1).getTraceId()).isNotEqualTo(requestContext.getTraceId());
        }
    }

    @Test
    void theFlowRunAWorkerInAnotherJvmStartsForATriggerIsAChildOfTheTriggersSpan() throws Exception {
        Path file = dir.resolve("shared.db");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process worker = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
                RemoteWorkerMain.class.getName(), file.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        // not closed here: closing a reader another thread reads blocks; the worker closes its output when it ends
        java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(worker.getInputStream(),
                java.nio.charset.StandardCharsets.UTF_8));
        try {
            java.util.concurrent.BlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> out.lines().forEach(lines::add), "remote-worker-output");
            reader.setDaemon(true);
            reader.start();
            String line;
            do {
                line = lines.poll(60, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(line).as("the worker JVM says it is ready").isNotNull();
            } while (!line.equals("READY"));

            Span request = tracer.spanBuilder("POST /reports").startSpan();
            String runId;
            try (DeploymentClient client = DeploymentClient.open(HistoryDatabase.sqlite(file))) {
                try (Scope ignored = request.makeCurrent()) {
                    runId = client.trigger("report");
                } finally {
                    request.end();
                }
                assertThat(client.awaitFinished(runId, Duration.ofSeconds(30)).orElseThrow().status()).isEqualTo(RunStatus.COMPLETED);
            }
            String flowLine = null;
            while (flowLine == null) {
                line = lines.poll(30, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(line).as("the worker JVM's span of the flow run").isNotNull();
                if (line.startsWith("SPAN flow_report ")) {
                    flowLine = line;
                }
            }
            assertThat(flowLine.split(" ")).containsExactly("SPAN", "flow_report", request.getSpanContext().getTraceId(),
                    request.getSpanContext().getSpanId(), "true");
        } finally {
            worker.getOutputStream().close();
            if (!worker.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                worker.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void theInstalledCarrierWritesAndReadsW3CTraceContext() {
        ContextCarrier carrier = ContextCarrier.installed();
        Map<String, String> map = new LinkedHashMap<>();
        carrier.inject(map);
        assertThat(map).as("no span current: nothing to carry").isEmpty();
        Span span = tracer.spanBuilder("trigger").startSpan();
        try (Scope ignored = span.makeCurrent()) {
            carrier.inject(map);
        } finally {
            span.end();
        }
        assertThat(map).containsKey("traceparent");
        assertThat(map.get("traceparent")).contains(span.getSpanContext().getTraceId()).contains(span.getSpanContext().getSpanId());
        try (dev.sluice.RunRecorder.Scope ignored = carrier.extract(map)) {
            assertThat(Span.current().getSpanContext().getSpanId()).isEqualTo(span.getSpanContext().getSpanId());
            assertThat(Span.current().getSpanContext().isRemote()).isTrue();
        }
        assertThat(Span.current().getSpanContext().isValid()).isFalse();

        Map<String, String> explicit = new LinkedHashMap<>();
        try (Scope ignored = span.makeCurrent()) {
            SluiceTracing.contextCarrier(otel).inject(explicit);
        }
        assertThat(explicit).isEqualTo(Map.of("traceparent", map.get("traceparent")));
    }
}
