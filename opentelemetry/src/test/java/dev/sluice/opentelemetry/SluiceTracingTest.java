package dev.sluice.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Flow;
import dev.sluice.Flow0;
import dev.sluice.FlowRun;
import dev.sluice.SluiceRuntime;
import dev.sluice.State;
import dev.sluice.Task;
import dev.sluice.Task0;
import dev.sluice.TaskFuture;
import dev.sluice.TaskRun;
import dev.sluice.block.Secret;
import dev.sluice.cache.CachePolicy;
import dev.sluice.cache.ResultStore;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spans of real runs, exported to the SDK's in-memory exporter. */
class SluiceTracingTest {
    @TempDir
    Path home;

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
            .build();
    private final Tracer userTracer = otel.getTracer("user-code");

    @AfterEach
    void close() {
        otel.close();
    }

    private SluiceRuntime runtime() {
        return SluiceRuntime.builder().withoutExtensions().home(home).resultStore(ResultStore.inMemory())
                .recorder(SluiceTracing.recorder(otel)).build();
    }

    private static String attr(SpanData span, String key) {
        return String.valueOf(span.getAttributes().get(AttributeKey.stringKey(key)));
    }

    private Map<String, SpanData> byName() {
        return exporter.getFinishedSpanItems().stream().collect(Collectors.toMap(SpanData::getName, Function.identity(),
                (a, b) -> a));
    }

    @Test
    void runsAreSpansNestedAsTheRunsAreWithTheirAttributesUnderTheCallersSpan() {
        AtomicInteger calls = new AtomicInteger();
        Task0<String> flaky = Task.of("flaky", () -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("first attempt fails");
            }
            return "ok";
        }).withRetries(1, Duration.ZERO);
        Task<String, Integer> lookup = Task.of("lookup", (String s) -> s.length()).withCache(CachePolicy.inputs());
        Task0<String> outer = Task.of("outer", () -> Task.of("inner", () -> "in").run());
        Flow0<Integer> sub = Flow.of("sub", () -> lookup.run("Boston"));
        Flow0<Integer> main = Flow.of("main", () -> {
            flaky.run();
            outer.run();
            lookup.run("Boston");
            return sub.run();
        });
        FlowRun<Integer> run;
        Span caller = userTracer.spanBuilder("caller").startSpan();
        try (SluiceRuntime runtime = runtime(); Scope ignored = caller.makeCurrent()) {
            run = runtime.call(main::runForState);
        } finally {
            caller.end();
        }
        assertThat(run.state()).isEqualTo(State.COMPLETED);
        Map<String, SpanData> spans = byName();
        assertThat(spans).containsOnlyKeys("caller", "flow main", "task flaky", "task outer", "task inner", "task lookup",
                "flow sub");
        List<SpanData> lookups = exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals("task lookup")).toList();
        assertThat(lookups).hasSize(2);
        assertThat(exporter.getFinishedSpanItems()).hasSize(8)
                .allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(caller.getSpanContext().getTraceId()));

        SpanData flow = spans.get("flow main");
        assertThat(flow.getParentSpanId()).as("a top-level run under the caller's span").isEqualTo(caller.getSpanContext().getSpanId());
        assertThat(attr(flow, SluiceTracing.RUN_ID)).isEqualTo(run.id());
        assertThat(attr(flow, SluiceTracing.RUN_NAME)).isEqualTo(run.name());
        assertThat(attr(flow, SluiceTracing.RUN_KIND)).isEqualTo("flow");
        assertThat(attr(flow, SluiceTracing.DEFINITION_NAME)).isEqualTo("main");
        assertThat(attr(flow, SluiceTracing.STATE)).isEqualTo("COMPLETED");
        assertThat(flow.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(flow.getStartEpochNanos()).isEqualTo(toNanos(run.history().get(0).at()));
        assertThat(flow.getEndEpochNanos()).isEqualTo(toNanos(run.endTime().orElseThrow()));

        SpanData flakySpan = spans.get("task flaky");
        assertThat(flakySpan.getParentSpanId()).isEqualTo(flow.getSpanId());
        assertThat(flakySpan.getAttributes().get(AttributeKey.longKey(SluiceTracing.ATTEMPTS))).isEqualTo(2L);
        assertThat(flakySpan.getEvents()).singleElement().satisfies(e -> {
            assertThat(e.getName()).isEqualTo(SluiceTracing.RETRY_EVENT);
            assertThat(e.getAttributes().get(AttributeKey.stringKey("sluice.message"))).contains("first attempt fails");
        });
        assertThat(flakySpan.getAttributes().get(AttributeKey.booleanKey(SluiceTracing.CACHE_HIT))).as("not cached").isNull();
        assertThat(spans.get("task inner").getParentSpanId()).as("a task called by a task").isEqualTo(spans.get("task outer").getSpanId());
        assertThat(spans.get("task outer").getParentSpanId()).isEqualTo(flow.getSpanId());
        SpanData subSpan = spans.get("flow sub");
        assertThat(subSpan.getParentSpanId()).as("a subflow under its parent flow run").isEqualTo(flow.getSpanId());

        SpanData miss = lookups.stream().filter(s -> s.getParentSpanId().equals(flow.getSpanId())).findFirst().orElseThrow();
        SpanData hit = lookups.stream().filter(s -> s.getParentSpanId().equals(subSpan.getSpanId())).findFirst().orElseThrow();
        assertThat(miss.getAttributes().get(AttributeKey.booleanKey(SluiceTracing.CACHE_HIT))).isFalse();
        assertThat(hit.getAttributes().get(AttributeKey.booleanKey(SluiceTracing.CACHE_HIT))).isTrue();
        assertThat(attr(hit, SluiceTracing.STATE)).isEqualTo("CACHED");
        assertThat(hit.getAttributes().get(AttributeKey.longKey(SluiceTracing.ATTEMPTS))).isZero();
    }

    private static long toNanos(java.time.Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    @Test
    void aRunStartedOnTheApplicationsOwnThreadThroughASnapshotIsAChildOfTheRunItWasStartedFrom() throws Exception {
        Task<String, String> leaf = Task.of("leaf", (String s) -> s);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        Flow0<String> main = Flow.of("main", () -> pool.submit(dev.sluice.RunContext.snapshot()
                .wrap((java.util.concurrent.Callable<String>) () -> leaf.run("x"))).get());
        try (SluiceRuntime runtime = runtime()) {
            assertThat(runtime.call(main::run)).isEqualTo("x");
        } finally {
            pool.shutdown();
        }
        Map<String, SpanData> spans = byName();
        assertThat(spans.get("task leaf").getParentSpanId()).isEqualTo(spans.get("flow main").getSpanId());
        assertThat(spans.get("task leaf").getTraceId()).isEqualTo(spans.get("flow main").getTraceId());
    }

    @Test
    void codeRunThroughASnapshotOnTheApplicationsOwnThreadHasTheRunsSpanCurrent() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        List<String> outside = new java.util.concurrent.CopyOnWriteArrayList<>();
        Task0<String> work = Task.of("work", () -> {
            dev.sluice.RunContext.Snapshot here = dev.sluice.RunContext.snapshot();
            pool.submit(here.wrap(() -> userTracer.spanBuilder("user-runnable").startSpan().end())).get();
            pool.submit(here.wrap((java.util.concurrent.Callable<String>) () -> {
                userTracer.spanBuilder("user-callable").startSpan().end();
                return "c";
            })).get();
            pool.submit(() -> here.run(() -> userTracer.spanBuilder("user-run").startSpan().end())).get();
            // after the wrapped code, the pool thread has nothing current again
            pool.submit(() -> outside.add(Span.current().getSpanContext().getSpanId())).get();
            return "ok";
        });
        Flow0<String> main = Flow.of("main", work::run);
        try (SluiceRuntime runtime = runtime()) {
            assertThat(runtime.call(main::run)).isEqualTo("ok");
        } finally {
            pool.shutdown();
        }
        List<SpanData> all = exporter.getFinishedSpanItems();
        SpanData task = all.stream().filter(s -> s.getName().equals("task work")).findFirst().orElseThrow();
        for (String name : List.of("user-runnable", "user-callable", "user-run")) {
            SpanData user = all.stream().filter(s -> s.getName().equals(name)).findFirst().orElseThrow();
            assertThat(user.getParentSpanId()).as(name + " is a child of the task run's span").isEqualTo(task.getSpanId());
            assertThat(user.getTraceId()).isEqualTo(task.getTraceId());
        }
        assertThat(outside).containsExactly(io.opentelemetry.api.trace.SpanId.getInvalid());
    }

    @Test
    void aSpanMadeOnAThreadASubmittedTaskStartsThroughASnapshotIsAChildOfTheTaskRun() throws Exception {
        Task<Integer, Integer> fansOut = Task.of("fans-out", (Integer i) -> {
            Thread t = new Thread(dev.sluice.RunContext.snapshot().wrap((Runnable) () ->
                    userTracer.spanBuilder("user-thread-" + i).startSpan().end()));
            t.start();
            t.join();
            return i;
        });
        Flow0<Integer> main = Flow.of("main", () -> dev.sluice.Futures.all(fansOut.map(List.of(1, 2, 3)))
                .stream().mapToInt(Integer::intValue).sum());
        try (SluiceRuntime runtime = runtime()) {
            assertThat(runtime.call(main::run)).isEqualTo(6);
        }
        List<SpanData> all = exporter.getFinishedSpanItems();
        Map<String, SpanData> byId = all.stream().collect(Collectors.toMap(SpanData::getSpanId, Function.identity()));
        List<SpanData> user = all.stream().filter(s -> s.getName().startsWith("user-thread-")).toList();
        assertThat(user).hasSize(3).allSatisfy(s -> {
            SpanData parent = byId.get(s.getParentSpanId());
            assertThat(parent).as("the parent of %s", s.getName()).isNotNull();
            assertThat(parent.getName()).isEqualTo("task fans-out");
        });
    }

    @Test
    void theRunsSpanIsCurrentInsideBodiesOnEveryThreadTheyRunOn() {
        Task<Integer, Integer> submitted = Task.of("submitted", (Integer i) -> {
            userTracer.spanBuilder("user-work-" + i).startSpan().end(); // a child of the current span: the task run's
            return i;
        });
        Task0<String> timed = Task.of("timed", () -> {
            userTracer.spanBuilder("user-timed").startSpan().end();
            return Thread.currentThread().getName();
        }).withTimeout(Duration.ofSeconds(30));
        Flow0<String> sub = Flow.of("sub", () -> {
            userTracer.spanBuilder("user-sub").startSpan().end();
            return timed.run();
        });
        Flow0<Integer> main = Flow.of("main", () -> {
            List<TaskFuture<Integer>> futures = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                futures.add(submitted.submit(i));
            }
            Span own = userTracer.spanBuilder("user-own").startSpan();
            try (Scope s = own.makeCurrent()) {
                submitted.run(10); // a run made inside the user's own span is its child
            } finally {
                own.end();
            }
            String thread = sub.run();
            assertThat(thread).isNotEqualTo(Thread.currentThread().getName());
            return futures.stream().mapToInt(TaskFuture::join).sum();
        });
        try (SluiceRuntime runtime = runtime()) {
            assertThat(runtime.call(main::run)).isEqualTo(3);
        }
        assertThat(Span.current().getSpanContext().isValid()).as("nothing left current on the caller's thread").isFalse();
        List<SpanData> all = exporter.getFinishedSpanItems();
        Map<String, SpanData> byId = all.stream().collect(Collectors.toMap(SpanData::getSpanId, Function.identity()));
        Function<SpanData, String> parentName = s -> byId.containsKey(s.getParentSpanId()) ? byId.get(s.getParentSpanId()).getName() : "none";
        for (SpanData s : all) {
            if (s.getName().startsWith("user-work-")) {
                SpanData parent = byId.get(s.getParentSpanId());
                assertThat(parent.getName()).isEqualTo("task submitted");
                assertThat(attr(parent, SluiceTracing.RUN_NAME)).isNotBlank();
            }
        }
        assertThat(all.stream().filter(s -> s.getName().startsWith("user-work-")).count()).isEqualTo(4);
        assertThat(all.stream().filter(s -> s.getName().equals("task submitted")).map(parentName))
                .containsExactlyInAnyOrder("flow main", "flow main", "flow main", "user-own");
        assertThat(all.stream().filter(s -> s.getName().equals("user-timed")).map(parentName)).containsExactly("task timed");
        assertThat(all.stream().filter(s -> s.getName().equals("user-sub")).map(parentName)).containsExactly("flow sub");
        assertThat(all.stream().filter(s -> s.getName().equals("task timed")).map(parentName)).containsExactly("flow sub");
        assertThat(all.stream().filter(s -> s.getName().equals("flow sub")).map(parentName)).containsExactly("flow main");
        assertThat(all.stream().filter(s -> s.getName().equals("flow main")).map(parentName)).containsExactly("none");
        assertThat(all).allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(all.get(0).getTraceId()));
    }

    @Test
    void aFailedRunHasStatusErrorAndTheMaskedErrorNeverTheSecret() {
        String secretValue = "fake-password-hunter2-DO-NOT-LEAK";
        Task0<String> login = Task.of("login", () -> {
            Secret password = Secret.of(secretValue);
            String revealed = password.reveal();
            throw new IllegalStateException("login refused for password " + revealed);
        });
        Flow0<String> flow = Flow.of("nightly", () -> login.run());
        FlowRun<String> run;
        try (SluiceRuntime runtime = runtime()) {
            run = runtime.call(flow::runForState);
        }
        assertThat(run.state()).isEqualTo(State.FAILED);
        TaskRun failed = run.failedTaskRun().orElseThrow();
        assertThat(failed.error().orElseThrow().message()).doesNotContain(secretValue).contains("login refused");

        Map<String, SpanData> spans = byName();
        SpanData task = spans.get("task login");
        assertThat(task.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(task.getStatus().getDescription()).contains("IllegalStateException").contains("login refused");
        assertThat(attr(task, SluiceTracing.STATE)).isEqualTo("FAILED");
        assertThat(task.getEvents()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("exception");
            assertThat(e.getAttributes().get(AttributeKey.stringKey("exception.type"))).isEqualTo(IllegalStateException.class.getName());
            assertThat(e.getAttributes().get(AttributeKey.stringKey("exception.message")))
                    .isEqualTo(failed.error().orElseThrow().message());
            assertThat(e.getAttributes().get(AttributeKey.stringKey("exception.stacktrace"))).contains("login refused");
        });
        assertThat(spans.get("flow nightly").getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(exporter.getFinishedSpanItems()).hasSize(2).allSatisfy(s -> assertThat(s.toString()).doesNotContain(secretValue)
                .doesNotContain("hunter2"));
    }

    @Test
    void aSecretRevealedInARunIsInNoRetryEventRunNameStatusOrAttribute() {
        String secretValue = "fake-token-qwerty-0000-NOT-REAL";
        AtomicInteger calls = new AtomicInteger();
        Task<String, String> call = Task.<String, String>of("call", (String token) -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("401 for token " + token); // retried: a sluice.retry event
            }
            throw new java.io.UncheckedIOException(new java.io.IOException("still refused: " + token));
        }).withParameterNames("token").withRunName("call-{token}").withRetries(1, Duration.ZERO);
        Flow0<String> flow = Flow.of("sync", () -> call.run(Secret.of(secretValue).reveal()));
        FlowRun<String> run;
        try (SluiceRuntime runtime = runtime()) {
            run = runtime.call(flow::runForState);
        }
        assertThat(run.state()).isEqualTo(State.FAILED);
        List<SpanData> spans = exporter.getFinishedSpanItems();
        assertThat(spans).hasSize(2);
        SpanData task = byName().get("task call");
        assertThat(task.getEvents()).extracting(e -> e.getName()).contains(SluiceTracing.RETRY_EVENT, "exception");
        assertThat(attr(task, SluiceTracing.RUN_NAME)).startsWith("call-");
        assertThat(spans).allSatisfy(s -> assertThat(s.toString()).doesNotContain(secretValue).doesNotContain("qwerty"));
    }

    @Test
    void spansThatAreNotSampledExportNothingButStillCarryTheTraceIntoBodies() {
        InMemorySpanExporter none = InMemorySpanExporter.create();
        try (OpenTelemetrySdk off = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().setSampler(io.opentelemetry.sdk.trace.samplers.Sampler.alwaysOff())
                        .addSpanProcessor(SimpleSpanProcessor.create(none)).build())
                .build()) {
            List<String> traceIds = new java.util.concurrent.CopyOnWriteArrayList<>();
            Task0<String> task = Task.of("t", () -> {
                traceIds.add(Span.current().getSpanContext().getTraceId());
                return "x";
            });
            Flow0<String> flow = Flow.of("f", () -> {
                traceIds.add(Span.current().getSpanContext().getTraceId());
                return task.submit().join() + task.run();
            });
            try (SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().home(home)
                    .recorder(SluiceTracing.recorder(off)).build()) {
                assertThat(runtime.call(flow::run)).isEqualTo("xx");
            }
            assertThat(none.getFinishedSpanItems()).isEmpty();
            assertThat(traceIds).hasSize(3).allSatisfy(id -> assertThat(id).isEqualTo(traceIds.get(0)))
                    .allSatisfy(id -> assertThat(io.opentelemetry.api.trace.TraceId.isValid(id)).isTrue());
        }
    }
}
