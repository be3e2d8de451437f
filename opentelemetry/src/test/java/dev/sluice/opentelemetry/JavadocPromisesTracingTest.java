package dev.sluice.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ContextCarrier;
import dev.sluice.Flow;
import dev.sluice.SluiceRuntime;
import dev.sluice.Task;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The opentelemetry module's public Javadoc, sentence by sentence, against the SDK's in-memory exporter. */
class JavadocPromisesTracingTest {
    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();

    @AfterEach
    void close() {
        otel.close();
    }

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
    }

    private static long nanos(Instant i) {
        return TimeUnit.SECONDS.toNanos(i.getEpochSecond()) + i.getNano();
    }

    @Test
    void spansCarrySluicesTimesNamesAttributesAndStatus() {
        HandClock clock = new HandClock();
        Instant start = clock.instant();
        Task<Integer, Integer> step = Task.of("step", (Integer i) -> {
            clock.now.updateAndGet(t -> t.plusSeconds(2));
            return i + 1;
        });
        Flow<Integer, Integer> flow = Flow.of("pipeline", (Integer i) -> {
            if (i < 0) {
                throw new IllegalArgumentException("negative");
            }
            return step.run(i);
        });
        try (SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().clock(clock)
                .recorder(SluiceTracing.recorder(otel)).build()) {
            assertThat(runtime.run(flow, 1)).isEqualTo(2);
            assertThatThrownBy(() -> runtime.run(flow, -1)).isNotNull();
        }
        List<SpanData> spans = exporter.getFinishedSpanItems();
        SpanData task = spans.stream().filter(s -> s.getName().equals("task step")).findFirst().orElseThrow();
        List<SpanData> flows = spans.stream().filter(s -> s.getName().equals("flow pipeline")).toList();
        assertThat(flows).hasSize(2);
        SpanData ok = flows.get(0);
        SpanData failed = flows.get(1);
        assertThat(task.getParentSpanId()).isEqualTo(ok.getSpanId());
        assertThat(ok.getStartEpochNanos()).isEqualTo(nanos(start));
        assertThat(ok.getEndEpochNanos() - ok.getStartEpochNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(2));
        assertThat(ok.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
        assertThat(ok.getAttributes().get(AttributeKey.stringKey(SluiceTracing.RUN_KIND))).isEqualTo("flow");
        assertThat(task.getAttributes().get(AttributeKey.stringKey(SluiceTracing.RUN_KIND))).isEqualTo("task");
        assertThat(ok.getAttributes().get(AttributeKey.stringKey(SluiceTracing.DEFINITION_NAME))).isEqualTo("pipeline");
        assertThat(ok.getAttributes().get(AttributeKey.stringKey(SluiceTracing.STATE))).isEqualTo("COMPLETED");
        assertThat(ok.getAttributes().get(AttributeKey.stringKey(SluiceTracing.RUN_ID))).isNotBlank();
        assertThat(ok.getAttributes().get(AttributeKey.stringKey(SluiceTracing.RUN_NAME))).isNotBlank();
        assertThat(ok.getAttributes().get(AttributeKey.longKey(SluiceTracing.ATTEMPTS))).isEqualTo(1L);
        assertThat(failed.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(failed.getAttributes().get(AttributeKey.stringKey(SluiceTracing.STATE))).isEqualTo("FAILED");
        assertThat(failed.getEvents()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("exception");
            assertThat(e.getAttributes().get(AttributeKey.stringKey("exception.message"))).contains("negative");
        });
        assertThat(failed.getParentSpanContext().isValid()).isFalse(); // top-level run without a caller's span
    }

    @Test
    void theContextCarrierInjectsTheW3cTraceContext() {
        ContextCarrier carrier = SluiceTracing.contextCarrier(otel);
        var span = otel.getTracer("t").spanBuilder("caller").startSpan();
        try (var scope = span.makeCurrent()) {
            java.util.Map<String, String> carried = new java.util.HashMap<>();
            carrier.inject(carried);
            assertThat(carried.get("traceparent")).contains(span.getSpanContext().getTraceId());
        } finally {
            span.end();
        }
        assertThatThrownBy(() -> SluiceTracing.recorder(null)).isInstanceOf(NullPointerException.class);
    }
}
