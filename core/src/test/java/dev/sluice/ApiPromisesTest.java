package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.sluice.cache.ResultStore;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Promises of the public Javadoc, one test each, on the paths the other tests leave out. */
class ApiPromisesTest extends LazyRuntimeTest {
    final List<Duration> slept = new CopyOnWriteArrayList<>();

    @Override
    SluiceRuntime.Builder configure(SluiceRuntime.Builder builder) {
        return builder.sleeper(slept::add);
    }

    @Test
    void futuresAllWaitsForTheOthersWhenARunCrashed() {
        CountDownLatch crashed = new CountDownLatch(1);
        AtomicBoolean slowEnded = new AtomicBoolean();
        Task0<String> crash = Task.<String>of("crash", () -> {
            crashed.countDown();
            throw new AssertionError("boom");
        });
        Task0<String> slow = Task.<String>of("slow", () -> {
            crashed.await(10, TimeUnit.SECONDS);
            Thread.sleep(200);
            slowEnded.set(true);
            return "s";
        });

        Throwable thrown = catchThrowable(() -> runtime().call(() -> Futures.all(List.of(crash.submit(), slow.submit()))));

        // "Waits for all of them even when one fails, then throws the first failure"
        assertThat(slowEnded).as("the other run ended before Futures.all threw").isTrue();
        assertThat(thrown).isInstanceOf(AssertionError.class).hasMessage("boom");
    }

    @Test
    void aFlowRetriesOnTheErrorOfASubmittedRunNobodyJoined() {
        AtomicInteger attempts = new AtomicInteger();
        Task0<String> io = Task.<String>of("io", () -> {
            attempts.incrementAndGet();
            throw new IOException("disk");
        });
        Flow0<String> flow = Flow.<String>of("submits-and-forgets", () -> {
            io.submit();
            return "done";
        }).withRetryPolicy(RetryPolicy.fixed(2, Duration.ZERO).retryOn(IOException.class));

        FlowRun<String> run = runtime().call(flow::runForState);

        // retryOn: "a task run (or subflow) that failed with such an error counts as one"
        assertThat(run.state()).isEqualTo(State.FAILED);
        assertThat(run.attempts()).isEqualTo(3);
        assertThat(attempts).hasValue(3);
    }

    @Test
    void aFlowAbortsOnTheErrorOfASubmittedRunNobodyJoined() {
        AtomicInteger attempts = new AtomicInteger();
        Task0<String> io = Task.<String>of("io", () -> {
            attempts.incrementAndGet();
            throw new IOException("disk");
        });
        Flow0<String> flow = Flow.<String>of("submits-and-forgets", () -> {
            io.submit();
            return "done";
        }).withRetryPolicy(RetryPolicy.fixed(2, Duration.ZERO).retryOn(Exception.class).abortOn(IOException.class));

        FlowRun<String> run = runtime().call(flow::runForState);

        assertThat(run.state()).isEqualTo(State.FAILED);
        assertThat(run.attempts()).isEqualTo(1);
        assertThat(attempts).hasValue(1);
    }
    /** Waits for {@code latch} as careless code does: an interrupt is swallowed, and the wait goes on. */
    private static void awaitIgnoringInterrupts(CountDownLatch latch) {
        while (true) {
            try {
                latch.await();
                return;
            } catch (InterruptedException ignored) {
                // careless code: the interrupt of the timeout is lost
            }
        }
    }

    @Test
    void aFlowBodyLeftRunningPastItsTimeoutStartsNoTaskRunsInTheEndedRun() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch orphanDone = new CountDownLatch(1);
        List<Throwable> refused = new CopyOnWriteArrayList<>();
        List<String> recorded = new CopyOnWriteArrayList<>();
        runtime = SluiceRuntime.builder().withoutExtensions().home(home)
                .recorder((run, change) -> recorded.add(run.definitionName() + " " + change.state())).build();
        Task0<String> late = Task.of("late", () -> "x");
        Flow0<String> flow = Flow.<String>of("stubborn", () -> {
            try {
                awaitIgnoringInterrupts(release);
                for (Runnable start : List.<Runnable>of(late::run, late::submit)) {
                    try {
                        start.run();
                    } catch (RuntimeException e) {
                        refused.add(e);
                    }
                }
                return "too late";
            } finally {
                orphanDone.countDown();
            }
        }).withTimeout(Duration.ofMillis(100));

        FlowRun<String> run = runtime.call(flow::runForState);
        assertThat(run.state()).isEqualTo(State.TIMED_OUT);
        release.countDown();
        assertThat(orphanDone.await(10, TimeUnit.SECONDS)).isTrue();

        // RunTimeoutException: "if it ignores interruption it may still be running, detached from the run"
        assertThat(run.taskRuns()).isEmpty();
        assertThat(run.taskRunCount()).isZero();
        assertThat(recorded).noneMatch(line -> line.startsWith("late"));
        assertThat(refused).hasSize(2).allSatisfy(e -> assertThat(e).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("flow run '" + run.name() + "' ended TIMED_OUT")
                .hasMessageContaining("starts no new runs"));
    }

    @Test
    void aTaskAttemptLeftRunningPastItsTimeoutStartsNoRunsWhileTheNextAttemptRuns() throws Exception {
        CountDownLatch secondAttemptIn = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch orphanDone = new CountDownLatch(1);
        AtomicInteger attempts = new AtomicInteger();
        List<Throwable> refused = new CopyOnWriteArrayList<>();
        List<String> recorded = new CopyOnWriteArrayList<>();
        runtime = SluiceRuntime.builder().withoutExtensions().home(home).sleeper(slept::add)
                .recorder((run, change) -> recorded.add(run.definitionName() + " " + change.state())).build();
        Task0<String> inner = Task.of("inner", () -> "i");
        Task0<String> stubborn = Task.<String>of("stubborn", () -> {
            if (attempts.incrementAndGet() > 1) {
                secondAttemptIn.countDown();
                orphanDone.await(10, TimeUnit.SECONDS);
                return "second";
            }
            try {
                awaitIgnoringInterrupts(release);
                return inner.run();
            } catch (RuntimeException e) {
                refused.add(e);
                throw e;
            } finally {
                orphanDone.countDown();
            }
        }).withTimeout(Duration.ofSeconds(1)).withRetries(1, Duration.ZERO); // the second attempt has a second for the refusal

        TaskFuture<String> running = runtime.call(stubborn::submit);
        assertThat(secondAttemptIn.await(10, TimeUnit.SECONDS)).isTrue();
        release.countDown();

        assertThat(running.join()).isEqualTo("second");
        assertThat(orphanDone.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(recorded).noneMatch(line -> line.startsWith("inner"));
        assertThat(refused).singleElement().satisfies(e -> assertThat(e).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("task run '" + running.run().name() + "' is on attempt 2")
                .hasMessageContaining("code its attempt 1 left running"));
    }
    @Test
    void retryPoliciesThatRetryAlikeAreEqual() {
        java.util.function.Predicate<Throwable> transientOnly = e -> !(e instanceof IllegalArgumentException);
        RetryPolicy a = RetryPolicy.exponential(5, Duration.ofMillis(200), Duration.ofSeconds(10)).withJitter(0.3)
                .retryOn(IOException.class).abortOn(java.io.FileNotFoundException.class).retryIf(transientOnly);
        RetryPolicy b = RetryPolicy.exponential(5, Duration.ofMillis(200), Duration.ofSeconds(10)).withJitter(0.3)
                .retryOn(IOException.class).abortOn(java.io.FileNotFoundException.class).retryIf(transientOnly);

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(Task.of("t", () -> 1).withRetries(3, Duration.ofSeconds(2)).retryPolicy())
                .isEqualTo(RetryPolicy.fixed(3, Duration.ofSeconds(2)));
        assertThat(RetryPolicy.fixed(0, Duration.ZERO)).isEqualTo(RetryPolicy.none());
        assertThat(a).isNotEqualTo(b.withJitter(0.2))
                .isNotEqualTo(RetryPolicy.exponential(5, Duration.ofMillis(200), 3.0, Duration.ofSeconds(10)).withJitter(0.3)
                        .retryOn(IOException.class).abortOn(java.io.FileNotFoundException.class).retryIf(transientOnly))
                .isNotEqualTo(b.retryIf(e -> true))
                .isNotEqualTo(b.withMaxDuration(Duration.ofMinutes(1)));
        assertThat(RetryPolicy.delays(Duration.ofSeconds(1), Duration.ofSeconds(10)))
                .isEqualTo(RetryPolicy.delays(Duration.ofSeconds(1), Duration.ofSeconds(10)))
                .isNotEqualTo(RetryPolicy.delays(Duration.ofSeconds(10), Duration.ofSeconds(1)));
        assertThat(a.toString()).contains("exponential from PT0.2S x2.0 up to PT10S", "jitter=0.3", "retryOn=[IOException]",
                "abortOn=[FileNotFoundException]", "retryIf=1 condition");
    }

    @Test
    void cachePoliciesThatCacheAlikeAreEqual() {
        ResultStore store = ResultStore.inMemory();
        java.util.function.Function<List<Object>, String> byFirst = args -> String.valueOf(args.get(0));
        assertThat(dev.sluice.cache.CachePolicy.inputs().expireAfter(Duration.ofHours(1)).excluding("client").storedIn(store))
                .isEqualTo(dev.sluice.cache.CachePolicy.inputs().expireAfter(Duration.ofHours(1)).excluding("client").storedIn(store))
                .hasSameHashCodeAs(dev.sluice.cache.CachePolicy.inputs().expireAfter(Duration.ofHours(1)).excluding("client")
                        .storedIn(store))
                .isNotEqualTo(dev.sluice.cache.CachePolicy.inputs().expireAfter(Duration.ofHours(1)).excluding("client"))
                .isNotEqualTo(dev.sluice.cache.CachePolicy.inputs().expireAfter(Duration.ofHours(2)).excluding("client").storedIn(store));
        assertThat(dev.sluice.cache.CachePolicy.key(byFirst).refresh()).isEqualTo(dev.sluice.cache.CachePolicy.key(byFirst).refresh())
                .isNotEqualTo(dev.sluice.cache.CachePolicy.key(byFirst));
        assertThat(Task.of("t", (String s) -> 1).withCache(dev.sluice.cache.CachePolicy.inputs().expireAfter(Duration.ofHours(1)))
                .cachePolicy()).isEqualTo(dev.sluice.cache.CachePolicy.inputs().expireAfter(Duration.ofHours(1)));
        assertThat(dev.sluice.cache.CachePolicy.inputs().storedIn(store).toString()).contains("stored in");
    }
    @Test
    void aHookThatOverflowsItsStackIsLoggedAndTheNextHookStillRuns() {
        List<String> called = new CopyOnWriteArrayList<>();
        Task0<String> task = Task.of("hooked", () -> "x")
                .onCompletion(run -> {
                    throw new StackOverflowError("hook recursed");
                })
                .onCompletion(run -> called.add("second"));

        assertThat(runtime().call(task::run)).isEqualTo("x");

        // Hook: "A hook that throws is logged and never changes the run's outcome"
        Run run = runtime().recentRuns().runs().get(0);
        assertThat(run.state()).isEqualTo(State.COMPLETED);
        assertThat(called).containsExactly("second");
        assertThat(run.logs()).anySatisfy(line -> {
            assertThat(line.level()).isEqualTo("ERROR");
            assertThat(line.message()).contains("onCompletion hook of task 'hooked'", "StackOverflowError: hook recursed");
            assertThat(line.error()).contains("hook recursed");
        });
    }
    @Test
    void aRecorderThatThrowsAnErrorNeverChangesTheRun() {
        runtime = SluiceRuntime.builder().withoutExtensions().home(home)
                .recorder(new RunRecorder() {
                    @Override
                    public void stateChanged(Run run, StateChange change) {
                        throw new NoClassDefFoundError("org/example/MissingDriver"); // a recorder missing a dependency
                    }

                    @Override
                    public void logged(Run run, LogLine line) {
                        throw new NoClassDefFoundError("org/example/MissingDriver");
                    }
                }).build();
        Task0<String> task = Task.of("plain", () -> {
            RunContext.logger().info("working");
            return "x";
        });
        Flow0<String> flow = Flow.of("holder", () -> task.run() + task.submit().join());

        // RunRecorder: "A recorder that throws is logged and never changes the run"
        assertThat(runtime.call(task::run)).isEqualTo("x");
        assertThat(runtime.call(() -> task.submit().join())).isEqualTo("x");
        FlowRun<String> run = runtime.call(flow::runForState);
        assertThat(run.state()).isEqualTo(State.COMPLETED);
        assertThat(run.result()).isEqualTo("xx");
        assertThat(runtime.recentRuns().runs()).hasSize(3).allSatisfy(r -> assertThat(r.state()).isEqualTo(State.COMPLETED));
    }
    @Test
    void aRunWaitingToRetryWhenItsRuntimeClosesMakesNoFurtherAttempt() {
        java.util.concurrent.atomic.AtomicReference<SluiceRuntime> closing = new java.util.concurrent.atomic.AtomicReference<>();
        runtime = SluiceRuntime.builder().withoutExtensions().home(home)
                .sleeper(wait -> closing.get().close()) // the runtime closes while the run waits out its retry delay
                .build();
        closing.set(runtime);
        AtomicInteger attempts = new AtomicInteger();
        Task0<String> task = Task.<String>of("flaky", () -> {
            attempts.incrementAndGet();
            throw new IOException("down");
        }).withRetries(2, Duration.ofSeconds(1));

        Throwable thrown = catchThrowable(() -> runtime.call(task::run));

        // SluiceRuntime.close: a run going on is not retried under the closed runtime
        assertThat(attempts).hasValue(1);
        assertThat(thrown).isInstanceOf(TaskFailedException.class)
                .hasMessageContaining("ended FAILED after 1 attempt")
                .hasMessageContaining("closed while it waited to retry");
        assertThat(((TaskFailedException) thrown).run().history()).extracting(StateChange::state)
                .containsExactly(State.PENDING, State.RUNNING, State.RETRYING, State.FAILED);
    }
    @Test
    void aBadRecentRunsPropertyIsRefusedNamingTheProperty() {
        String before = System.getProperty("sluice.recentRuns");
        try {
            for (String bad : List.of("0", "-5", "lots", "2147483647")) {
                System.setProperty("sluice.recentRuns", bad);
                assertThat(catchThrowable(() -> SluiceRuntime.builder().withoutExtensions().home(home).build()))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("sluice.recentRuns must be a whole number from 1 to 10000000, was '" + bad + "'");
            }
            System.setProperty("sluice.recentRuns", "7");
            try (SluiceRuntime fromProperty = SluiceRuntime.builder().withoutExtensions().home(home).build()) {
                assertThat(fromProperty.recentRuns().limit()).isEqualTo(7);
            }
            try (SluiceRuntime set = SluiceRuntime.builder().withoutExtensions().home(home).recentRuns(3).build()) {
                assertThat(set.recentRuns().limit()).as("the builder's value wins").isEqualTo(3);
            }
        } finally {
            if (before == null) {
                System.clearProperty("sluice.recentRuns");
            } else {
                System.setProperty("sluice.recentRuns", before);
            }
        }
    }
    @Test
    void aSubmitRefusedByAGivenExecutorEndsTheRunAndSaysWhy() {
        java.util.concurrent.ExecutorService executor = java.util.concurrent.Executors.newSingleThreadExecutor();
        executor.shutdown(); // the application shut its pool down before the runtime
        runtime = SluiceRuntime.builder().withoutExtensions().home(home).executor(executor).build();
        Task0<String> task = Task.of("refused", () -> "x");

        Throwable thrown = catchThrowable(() -> runtime.call(task::submit));

        assertThat(thrown).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("task run '")
                .hasMessageContaining("the executor submitted tasks run on refused it")
                .hasMessageContaining("SluiceRuntime.Builder.executor");
        assertThat(runtime.recentRuns().runs()).singleElement()
                .satisfies(run -> assertThat(run.state()).as("not SCHEDULED for ever").isEqualTo(State.FAILED));
    }
    @Test
    void runNamesFromOddParameterValuesStayOneLineAndNeverBlank() {
        Task<String, String> task = Task.of("load", (String table) -> table).withParameterNames("table").withRunName("{table}");
        record Day(String city, Integer day) {
        }
        Task<Day, String> byRecord = Task.of("report", (Day d) -> "r").withRunName("report-{city}-{day}");

        TaskFuture<String> blank = runtime().call(() -> task.submit(""));
        TaskFuture<String> twoLines = runtime().call(() -> task.submit("sales\nFAKE LOG LINE"));
        TaskFuture<String> nulls = runtime().call(() -> byRecord.submit(new Day("Boston", null)));
        Futures.all(List.of(blank, twoLines, nulls));

        assertThat(blank.run().name()).as("a blank name is replaced by the default").isNotBlank().startsWith("load-");
        assertThat(twoLines.run().name()).isEqualTo("sales FAKE LOG LINE");
        assertThat(nulls.run().name()).isEqualTo("report-Boston-null");
    }
    @Test
    void anExpiryOfForeverIsAsGoodAsNever() {
        java.util.concurrent.atomic.AtomicReference<java.time.Instant> now =
                new java.util.concurrent.atomic.AtomicReference<>(java.time.Instant.parse("2026-01-01T00:00:00Z"));
        java.time.Clock clock = new java.time.Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public java.time.Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public java.time.Instant instant() {
                return now.get();
            }
        };
        runtime = SluiceRuntime.builder().withoutExtensions().home(home).clock(clock).resultStore(ResultStore.inMemory()).build();
        for (Duration forever : List.of(java.time.temporal.ChronoUnit.FOREVER.getDuration(), Duration.ofSeconds(Long.MAX_VALUE))) {
            AtomicInteger computed = new AtomicInteger();
            Task<String, String> task = Task.of("forever-" + forever.getSeconds(), (String s) -> s + computed.incrementAndGet())
                    .withCache(dev.sluice.cache.CachePolicy.inputs().expireAfter(forever));

            TaskFuture<String> first = runtime.call(() -> task.submit("a"));
            assertThat(first.join()).isEqualTo("a1");
            now.set(now.get().plus(Duration.ofDays(3_650)));
            TaskFuture<String> second = runtime.call(() -> task.submit("a"));

            assertThat(second.join()).isEqualTo("a1");
            assertThat(second.state()).isEqualTo(State.CACHED);
            assertThat(task.cachePolicy().expiry()).hasValueSatisfying(d -> assertThat(d.toDays()).isGreaterThan(365L * 70));
        }
    }
    @Test
    void aResultStoreMissingAClassItNeedsIsAMissNeverAFailure() {
        ResultStore broken = new ResultStore() {
            @Override
            public java.util.Optional<dev.sluice.cache.CachedResult> read(String key) {
                throw new NoClassDefFoundError("com/example/StoreClient");
            }

            @Override
            public void write(dev.sluice.cache.CachedResult entry) {
                throw new NoClassDefFoundError("com/example/StoreClient");
            }

            @Override
            public boolean delete(String key) {
                throw new NoClassDefFoundError("com/example/StoreClient");
            }

            @Override
            public Lock lock(String key) {
                throw new NoClassDefFoundError("com/example/StoreClient");
            }
        };
        AtomicInteger computed = new AtomicInteger();
        Task<String, String> task = Task.of("stored-badly", (String s) -> s + computed.incrementAndGet())
                .withCache(dev.sluice.cache.CachePolicy.inputs().storedIn(broken));

        // ResultStore: "The engine treats a store failure as a cache miss (logged), never as a failure of the task"
        assertThat(runtime().call(() -> task.run("a"))).isEqualTo("a1");
        assertThat(runtime().call(() -> task.run("a"))).isEqualTo("a2");
        assertThat(runtime().recentRuns().runs()).hasSize(2).allSatisfy(r -> assertThat(r.state()).isEqualTo(State.COMPLETED));
    }
    @Test
    void anHttpClientWithAConnectTimeoutOfForeverConnects() throws Exception {
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread answer = new Thread(() -> {
                try (java.net.Socket s = server.accept()) {
                    s.getInputStream().read(new byte[1024]);
                    s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // the test fails on the client's side
                }
            });
            answer.start();
            java.net.http.HttpClient client = runtime().httpClient(java.time.temporal.ChronoUnit.FOREVER.getDuration());

            java.net.http.HttpResponse<String> response = client.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + server.getLocalPort() + "/")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());

            assertThat(response.body()).isEqualTo("ok"); // it failed with "ConnectException: long overflow"
            answer.join(10_000);
        }
    }
    @Test
    void aRecentRunsLimitTooBigToHoldIsRefusedNotAnOutOfMemoryError() {
        assertThat(catchThrowable(() -> SluiceRuntime.builder().recentRuns(Integer.MAX_VALUE)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("recentRuns must be <= 10000000, was 2147483647")
                .hasMessageContaining("sluice-history");
        assertThat(catchThrowable(() -> new InMemoryRunRecorder(Integer.MAX_VALUE)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit must be <= 10000000");
    }
    @Test
    void aRunAttributeMayBeMadeFromAnotherAndIsMadeOncePerRun() {
        AtomicInteger made = new AtomicInteger();
        AtomicInteger attempts = new AtomicInteger();
        for (int i = 0; i < 200; i++) { // fresh keys each time: their hashes decide whether they share a bin
            RunContext.Key<String> config = RunContext.Key.of("config");
            RunContext.Key<String> client = RunContext.Key.of("client");
            Task0<String> task = Task.<String>of("nested", () -> {
                String c = RunContext.attribute(client, () -> {
                    made.incrementAndGet();
                    return "client of " + RunContext.attribute(config, () -> "settings");
                });
                if (attempts.incrementAndGet() % 2 == 1) {
                    throw new IOException("first attempt fails");
                }
                return c;
            }).withRetries(1, Duration.ZERO);

            assertThat(runtime().call(task::run)).isEqualTo("client of settings");
        }
        assertThat(made).as("once per run, whatever its attempts").hasValue(200);
    }
}
