package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.block.BlockNotFoundException;
import dev.sluice.block.BlockStore;
import dev.sluice.block.Blocks;
import dev.sluice.cache.CachePolicy;
import dev.sluice.cache.ResultStore;
import dev.sluice.notify.LogNotifier;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SluiceRuntimeTest {

    /** Records which runs it saw. */
    static final class Seen implements RunRecorder {
        final Set<String> flows = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final List<String> tasks = new CopyOnWriteArrayList<>();

        @Override
        public void stateChanged(Run run, StateChange change) {
            if (change.state() == State.COMPLETED || change.state() == State.CACHED) {
                (run instanceof FlowRun<?> ? flows : tasks).add(run.definitionName() + ":" + change.state());
            }
        }
    }

    @Test
    void twoRuntimesSideBySideSeeOnlyTheirOwnBlocksRunsAndCachedResults(@TempDir Path a, @TempDir Path b) throws Exception {
        Seen seenA = new Seen();
        Seen seenB = new Seen();
        try (SluiceRuntime rtA = SluiceRuntime.builder().home(a).blockStore(BlockStore.inMemory())
                     .resultStore(ResultStore.inMemory()).recorder(seenA).build();
             SluiceRuntime rtB = SluiceRuntime.builder().home(b).blockStore(BlockStore.inMemory())
                     .resultStore(ResultStore.inMemory()).recorder(seenB).build()) {
            rtA.run(() -> Blocks.save("ops", new LogNotifier("from-a")));
            rtB.run(() -> Blocks.save("ops", new LogNotifier("from-b")));

            AtomicInteger computed = new AtomicInteger();
            Task<String, String> cached = Task.of("cached-" + System.nanoTime(), (String s) -> {
                computed.incrementAndGet();
                return s + "!";
            }).withCache(CachePolicy.inputs());
            Flow<String, String> flow = Flow.of("which-block", (String in) -> {
                // submitted tasks and subflows inherit the runtime of the run
                String viaSubmit = Task.of("load", () -> Blocks.load(LogNotifier.class, "ops").logger()).submit().join();
                return cached.run(in) + " " + viaSubmit;
            });

            CountDownLatch start = new CountDownLatch(1);
            ExecutorService two = Executors.newFixedThreadPool(2);
            try {
                Future<String> fa = two.submit(() -> {
                    start.await();
                    return rtA.run(flow, "x");
                });
                Future<String> fb = two.submit(() -> {
                    start.await();
                    return rtB.run(flow, "x");
                });
                start.countDown();
                assertThat(fa.get(30, TimeUnit.SECONDS)).isEqualTo("x! from-a");
                assertThat(fb.get(30, TimeUnit.SECONDS)).isEqualTo("x! from-b");
            } finally {
                two.shutdownNow();
            }
            assertThat(computed).as("each runtime has its own result store: computed once in each").hasValue(2);
            assertThat(rtA.run(flow, "x")).isEqualTo("x! from-a");
            assertThat(computed).as("a second run in A is a cache hit in A's store").hasValue(2);

            assertThat(seenA.flows).containsExactly("which-block:COMPLETED");
            assertThat(seenB.flows).containsExactly("which-block:COMPLETED");
            assertThat(rtA.recentRuns().flowRuns()).hasSize(2);
            assertThat(rtB.recentRuns().flowRuns()).hasSize(1);
            assertThat(rtA.recentRuns().flowRuns()).noneMatch(r -> rtB.recentRuns().find(r.id()).isPresent());

            assertThat(rtA.call(() -> Blocks.list())).hasSize(1);
            try (SluiceRuntime empty = SluiceRuntime.builder().home(b).blockStore(BlockStore.inMemory()).build()) {
                assertThatThrownBy(() -> empty.call(() -> Blocks.load(LogNotifier.class, "ops")))
                        .isInstanceOf(BlockNotFoundException.class);
            }
        }
    }

    @Test
    void theRuntimeClockTimesRunsAndTheSleeperWaitsRetries(@TempDir Path home) {
        Instant fixed = Instant.parse("2026-01-02T03:04:05Z");
        List<Duration> slept = new CopyOnWriteArrayList<>();
        try (SluiceRuntime rt = SluiceRuntime.builder().home(home).clock(Clock.fixed(fixed, ZoneOffset.UTC))
                .sleeper(slept::add).build()) {
            AtomicInteger calls = new AtomicInteger();
            Task0<Integer> flaky = Task.of("flaky", () -> {
                if (calls.incrementAndGet() < 3) {
                    throw new IllegalStateException("not yet");
                }
                return 7;
            }).withRetries(2, Duration.ofMinutes(10));
            FlowRun<Integer> run = rt.runForState(Flow.of("timed", (String s) -> flaky.run()), "x");
            assertThat(run.result()).isEqualTo(7);
            assertThat(slept).containsExactly(Duration.ofMinutes(10), Duration.ofMinutes(10));
            assertThat(run.startTime()).contains(fixed);
            assertThat(run.history()).allSatisfy(c -> assertThat(c.at()).isEqualTo(fixed));
        }
    }

    @Test
    void resourcesAreMadeOncePerRuntimeAndClosedWithIt(@TempDir Path home) {
        AtomicInteger made = new AtomicInteger();
        AtomicBoolean closed = new AtomicBoolean();
        SluiceRuntime.Resource<AutoCloseable> pool = SluiceRuntime.Resource.of("test pool", r -> {
            made.incrementAndGet();
            return () -> closed.set(true);
        });
        SluiceRuntime rt = SluiceRuntime.builder().home(home).build();
        AutoCloseable first = rt.resource(pool);
        assertThat(rt.resource(pool)).isSameAs(first);
        try (SluiceRuntime other = SluiceRuntime.builder().home(home).build()) {
            assertThat(other.resource(pool)).isNotSameAs(first);
        }
        assertThat(made).hasValue(2);
        assertThat(closed).as("the other runtime's instance was closed with it").isTrue();
        closed.set(false);
        rt.close();
        assertThat(closed).isTrue();
        assertThat(rt.isClosed()).isTrue();
        assertThatThrownBy(() -> rt.resource(pool)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        rt.close(); // idempotent
    }

    @Test
    void aClosedRuntimeRefusesNewRunsAndSubmitsSayingItIsClosed(@TempDir Path home) {
        AtomicInteger bodies = new AtomicInteger();
        Task<Integer, Integer> t = Task.of("t", (Integer i) -> bodies.incrementAndGet());
        Flow<Integer, Integer> f = Flow.of("f", (Integer i) -> bodies.incrementAndGet());
        SluiceRuntime rt = SluiceRuntime.builder().home(home).withoutExtensions().build();
        rt.close();
        assertThatThrownBy(() -> rt.call(() -> t.submit(1))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("SluiceRuntime is closed");
        assertThatThrownBy(() -> rt.call(() -> t.run(1))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("SluiceRuntime is closed");
        assertThatThrownBy(() -> rt.runForState(f, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("SluiceRuntime is closed");
        assertThat(bodies).hasValue(0);
        assertThat(rt.recentRuns().runs()).isEmpty();
    }

    @Test
    void aRunWhoseRuntimeClosesUnderItFailsWithoutRetrying(@TempDir Path home) throws Exception {
        SluiceRuntime rt = SluiceRuntime.builder().home(home).withoutExtensions().build();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        AtomicInteger attempts = new AtomicInteger();
        Task<Integer, Integer> t = Task.of("t", (Integer i) -> i);
        Flow<Integer, Integer> f = Flow.named("f").withRetries(2, Duration.ZERO).of((Integer n) -> {
            attempts.incrementAndGet();
            started.countDown();
            closed.await();
            return Futures.all(t.map(List.of(1, 2, 3))).size();
        });
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            Future<FlowRun<Integer>> run = caller.submit(() -> rt.runForState(f, 0));
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            rt.close();
            closed.countDown();
            FlowRun<Integer> r = run.get(10, TimeUnit.SECONDS);
            assertThat(r.state()).isEqualTo(State.FAILED);
            assertThat(r.error()).hasValueSatisfying(e -> assertThat(e.type()).isEqualTo(IllegalStateException.class.getName()));
            assertThat(r.error().orElseThrow().message()).contains("SluiceRuntime is closed");
            assertThat(attempts).as("no retry repeats the body's side effects").hasValue(1);
            assertThat(r.attempts()).isEqualTo(1);
        } finally {
            caller.shutdownNow();
        }
    }

    @Test
    void theHttpClientIsSharedPerRuntimeAndTimeout(@TempDir Path home) {
        try (SluiceRuntime rt = SluiceRuntime.builder().home(home).build();
             SluiceRuntime other = SluiceRuntime.builder().home(home).build()) {
            assertThat(rt.httpClient(Duration.ofSeconds(5))).isSameAs(rt.httpClient(Duration.ofSeconds(5)))
                    .isNotSameAs(rt.httpClient(Duration.ofSeconds(6)))
                    .isNotSameAs(other.httpClient(Duration.ofSeconds(5)));
            assertThat(rt.httpClient(Duration.ofSeconds(5)).followRedirects()).isEqualTo(java.net.http.HttpClient.Redirect.NEVER);
            assertThatThrownBy(() -> rt.httpClient(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("connectTimeout must be positive, was PT0S");
        }
    }

    @Test
    void currentIsTheDefaultOutsideAnyScopeAndTheChosenOneInside(@TempDir Path home) {
        try (SluiceRuntime rt = SluiceRuntime.builder().home(home).build()) {
            assertThat(SluiceRuntime.current()).isSameAs(SluiceRuntime.defaults());
            assertThat(rt.call(SluiceRuntime::current)).isSameAs(rt);
            assertThat(rt.call(() -> Flow.of("f", () -> RunContext.runtime()).run())).isSameAs(rt);
            assertThat(rt.home()).isEqualTo(home.toAbsolutePath().normalize());
        }
    }

    @Test
    void aRecorderThatThrowsNeverChangesTheRun(@TempDir Path home) {
        RunRecorder broken = (run, change) -> {
            throw new IllegalStateException("recorder down");
        };
        try (SluiceRuntime rt = SluiceRuntime.builder().home(home).recorder(broken).build()) {
            assertThat(rt.run(Flow.of("ok", (String s) -> s + "!"), "a")).isEqualTo("a!");
        }
    }

    @Test
    void aSnapshotCarriesTheRunAndRuntimeToAThreadOfYourOwn(@TempDir Path home) throws Exception {
        ExecutorService own = Executors.newSingleThreadExecutor();
        try (SluiceRuntime rt = SluiceRuntime.builder().home(home).build()) {
            FlowRun<String> run = rt.runForState(Flow.of("with-pool", (String s) -> {
                RunContext.Snapshot here = RunContext.snapshot();
                Future<SluiceRuntime> seen = own.submit(here.wrap(() -> {
                    RunContext.logger().info("from my own thread");
                    return SluiceRuntime.current();
                }));
                assertThat(seen.get(10, TimeUnit.SECONDS)).isSameAs(rt);
                return s;
            }), "x");
            assertThat(run.state()).isEqualTo(State.COMPLETED);
            assertThat(run.logs()).extracting(LogLine::message).contains("from my own thread");
            assertThat(own.submit(() -> SluiceRuntime.current()).get()).as("nothing leaks to the thread").isNotSameAs(rt);
        } finally {
            own.shutdownNow();
        }
    }

    @Test
    void extensionsOnTheClassPathAddTheirRecorderUnlessTurnedOff(@TempDir Path home) {
        TestExtension.SEEN.clear();
        try (SluiceRuntime rt = SluiceRuntime.builder().home(home).environment(java.util.Map.of("SLUICE_TEST_EXTENSION", "x"))
                .build()) {
            rt.run(Flow.of("extended", (String s) -> s), "a");
        }
        assertThat(TestExtension.SEEN).contains("x:extended:COMPLETED");
        assertThat(TestExtension.CLOSED).as("closed with the runtime").contains("x");
        TestExtension.SEEN.clear();
        try (SluiceRuntime rt = SluiceRuntime.builder().home(home).environment(java.util.Map.of("SLUICE_TEST_EXTENSION", "y"))
                .withoutExtensions().build()) {
            rt.run(Flow.of("plain", (String s) -> s), "a");
        }
        assertThat(TestExtension.SEEN).isEmpty();
        try (SluiceRuntime rt = SluiceRuntime.builder().home(home)
                .environment(java.util.Map.of("SLUICE_TEST_EXTENSION", "broken")).build()) {
            assertThat(rt.run(Flow.of("still-works", (String s) -> s + "!"), "a")).as("a broken extension is left out")
                    .isEqualTo("a!");
        }
        try (SluiceRuntime rt = SluiceRuntime.builder().home(home)
                .environment(java.util.Map.of("SLUICE_TEST_EXTENSION", "missing-class")).build()) {
            assertThat(rt.run(Flow.of("still-works", (String s) -> s + "!"), "a"))
                    .as("an extension missing a class it needs is left out too").isEqualTo("a!");
        }
    }

    @Test
    void builderRejectsBadValuesNamingTheField() {
        assertThatThrownBy(() -> SluiceRuntime.builder().recentRuns(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("recentRuns must be >= 1, was 0");
        assertThatThrownBy(() -> SluiceRuntime.builder().clock(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("clock");
    }
}
