package dev.sluice.benchmarks.observability;

import dev.sluice.Flow0;
import dev.sluice.Flow;
import dev.sluice.RunRecorder;
import dev.sluice.SluiceRuntime;
import dev.sluice.Task;
import dev.sluice.benchmarks.Interleaved;
import dev.sluice.block.BlockStore;
import dev.sluice.cache.ResultStore;
import dev.sluice.micrometer.SluiceMetrics;
import dev.sluice.opentelemetry.SluiceTracing;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.nio.file.Files;
import java.util.Collection;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntUnaryOperator;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Issue 20, overhead of metrics and tracing: a trivial task ({@code Blackhole.consumeCPU(1)} and
 * {@code x + 1}) run 1,000 times inside a flow, under a plain runtime, with {@code SluiceMetrics} on a
 * Prometheus registry (timers with percentile histograms), with {@code SluiceTracing} on an OpenTelemetry
 * SDK (every span sampled, a batch span processor, an exporter that counts and drops), and with both; and
 * the lambda called directly. Variants interleaved round by round in one JVM. A variant's overhead is its
 * time per task run minus the direct call's in the same round; the target is the overhead with metrics and
 * tracing at most 2x the plain runtime's.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.sluice.benchmarks.observability.ObservabilityOverhead [rounds] [warmup]
 * </pre>
 */
public final class ObservabilityOverhead {
    private ObservabilityOverhead() {
    }

    static final int OPS = 1_000;

    /** Counts what the batch processor hands over and drops it, as an exporter whose network is free would. */
    static final class CountingExporter implements SpanExporter {
        final LongAdder spans = new LongAdder();

        @Override
        public CompletableResultCode export(Collection<SpanData> batch) {
            spans.add(batch.size());
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
    }

    private static SluiceRuntime runtime(RunRecorder... recorders) throws Exception {
        SluiceRuntime.Builder b = SluiceRuntime.builder()
                .home(Files.createTempDirectory("sluice-bench"))
                .blockStore(BlockStore.inMemory())
                .resultStore(ResultStore.inMemory())
                .withoutExtensions();
        for (RunRecorder r : recorders) {
            b.recorder(r);
        }
        return b.build();
    }

    public static void main(String[] args) throws Exception {
        if (Interleaved.forked(ObservabilityOverhead.class, args)) {
            return;
        }
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 21;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        System.out.printf(Locale.ROOT, "ObservabilityOverhead: %d task runs a flow, %d rounds after %d warm-up (load %s)%n",
                OPS, rounds, warmup, Interleaved.load());
        IntUnaryOperator body = x -> {
            Blackhole.consumeCPU(1);
            return x + 1;
        };
        Task<Integer, Integer> task = Task.of("inc", (Integer x) -> body.applyAsInt(x));
        Flow0<Integer> flow = Flow.of("overhead", () -> {
            int x = 0;
            for (int i = 0; i < OPS; i++) {
                x = task.run(x);
            }
            return x;
        });
        RunRecorder nothing = (run, change) -> {
        };
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        CountingExporter exporter = new CountingExporter();
        try (OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
                        .setTracerProvider(SdkTracerProvider.builder().setSampler(Sampler.alwaysOn())
                                .addSpanProcessor(BatchSpanProcessor.builder(exporter).build()).build())
                        .build();
                OpenTelemetrySdk unsampled = OpenTelemetrySdk.builder()
                        .setTracerProvider(SdkTracerProvider.builder().setSampler(Sampler.alwaysOff())
                                .addSpanProcessor(BatchSpanProcessor.builder(exporter).build()).build())
                        .build();
                SluiceRuntime plain = runtime();
                SluiceRuntime noop = runtime(nothing);
                SluiceRuntime bothUnsampled = runtime(SluiceMetrics.recorder(registry), SluiceTracing.recorder(unsampled));
                SluiceRuntime metrics = runtime(SluiceMetrics.recorder(registry));
                SluiceRuntime tracing = runtime(SluiceTracing.recorder(otel));
                SluiceRuntime both = runtime(SluiceMetrics.recorder(registry), SluiceTracing.recorder(otel))) {
            String direct = "direct lambda call";
            String off = "plain runtime (metrics and tracing off)";
            String m = "metrics (Prometheus registry)";
            String t = "tracing (OpenTelemetry SDK, all sampled)";
            String mt = "metrics and tracing";
            String sdk = "direct call in a bare OpenTelemetry span (the SDK's floor)";
            String nop = "a recorder that does nothing";
            String mtu = "metrics and tracing, spans not sampled";
            io.opentelemetry.api.trace.Tracer bareTracer = otel.getTracer("bare");
            Interleaved bench = new Interleaved()
                    .add(direct, OPS, n -> {
                        int x = 0;
                        for (int i = 0; i < n; i++) {
                            x = body.applyAsInt(x);
                        }
                        return x;
                    })
                    .add(sdk, OPS, n -> {
                        int x = 0;
                        for (int i = 0; i < n; i++) {
                            io.opentelemetry.api.trace.Span span = bareTracer.spanBuilder("inc").startSpan();
                            x = body.applyAsInt(x);
                            span.end();
                        }
                        return x;
                    })
                    .add(off, OPS, n -> plain.call(flow::run))
                    .add(nop, OPS, n -> noop.call(flow::run))
                    .add(mtu, OPS, n -> bothUnsampled.call(flow::run))
                    .add(m, OPS, n -> metrics.call(flow::run))
                    .add(t, OPS, n -> tracing.call(flow::run))
                    .add(mt, OPS, n -> both.call(flow::run))
                    .run(warmup, rounds, 100);
            bench.print();
            System.out.printf(Locale.ROOT, "%nspans handed to the exporter: %d; load average after: %s%n", exporter.spans.sum(),
                    Interleaved.load());
            double[] d = bench.figures(direct);
            for (String[] v : new String[][] {{off, "off"}, {nop, "noopRecorder"}, {m, "metrics"}, {t, "tracing"},
                    {mt, "metricsAndTracing"}, {mtu, "metricsAndUnsampledTracing"}, {sdk, "bareSdkSpan"}}) {
                Interleaved.figureLine("observability.overhead." + v[1], bench.median(v[0]) - bench.median(direct), "ns/task-run");
            }
            Interleaved.ratioLine("observability.metrics/off", overheadRatio(bench.figures(m), bench.figures(off), d));
            Interleaved.ratioLine("observability.tracing/off", overheadRatio(bench.figures(t), bench.figures(off), d));
            Interleaved.ratioLine("observability.metricsAndTracing/off", overheadRatio(bench.figures(mt), bench.figures(off), d));
            Interleaved.ratioLine("observability.metricsAndUnsampledTracing/off",
                    overheadRatio(bench.figures(mtu), bench.figures(off), d));
            Interleaved.ratioLine("observability.noopRecorder/off", overheadRatio(bench.figures(nop), bench.figures(off), d));
        }
    }

    /** The median over rounds of {@code (a - direct) / (b - direct)}, each from the same round. */
    private static double overheadRatio(double[] a, double[] b, double[] direct) {
        double[] r = new double[a.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = (a[i] - direct[i]) / (b[i] - direct[i]);
        }
        return Interleaved.percentile(r, 50);
    }
}
