package dev.sluice;

import dev.sluice.testkit.TestRuntimes;
import dev.sluice.block.Secret;
import dev.sluice.cache.CacheKeyException;
import dev.sluice.cache.CachePolicy;
import dev.sluice.cache.ResultStore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import dev.sluice.testkit.TemporarySluiceHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CacheTest {
    @RegisterExtension
    final TemporarySluiceHome home = new TemporarySluiceHome();
    private final AtomicInteger calls = new AtomicInteger();

    @AfterEach
    void restore() {
        TestRuntimes.reset();
    }

    private Task<String, Integer> lengthTask(CachePolicy policy) {
        return Task.of("length", (String s) -> {
            calls.incrementAndGet();
            return s.length();
        }).withCache(policy);
    }

    private static <A, R> TaskRun runOf(Task<A, R> task, A arg) {
        TaskFuture<R> f = task.submit(arg);
        f.join();
        return f.run();
    }

    private List<Path> resultFiles() throws IOException {
        Path dir = home.path().resolve("results");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".json")).toList();
        }
    }

    @Test
    void theSameInputIsServedFromTheCacheWithTheOriginalRunRecorded() throws IOException {
        Task<String, Integer> task = lengthTask(CachePolicy.inputs());

        TaskRun first = runOf(task, "Boston");
        TaskRun second = runOf(task, "Boston");

        assertThat(calls).hasValue(1);
        assertThat(first.state()).isEqualTo(State.COMPLETED);
        assertThat(first.cachedFromRunId()).isEmpty();
        assertThat(second.state()).isEqualTo(State.CACHED);
        assertThat(second.cacheKey()).isPresent().isEqualTo(first.cacheKey());
        assertThat(second.cacheKey().orElseThrow()).matches("[0-9a-f]{64}");
        assertThat(second.cachedFromRunId()).contains(first.id());
        assertThat(second.attempts()).isZero();
        assertThat(task.run("Boston")).isEqualTo(6);
        assertThat(resultFiles()).hasSize(1);
        assertThat(Files.readString(resultFiles().get(0))).contains("\"runId\":\"" + first.id() + "\"", "\"task\":\"length\"");
    }

    @Test
    void otherInputsAndOtherVersionsMiss() {
        Task<String, Integer> task = lengthTask(CachePolicy.inputs());
        task.run("Boston");
        TaskRun other = runOf(task, "Denver");
        TaskRun newVersion = runOf(task.withVersion("2"), "Boston");

        assertThat(other.state()).isEqualTo(State.COMPLETED);
        assertThat(newVersion.state()).isEqualTo(State.COMPLETED);
        assertThat(newVersion.cacheKey()).isNotEqualTo(runOf(task, "Boston").cacheKey());
        assertThat(calls).hasValue(3);
    }

    @Test
    void nothingIsCachedUnlessAsked() throws IOException {
        Task<String, Integer> plain = Task.of("plain", (String s) -> {
            calls.incrementAndGet();
            return s.length();
        });
        TaskRun run = runOf(plain, "x");
        runOf(plain, "x");
        runOf(plain.withCache(CachePolicy.inputs()).withCache(CachePolicy.none()), "x");

        assertThat(calls).hasValue(3);
        assertThat(run.cacheKey()).isEmpty();
        assertThat(plain.cachePolicy().isNone()).isTrue();
        assertThat(resultFiles()).isEmpty();
    }

    @Test
    void aHitInsideAFlowIsACachedTaskRunThatFiresCompletionHooksButNotRunningHooks() {
        List<String> events = new CopyOnWriteArrayList<>();
        Task<String, Integer> task = lengthTask(CachePolicy.inputs())
                .onRunning(r -> events.add("running"))
                .onCompletion(r -> events.add("completed " + r.state()));
        Flow<String, Integer> flow = Flow.of("twice", (String s) -> task.run(s) + task.run(s));

        FlowRun<Integer> run = flow.runForState("abc");

        assertThat(run.result()).isEqualTo(6);
        assertThat(run.taskRuns()).extracting(TaskRun::state).containsExactly(State.COMPLETED, State.CACHED);
        assertThat(events).containsExactly("running", "completed COMPLETED", "completed CACHED");
        assertThat(calls).hasValue(1);
    }

    /** A value of each kind the key and the result store must handle. */
    enum Color { RED, GREEN }

    record Reading(String station, Instant at, double value, Optional<String> note, Color color, byte[] raw,
            List<Integer> counts, Map<String, Long> totals, Set<String> labels, BigDecimal price, LocalDate day) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Reading r && station.equals(r.station) && at.equals(r.at) && value == r.value
                    && note.equals(r.note) && color == r.color && Arrays.equals(raw, r.raw) && counts.equals(r.counts)
                    && totals.equals(r.totals) && labels.equals(r.labels) && price.equals(r.price) && day.equals(r.day);
        }

        @Override
        public int hashCode() {
            return station.hashCode();
        }
    }

    static Reading reading() {
        return new Reading("BOS", Instant.parse("2026-11-21T09:00:00.123456Z"), 0.1 + 0.2, Optional.of("gusty"),
                Color.GREEN, new byte[] {1, 2, 3}, List.of(1, 2, 3), Map.of("a", 5_000_000_000L, "b", 1L),
                Set.of("x", "y"), new BigDecimal("1.10"), LocalDate.of(2026, 11, 21));
    }

    @Test
    void resultsOfManyTypesComeBackEqualFromTheFileStore() throws Exception {
        List<Object> values = new ArrayList<>();
        values.add(reading());
        values.add(List.of(11.5, 13.0, 9.5));
        values.add(List.of(reading(), reading()));
        values.add(new LinkedHashMap<>(Map.of("n", 5L, "d", 1.5, "s", "text", "i", 7)));
        values.add(Set.of(Color.RED));
        values.add(Optional.of(3L));
        values.add("just a string");
        values.add(42);
        values.add(42L);
        values.add(new BigDecimal("123456789012345678901234567890.000100"));
        values.add(new int[] {1, 2});
        values.add(null);
        values.add(Instant.parse("2026-01-01T00:00:00Z"));
        values.add(new com.fasterxml.jackson.databind.ObjectMapper().readTree("{\"a\":[1,2.5,\"x\"],\"b\":{\"c\":null}}"));
        Task<Integer, Object> task = Task.of("pick", (Integer i) -> {
            calls.incrementAndGet();
            return values.get(i);
        }).withCache(CachePolicy.inputs());

        for (int i = 0; i < values.size(); i++) {
            task.run(i);
            TaskFuture<Object> again = task.submit(i);
            Object cached = again.join();
            assertThat(again.run().state()).as("value %d", i).isEqualTo(State.CACHED);
            if (values.get(i) instanceof int[] ints) {
                assertThat((int[]) cached).containsExactly(ints);
            } else {
                assertThat(cached).as("value %d", i).isEqualTo(values.get(i));
            }
        }
        assertThat(calls).hasValue(values.size());
    }

    @Test
    void equalArgumentsGiveEqualKeysWhateverTheirOrderInMapsAndSets() {
        Task<Object, String> task = Task.of("echo", (Object o) -> "ok").withCache(CachePolicy.inputs()
                .storedIn(ResultStore.inMemory()));
        Map<String, Object> ab = new LinkedHashMap<>();
        ab.put("a", 1);
        ab.put("b", List.of("x"));
        Map<String, Object> ba = new LinkedHashMap<>();
        ba.put("b", List.of("x"));
        ba.put("a", 1);
        Set<String> xy = new LinkedHashSet<>(List.of("x", "y"));
        Set<String> yx = new LinkedHashSet<>(List.of("y", "x"));

        assertThat(runOf(task, ab).cacheKey()).isEqualTo(runOf(task, ba).cacheKey());
        assertThat(runOf(task, xy).cacheKey()).isEqualTo(runOf(task, yx).cacheKey());
        assertThat(runOf(task, reading()).cacheKey()).isEqualTo(runOf(task, reading()).cacheKey());
        assertThat(runOf(task, List.of("x", "y")).cacheKey()).isNotEqualTo(runOf(task, List.of("y", "x")).cacheKey());
        assertThat(runOf(task, 0.1 + 0.2).cacheKey()).isNotEqualTo(runOf(task, 0.3).cacheKey());
    }

    record Point(int y, String label, Set<String> tags) {
    }

    @Test
    void theKeyIsTheSha256OfTheCanonicalJsonOfNameVersionAndArguments() throws Exception {
        Task2<Object, Point, Integer> task = Task.of("golden", (Object a, Point b) -> 1).withVersion("1")
                .withCache(CachePolicy.inputs().storedIn(ResultStore.inMemory()));
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("b", List.of(1.5, "x", Optional.empty()));
        map.put("a", Instant.parse("2026-01-01T00:00:00Z"));

        TaskRun run = runOf2(task, map, new Point(2, "p", new LinkedHashSet<>(List.of("z", "m"))));

        // the first parameter is an Object: the map, and the values in it that JSON does not tell apart, carry their type
        String canonical = "[\"sluice-cache/2\",\"golden\",\"1\",\"inputs\","
                + "[\"Map\",{\"a\":[\"java.time.Instant\",\"2026-01-01T00:00:00Z\"],"
                + "\"b\":[\"List\",[\"~d3ff8000000000000\",\"x\",null]]}],"
                + "{\"label\":\"p\",\"tags\":[\"m\",\"z\"],\"y\":2}]";
        byte[] sha = java.security.MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
        assertThat(run.cacheKey()).contains(java.util.HexFormat.of().formatHex(sha));
    }

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        private volatile Instant now = Instant.parse("2026-11-21T09:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @Test
    void anExpiredEntryIsAMiss() {
        ManualClock clock = new ManualClock();
        TestRuntimes.use(b -> b.clock(clock));
        Task<String, Integer> task = lengthTask(CachePolicy.inputs().expireAfter(Duration.ofHours(1)));

        TaskRun first = runOf(task, "a");
        clock.advance(Duration.ofMinutes(59));
        TaskRun within = runOf(task, "a");
        clock.advance(Duration.ofMinutes(1));
        TaskRun expired = runOf(task, "a");
        clock.advance(Duration.ofMinutes(30));
        TaskRun afterRecompute = runOf(task, "a");

        assertThat(within.state()).isEqualTo(State.CACHED);
        assertThat(within.cachedFromRunId()).contains(first.id());
        assertThat(expired.state()).isEqualTo(State.COMPLETED);
        assertThat(afterRecompute.state()).isEqualTo(State.CACHED);
        assertThat(afterRecompute.cachedFromRunId()).contains(expired.id());
        assertThat(calls).hasValue(2);
    }

    @Test
    void refreshRecomputesAndOverwritesResettingTheExpiry() {
        ManualClock clock = new ManualClock();
        TestRuntimes.use(b -> b.clock(clock));
        CachePolicy policy = CachePolicy.inputs().expireAfter(Duration.ofHours(1));
        Task<String, Integer> task = lengthTask(policy);
        Task<String, Integer> refreshing = lengthTask(policy.refresh());

        runOf(task, "a");
        clock.advance(Duration.ofMinutes(50));
        TaskRun refreshed = runOf(refreshing, "a");
        clock.advance(Duration.ofMinutes(50)); // 100 min after the first, 50 after the refresh
        TaskRun later = runOf(task, "a");

        assertThat(refreshed.state()).isEqualTo(State.COMPLETED);
        assertThat(later.state()).isEqualTo(State.CACHED);
        assertThat(later.cachedFromRunId()).contains(refreshed.id());
        assertThat(calls).hasValue(2);
    }

    @Test
    void refreshRecomputesUnderAClockThatDoesNotMove() {
        ManualClock clock = new ManualClock(); // as Clock.fixed(...) in a test: never advanced
        TestRuntimes.use(b -> b.clock(clock));
        Task<String, Integer> task = lengthTask(CachePolicy.inputs());
        Task<String, Integer> refreshing = lengthTask(CachePolicy.inputs().refresh());

        TaskRun first = runOf(task, "a");
        TaskRun refreshed = runOf(refreshing, "a");
        TaskRun again = runOf(refreshing, "a");
        TaskRun later = runOf(task, "a");

        assertThat(refreshed.state()).isEqualTo(State.COMPLETED);
        assertThat(again.state()).isEqualTo(State.COMPLETED);
        assertThat(later.state()).isEqualTo(State.CACHED);
        assertThat(later.cachedFromRunId()).contains(again.id());
        assertThat(first.state()).isEqualTo(State.COMPLETED);
        assertThat(calls).hasValue(3);
    }

    @Test
    void refreshingRunsWaitingMeanwhileGetTheFreshResult() throws Exception {
        ManualClock clock = new ManualClock();
        TestRuntimes.use(b -> b.clock(clock));
        java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        Task<String, Integer> slow = Task.of("length", (String s) -> {
            if (calls.incrementAndGet() == 2) {
                entered.countDown();
                go.await();
            }
            return s.length();
        }).withCache(CachePolicy.inputs().refresh());
        runOf(slow, "a"); // an old entry

        TaskFuture<Integer> computing = slow.submit("a");
        assertThat(entered.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        TaskFuture<Integer> waiting = slow.submit("a");
        for (int i = 0; i < 200 && waiting.run().state() != State.RUNNING; i++) {
            Thread.sleep(5);
        }
        Thread.sleep(50); // the waiting run is at the key's lock
        go.countDown();

        assertThat(computing.join()).isEqualTo(1);
        assertThat(waiting.join()).isEqualTo(1);
        assertThat(computing.run().state()).isEqualTo(State.COMPLETED);
        assertThat(waiting.run().state()).isEqualTo(State.CACHED);
        assertThat(waiting.run().cachedFromRunId()).contains(computing.run().id());
        assertThat(calls).hasValue(2);
    }

    @Test
    void excludedArgumentsDoNotChangeTheKeyEvenWhenTheyCannotBeHashed() throws IOException {
        Task2<String, Socket, Integer> byName = Task.of("fetch", (String city, Socket client) -> {
            calls.incrementAndGet();
            return city.length();
        }).withParameterNames("city", "client").withCache(CachePolicy.inputs().excluding("client"));
        Task2<String, Socket, Integer> byIndex = Task.of("fetch2", (String city, Socket client) -> {
            calls.incrementAndGet();
            return city.length();
        }).withCache(CachePolicy.inputs().excluding(1));

        try (Socket one = new Socket(); Socket two = new Socket()) {
            byName.run("Boston", one);
            byIndex.run("Boston", one);
            TaskFuture<Integer> a = byName.submit("Boston", two);
            TaskFuture<Integer> b = byIndex.submit("Boston", two);
            assertThat(a.join()).isEqualTo(6);
            b.join();
            assertThat(a.run().state()).isEqualTo(State.CACHED);
            assertThat(b.run().state()).isEqualTo(State.CACHED);
        }
        assertThat(calls).hasValue(2);
    }

    @Test
    void excludingAParameterTheTaskDoesNotHaveIsAnErrorAtTheCall() {
        Task2<String, String, Integer> task = Task.of("t", (String a, String b) -> 1)
                .withCache(CachePolicy.inputs().excluding("clinet"));

        assertThatThrownBy(() -> task.run("a", "b"))
                .isInstanceOf(TaskFailedException.class)
                .cause().isInstanceOf(CacheKeyException.class)
                .hasMessageContaining("'clinet'").hasMessageContaining("[arg0, arg1]").hasMessageContaining("withParameterNames");
        assertThatThrownBy(() -> Task.of("t", (String a) -> 1).withCache(CachePolicy.inputs().excluding(2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("takes 1 argument");
        java.util.List<Object> cyclic = new java.util.ArrayList<>();
        cyclic.add(cyclic);
        Task<java.util.List<Object>, Integer> sized = Task.of("sized", (java.util.List<Object> l) -> l.size())
                .withCache(CachePolicy.inputs());
        assertThatThrownBy(() -> sized.run(cyclic)).cause().isInstanceOf(CacheKeyException.class)
                .hasMessageContaining("it contains a cycle")
                .satisfies(e -> assertThat(e.getMessage()).as("a readable message, not the cycle's whole path").hasSizeLessThan(600));
        assertThatThrownBy(() -> CachePolicy.key(args -> "k").excluding("x")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> CachePolicy.none().refresh()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> CachePolicy.inputs().expireAfter(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expiry must be positive");
    }

    @Test
    void aCustomKeyDecidesWhichRunsShareAResult() {
        Task<String, Integer> task = lengthTask(CachePolicy.key(args -> ((String) args.get(0)).toLowerCase()));
        Task<String, Integer> otherTask = Task.of("other", (String s) -> {
            calls.incrementAndGet();
            return -1;
        }).withCache(CachePolicy.key(args -> ((String) args.get(0)).toLowerCase()));

        TaskRun first = runOf(task, "Boston");
        TaskRun upper = runOf(task, "BOSTON");
        TaskRun other = runOf(otherTask, "boston");

        assertThat(upper.state()).isEqualTo(State.CACHED);
        assertThat(upper.cachedFromRunId()).contains(first.id());
        assertThat(other.state()).isEqualTo(State.COMPLETED);
        assertThat(calls).hasValue(2);

        Task<String, Integer> nullKey = lengthTask(CachePolicy.key(args -> null));
        assertThatThrownBy(() -> nullKey.run("x")).cause().isInstanceOf(CacheKeyException.class)
                .hasMessageContaining("returned null");
    }

    @Test
    void thirtyTwoThreadsWithTheSameKeyRunTheBodyOnce() throws Exception {
        Task<String, Integer> slow = Task.of("slow", (String s) -> {
            calls.incrementAndGet();
            Thread.sleep(200);
            return s.length();
        }).withCache(CachePolicy.inputs());
        int n = 32;
        CountDownLatch go = new CountDownLatch(1);
        List<TaskRun> runs = new CopyOnWriteArrayList<>();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Thread t = new Thread(() -> {
                try {
                    go.await();
                    runs.add(runOf(slow, "same"));
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            t.start();
            threads.add(t);
        }
        go.countDown();
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(60));
        }

        assertThat(errors).isEmpty();
        assertThat(calls).hasValue(1);
        assertThat(runs).hasSize(n);
        TaskRun computed = runs.stream().filter(r -> r.state() == State.COMPLETED).findFirst().orElseThrow();
        assertThat(runs).filteredOn(r -> r.state() == State.CACHED).hasSize(n - 1)
                .allSatisfy(r -> assertThat(r.cachedFromRunId()).contains(computed.id()));
    }

    @Test
    void aRunWaitingForAnotherRunWithTheSameKeyCanBeCancelled() throws Exception {
        CountDownLatch computing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Task<String, Integer> slow = Task.of("held", (String s) -> {
            computing.countDown();
            release.await();
            return 1;
        }).withCache(CachePolicy.inputs().storedIn(ResultStore.inMemory()));
        TaskFuture<Integer> holder = slow.submit("k");
        assertThat(computing.await(30, TimeUnit.SECONDS)).isTrue();
        List<TaskRun> waited = new CopyOnWriteArrayList<>();
        Thread waiter = new Thread(() -> {
            try {
                slow.run("k");
            } catch (TaskFailedException e) {
                waited.add(e.run());
            }
        });
        waiter.start();
        Thread.sleep(100);
        waiter.interrupt();
        waiter.join(30_000);
        release.countDown();

        assertThat(holder.join()).isEqualTo(1);
        assertThat(waited).singleElement().satisfies(r -> assertThat(r.state()).isEqualTo(State.CANCELLED));
    }

    @Test
    void aCorruptedOrTruncatedEntryIsAMissLoggedOnceAndOverwritten() throws IOException {
        Task<String, Integer> task = lengthTask(CachePolicy.inputs());
        runOf(task, "abc");
        Path file = resultFiles().get(0);
        String whole = Files.readString(file);

        for (String broken : List.of(whole.substring(0, whole.length() / 2), "garbage", "",
                whole.replace("\"value\":", "\"valu\":"), whole.replace("\"format\":1", "\"format\":99"),
                whole.replace("java.lang.Integer", "no.such.Type").replace("\"value\":3", "\"value\":[\"no.such.Type\",3]"))) {
            Files.writeString(file, broken);
            TaskRun recomputed = runOf(task, "abc");
            assertThat(recomputed.state()).as(broken).isEqualTo(State.COMPLETED);
            assertThat(recomputed.logs()).filteredOn(l -> l.level().equals("WARN")).as(broken).hasSize(1)
                    .first().satisfies(l -> assertThat(l.message()).contains("unreadable", "treated as a miss"));
            TaskRun after = runOf(task, "abc");
            assertThat(after.state()).isEqualTo(State.CACHED);
            assertThat(after.cachedFromRunId()).contains(recomputed.id());
        }
        assertThat(resultFiles()).hasSize(1);
    }

    record Holder(Runnable callback) {
    }

    static final class NoProperties {
    }

    @Test
    void aResultThatCannotBeStoredIsReturnedAndLoggedNotCached() throws IOException {
        Task<String, Object> lambda = Task.<String, Object>of("lambda", (String s) -> {
            calls.incrementAndGet();
            return new Holder(() -> { });
        }).withCache(CachePolicy.inputs());
        Task<String, Object> empty = Task.<String, Object>of("empty", (String s) -> {
            calls.incrementAndGet();
            return new NoProperties();
        }).withCache(CachePolicy.inputs());

        TaskFuture<Object> f = lambda.submit("x");
        assertThat(f.join()).isInstanceOf(Holder.class);
        assertThat(f.run().state()).isEqualTo(State.COMPLETED);
        assertThat(f.run().logs()).filteredOn(l -> l.level().equals("ERROR")).singleElement()
                .satisfies(l -> assertThat(l.message()).contains("returned but not cached", "'lambda'", "Holder", "lambda"));
        TaskFuture<Object> g = empty.submit("x");
        assertThat(g.join()).isInstanceOf(NoProperties.class);
        assertThat(g.run().logs()).filteredOn(l -> l.level().equals("ERROR")).hasSize(1);

        assertThat(runOf(lambda, "x").state()).isEqualTo(State.COMPLETED);
        assertThat(calls).hasValue(3);
        assertThat(resultFiles()).isEmpty();
    }

    static final class Node {
        public Node next;
        public String name = "n";
    }

    @Test
    void anArgumentThatCannotBeHashedFailsTheRunNamingTaskArgumentAndFix() throws IOException {
        Task2<String, Object, Integer> task = Task.of("extract", (String city, Object client) -> {
            calls.incrementAndGet();
            return 1;
        }).withParameterNames("city", "client").withCache(CachePolicy.inputs());
        Node a = new Node();
        Node b = new Node();
        a.next = b;
        b.next = a;
        List<Object> selfList = new ArrayList<>();
        selfList.add(selfList);
        Runnable lambda = () -> { };

        try (Socket socket = new Socket()) {
            List<Map.Entry<Object, String>> expected = List.of(
                    Map.entry(socket, "java.net.Socket is a resource"),
                    Map.entry(lambda, "lambda"),
                    Map.entry(a, "cycle"),
                    Map.entry(selfList, "cycle"),
                    Map.entry(Map.of("inner", List.of(new Holder(lambda))), "at inner[0].callback"),
                    Map.entry(new NoProperties(), "no properties"));
            for (Map.Entry<Object, String> e : expected) {
                TaskFailedException failed = org.junit.jupiter.api.Assertions.assertThrows(TaskFailedException.class,
                        () -> task.run("Boston", e.getKey()));
                assertThat(failed.state()).isEqualTo(State.FAILED);
                assertThat(failed.run().attempts()).isZero();
                assertThat(failed.getCause()).isInstanceOf(CacheKeyException.class)
                        .hasMessageContaining("argument 'client' (index 1")
                        .hasMessageContaining("of task 'extract'")
                        .hasMessageContaining(e.getValue())
                        .hasMessageContaining("excluding(\"client\")")
                        .hasMessageContaining("CachePolicy.key(");
                assertThat(failed.run().error()).get().satisfies(err -> assertThat(err.type()).isEqualTo(CacheKeyException.class.getName()));
            }
        }
        assertThat(calls).hasValue(0);
        assertThat(resultFiles()).isEmpty();
    }

    @Test
    void aSecretArgumentContributesAKeyedHashAndItsValueIsNeverStored() throws IOException {
        String value = "hunter2-correct-horse-battery";
        Task2<Secret, String, String> task = Task.of("login", (Secret password, String user) -> {
            calls.incrementAndGet();
            return "token-for-" + user;
        }).withCache(CachePolicy.inputs());

        TaskRun first = runOf2(task, Secret.of(value), "ann");
        TaskRun same = runOf2(task, Secret.of(value), "ann");
        TaskRun other = runOf2(task, Secret.of("another-password-value"), "ann");

        assertThat(same.state()).isEqualTo(State.CACHED);
        assertThat(other.state()).isEqualTo(State.COMPLETED);
        assertThat(calls).hasValue(2);
        assertThat(first.cacheKey().orElseThrow()).doesNotContain(value);
        Path keyFile = home.path().resolve("cache-hmac.key");
        assertThat(keyFile).exists();
        if (Files.getFileStore(keyFile).supportsFileAttributeView("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        }
        try (Stream<Path> all = Files.walk(home.path())) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                byte[] bytes = Files.readAllBytes(p);
                assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).as(p.toString()).doesNotContain(value);
            }
        }
        assertThat(first.logs()).noneSatisfy(l -> assertThat(l.message()).contains(value));
    }

    @Test
    void aResultHoldingASecretIsNotCached() throws IOException {
        Task<String, Object> task = Task.<String, Object>of("creds", (String s) -> {
            calls.incrementAndGet();
            return Map.of("password", Secret.of("p4ssw0rd-value"));
        }).withCache(CachePolicy.inputs());

        TaskRun run = runOf(task, "x");

        assertThat(run.logs()).filteredOn(l -> l.level().equals("ERROR")).singleElement()
                .satisfies(l -> assertThat(l.message()).contains("Secret"));
        assertThat(resultFiles()).isEmpty();
    }

    private static <A, B, R> TaskRun runOf2(Task2<A, B, R> task, A a, B b) {
        TaskFuture<R> f = task.submit(a, b);
        f.join();
        return f.run();
    }

    @Test
    void retriesNeverLeaveAnEntryFromAFailedAttemptAndAFailedRunCachesNothing() throws IOException {
        AtomicInteger attempt = new AtomicInteger();
        Task<String, String> flaky = Task.of("flaky", (String s) -> {
            int n = attempt.incrementAndGet();
            if (n == 1) {
                throw new IOException("first attempt fails");
            }
            return "attempt-" + n;
        }).withRetries(2, Duration.ZERO).withCache(CachePolicy.inputs());
        Task<String, String> failing = Task.<String, String>of("failing", (String s) -> {
            calls.incrementAndGet();
            throw new IllegalStateException("always");
        }).withCache(CachePolicy.inputs());

        assertThat(flaky.run("x")).isEqualTo("attempt-2");
        TaskFuture<String> again = flaky.submit("x");
        assertThat(again.join()).isEqualTo("attempt-2");
        assertThat(again.run().state()).isEqualTo(State.CACHED);
        assertThat(resultFiles()).hasSize(1);

        assertThatThrownBy(() -> failing.run("x")).isInstanceOf(TaskFailedException.class);
        assertThatThrownBy(() -> failing.run("x")).isInstanceOf(TaskFailedException.class);
        assertThat(calls).hasValue(2);
        assertThat(resultFiles()).hasSize(1);
    }

    @Test
    void theInMemoryStoreKeepsResultsOffTheDisk() throws IOException {
        ResultStore store = ResultStore.inMemory();
        Task<String, Integer> task = lengthTask(CachePolicy.inputs().storedIn(store));

        TaskRun first = runOf(task, "abc");
        TaskRun second = runOf(task, "abc");

        assertThat(second.state()).isEqualTo(State.CACHED);
        assertThat(store.read(first.cacheKey().orElseThrow())).get()
                .satisfies(e -> assertThat(e.runId()).isEqualTo(first.id()))
                .satisfies(e -> assertThat(e.type()).isEqualTo("java.lang.Integer"));
        assertThat(resultFiles()).isEmpty();
        assertThat(store.delete(first.cacheKey().orElseThrow())).isTrue();
        assertThat(runOf(task, "abc").state()).isEqualTo(State.COMPLETED);
    }

    /** A class whose private field JSON never sees: no getter, no annotation. */
    public static final class Partial {
        public String shown;
        private String hidden;

        public Partial() {
        }

        Partial(String shown, String hidden) {
            this.shown = shown;
            this.hidden = hidden;
        }
    }

    /** A bean JSON sees whole (through its getters and setters), with no equals of its own. */
    public static final class Bean {
        private String city;
        private int population;
        private transient String derived = "not stored";

        public String getCity() {
            return city;
        }

        public void setCity(String city) {
            this.city = city;
        }

        public int getPopulation() {
            return population;
        }

        public void setPopulation(int population) {
            this.population = population;
        }
    }

    record Daily(Map<LocalDate, BigDecimal> byDay, List<Long> ids, int[] counts) {
    }

    /** A cached task named {@code name} that counts its calls and returns {@code value}. */
    private Task<String, Object> counted(String name, Object value) {
        return Task.<String, Object>of(name, (String s) -> {
            calls.incrementAndGet();
            return value;
        }).withCache(CachePolicy.inputs());
    }

    @Test
    void aResultThatWouldComeBackAsAnotherValueIsReturnedAndLoggedNotCached() throws IOException {
        Map<String, Object> cases = new LinkedHashMap<>();
        cases.put("integer-keys", Map.of(1, "a"));
        cases.put("date-keys", Map.of(LocalDate.of(2026, 1, 1), 1));
        cases.put("optionals-in-a-list", List.of(Optional.of("a")));
        cases.put("private-field", new Partial("Oslo", "kept only in memory"));
        for (Map.Entry<String, Object> c : cases.entrySet()) {
            Task<String, Object> task = counted(c.getKey(), c.getValue());
            TaskRun first = runOf(task, "x");
            TaskRun second = runOf(task, "x");
            assertThat(second.state()).as(c.getKey()).isEqualTo(State.COMPLETED); // computed again: no entry
            assertThat(first.logs()).as(c.getKey()).filteredOn(l -> l.level().equals("ERROR")).singleElement()
                    .satisfies(l -> assertThat(l.message()).contains("returned but not cached", "not the same value"));
        }
        assertThat(calls).hasValue(2 * cases.size());
        assertThat(resultFiles()).isEmpty();
        Task<String, Object> keys = Task.<String, Object>of("keys", (String s) -> Map.of(7, "a")).withCache(CachePolicy.inputs());
        assertThat(runOf(keys, "x").logs()).singleElement().satisfies(l -> assertThat(l.message())
                .contains("the key 7 (java.lang.Integer)", "JSON object keys are text"));
        Task<String, Object> partial = Task.<String, Object>of("partial", (String s) -> new Partial("Oslo", "in memory"))
                .withCache(CachePolicy.inputs());
        assertThat(runOf(partial, "x").logs()).singleElement().satisfies(l -> assertThat(l.message())
                .contains("the result.hidden \"in memory\" comes back as null", "getter"));
    }

    @Test
    void resultsThatComeBackWholeAreCachedWhateverTheirCollectionsOrBeans() throws IOException {
        Bean bean = new Bean();
        bean.setCity("Oslo");
        bean.setPopulation(709_000);
        Map<String, Object> cases = new LinkedHashMap<>();
        cases.put("bean", bean);
        cases.put("record", new Daily(Map.of(LocalDate.of(2026, 1, 1), new BigDecimal("1.50")), List.of(1L, 2L), new int[] {3}));
        cases.put("collections", List.of(Set.of(1, 2), Map.of("a", List.of(1.5, 2.0)), new ArrayList<>(List.of("x"))));
        cases.put("optional", Optional.of(LocalDate.of(2026, 2, 3)));
        cases.put("values", List.of(new BigDecimal("2.50"), Instant.ofEpochSecond(1, 5), Duration.ofMillis(3), (short) 4));
        for (Map.Entry<String, Object> c : cases.entrySet()) {
            Task<String, Object> task = counted(c.getKey(), c.getValue());
            TaskRun first = runOf(task, "x");
            assertThat(first.logs()).as(c.getKey()).isEmpty();
            assertThat(runOf(task, "x").state()).as(c.getKey()).isEqualTo(State.CACHED);
        }
        assertThat(calls).hasValue(cases.size());
    }

    record Login(String user, String token) {
    }

    @Test
    void aResultContainingARevealedSecretIsNeverStoredInPlaintext() throws IOException {
        Secret apiKey = Secret.of("sk-live-4f9a8b7c6d5e");
        Task<String, Login> login = Task.of("login", (String user) -> {
            calls.incrementAndGet();
            return new Login(user, "Bearer " + apiKey.reveal());
        }).withCache(CachePolicy.inputs());
        ResultStore memory = ResultStore.inMemory();

        TaskRun run = runOf(login, "ann");
        TaskRun inMemory = runOf(login.withCache(CachePolicy.inputs().storedIn(memory)), "ann");

        assertThat(run.state()).isEqualTo(State.COMPLETED);
        assertThat(run.logs()).filteredOn(l -> l.level().equals("ERROR")).singleElement().satisfies(l -> assertThat(l.message())
                .contains("not cached", "contains the value of a secret", "'login'").doesNotContain(apiKey.reveal()));
        assertThat(resultFiles()).isEmpty();
        assertThat(memory.read(inMemory.cacheKey().orElseThrow())).isEmpty();
        assertThat(runOf(login, "ann").state()).as("computed again, never served from plaintext").isEqualTo(State.COMPLETED);
        assertThat(calls).hasValue(3);
    }

    @Test
    void aStoredEntryOfAnotherTypeThanTheTaskReturnsIsALoggedMissNotAClassCastException() throws IOException {
        Task<String, Integer> task = lengthTask(CachePolicy.inputs());
        assertThat(task.run("abc")).isEqualTo(3);
        TaskRun stored = runOf(task, "abcd");
        String key = stored.cacheKey().orElseThrow();
        // written by hand (or by another program): a string where this task returns integers
        ResultStore.files(home.path().resolve("results")).write(new dev.sluice.cache.CachedResult(key, "length", null,
                "run-by-hand", Instant.now(), "java.lang.String", "\"four\""));

        TaskFuture<Integer> f = task.submit("abcd");
        int length = f.join();

        assertThat(length).isEqualTo(4);
        assertThat(f.run().state()).isEqualTo(State.COMPLETED);
        assertThat(f.run().logs()).filteredOn(l -> l.level().equals("WARN")).singleElement().satisfies(l -> assertThat(l.message())
                .contains("treated as a miss", "java.lang.String", "java.lang.Integer", "withVersion"));
        assertThat(runOf(task, "abcd").state()).as("the entry was overwritten").isEqualTo(State.CACHED);
    }

    @Test
    void anEntryOfAnOlderBodyWithTheSameNameAndVersionIsAMissForTheNewBody() {
        Task<String, String> before = Task.of("shape", (String s) -> "v1:" + s).withCache(CachePolicy.inputs());
        Task<String, Integer> now = Task.of("shape", (String s) -> {
            calls.incrementAndGet();
            return s.length();
        }).withCache(CachePolicy.inputs());
        assertThat(before.run("a")).isEqualTo("v1:a");
        assertThat(now.run("bb")).isEqualTo(2);

        Integer n = now.run("a");

        assertThat(n).isEqualTo(1);
        assertThat(calls).hasValue(2);
        assertThat(runOf(now, "a").state()).isEqualTo(State.CACHED);
    }

    @Test
    void aBodyThatNeverRanInThisJvmStillRefusesAnEntryOfAnotherType() {
        Task<String, String> before = Task.of("reshaped", (String s) -> "v1:" + s).withCache(CachePolicy.inputs());
        assertThat(before.run("a")).isEqualTo("v1:a");
        // the code changed without a new version, as seen by a new JVM: the first call finds the old entry
        Task<String, Integer> lambda = Task.of("reshaped", (String s) -> {
            calls.incrementAndGet();
            return s.length();
        }).withCache(CachePolicy.inputs());
        Task<String, Integer> methodRef = Task.of("reshaped", String::length).withCache(CachePolicy.inputs());
        Task<String, Integer> aClass = Task.of("reshaped", new dev.sluice.function.ThrowingFunction<String, Integer>() {
            @Override
            public Integer apply(String s) {
                calls.incrementAndGet();
                return s.length() * 10;
            }
        }).withCache(CachePolicy.inputs());

        TaskRun viaLambda = runOf(lambda, "a");
        assertThat(viaLambda.state()).isEqualTo(State.COMPLETED);
        assertThat(viaLambda.logs()).filteredOn(l -> l.level().equals("WARN")).singleElement().satisfies(l -> assertThat(l.message())
                .contains("treated as a miss", "java.lang.String", "java.lang.Integer"));
        assertThat(lambda.run("a")).isEqualTo(1);
        assertThat(before.run("b")).isEqualTo("v1:b");
        assertThat(methodRef.run("b")).as("a method reference's type is known too").isEqualTo(1);
        assertThat(before.run("c")).isEqualTo("v1:c");
        assertThat(aClass.run("c")).as("and a class's").isEqualTo(10);
        assertThat(calls).hasValue(2);
    }

    /** A store of one's own that breaks its contract: reads give null, locks are null. */
    static final class CarelessStore implements ResultStore {
        @Override
        public Optional<dev.sluice.cache.CachedResult> read(String key) {
            return null;
        }

        @Override
        public void write(dev.sluice.cache.CachedResult entry) {
        }

        @Override
        public boolean delete(String key) {
            return false;
        }

        @Override
        public Lock lock(String key) {
            return null;
        }
    }

    @Test
    void aStoreOfOnesOwnThatAnswersNullIsALoggedMissNeverAFailedTask() {
        Task<String, Integer> task = lengthTask(CachePolicy.inputs().storedIn(new CarelessStore()));
        Task<String, Integer> refreshing = lengthTask(CachePolicy.inputs().refresh().storedIn(new CarelessStore()));

        TaskFuture<Integer> f = task.submit("abc");
        assertThat(f.join()).isEqualTo(3);
        assertThat(f.run().state()).isEqualTo(State.COMPLETED);
        assertThat(f.run().logs()).filteredOn(l -> l.level().equals("WARN")).isNotEmpty();
        assertThat(refreshing.run("abcd")).isEqualTo(4);
    }

    static List<Integer> lengths(String s) {
        return List.of(s.length());
    }

    static Map<String, Integer> lengthByWord(String s) {
        return Map.of(s, s.length());
    }

    @Test
    void anEntryWhoseItemsAreOfAnotherTypeIsAMissForABodyWhoseTypeArgumentsAreKnown() {
        // the same name and version, returning a List<String>, then (the code changed) a List<Integer>
        Task<String, List<String>> before = Task.of("listed", (String s) -> List.of("v1:" + s)).withCache(CachePolicy.inputs());
        assertThat(before.run("a")).containsExactly("v1:a");
        Task<String, List<Integer>> methodRef = Task.of("listed", CacheTest::lengths).withCache(CachePolicy.inputs());

        TaskRun run = runOf(methodRef, "a");

        assertThat(run.state()).as("a miss, not a List<String> handed to List<Integer> code").isEqualTo(State.COMPLETED);
        assertThat(run.logs()).filteredOn(l -> l.level().equals("WARN")).singleElement().satisfies(l -> assertThat(l.message())
                .contains("treated as a miss", "element 0 is a java.lang.String", "java.util.List<java.lang.Integer>"));
        int first = methodRef.run("a").get(0);
        assertThat(first).isEqualTo(1);
        assertThat(runOf(methodRef, "a").state()).as("the entry was overwritten").isEqualTo(State.CACHED);

        Task<String, Map<String, String>> mapBefore = Task.of("mapped", (String s) -> Map.of(s, "x")).withCache(CachePolicy.inputs());
        assertThat(mapBefore.run("ab")).containsEntry("ab", "x");
        Task<String, Map<String, Integer>> aClass = Task.of("mapped", new dev.sluice.function.ThrowingFunction<String, Map<String, Integer>>() {
            @Override
            public Map<String, Integer> apply(String s) {
                return lengthByWord(s);
            }
        }).withCache(CachePolicy.inputs());
        int length = aClass.run("ab").get("ab");
        assertThat(length).as("a class's type arguments are known too").isEqualTo(2);
    }

    record Spot(int x, String label) {
    }

    @Test
    void theInMemoryStoreHandsOutOneImmutableValueAndAFreshCopyOfAnythingElse() {
        ResultStore store = ResultStore.inMemory();
        Task<String, Spot> point = Task.of("point", (String s) -> new Spot(s.length(), s))
                .withCache(CachePolicy.inputs().storedIn(store));
        Task<String, List<String>> list = Task.of("list", (String s) -> List.of(s, s))
                .withCache(CachePolicy.inputs().storedIn(store));
        Spot computed = point.run("abc");

        Spot hit = point.run("abc");
        Spot again = point.run("abc");
        List<String> first = list.run("x");
        List<String> hitList = list.run("x");
        List<String> otherHit = list.run("x");

        assertThat(hit).isEqualTo(computed).isNotSameAs(computed).isSameAs(again);
        assertThat(hitList).isEqualTo(first).isEqualTo(List.of("x", "x")).isNotSameAs(otherHit);
    }

    @Test
    void cachedRunsOfOneEntryRecordTheirArgumentsLikeTheRunThatComputedIt() {
        ResultStore store = ResultStore.inMemory();
        Task2<String, List<Integer>, Integer> sum = Task.of("sum", (String label, List<Integer> xs) -> xs.size())
                .withParameterNames("label", "xs").withCache(CachePolicy.inputs().storedIn(store));
        Task2<String, List<Integer>, Integer> byLabel = Task.of("by-label", (String label, List<Integer> xs) -> xs.size())
                .withParameterNames("label", "xs").withCache(CachePolicy.inputs().excluding("xs").storedIn(store));

        TaskRun computed = runOf2(sum, "a", List.of(1, 2));
        TaskRun hit = runOf2(sum, "a", new ArrayList<>(List.of(1, 2)));
        TaskRun again = runOf2(sum, "a", List.of(1, 2));
        runOf2(byLabel, "b", List.of(1));
        TaskRun excludedDiffers = runOf2(byLabel, "b", List.of(7, 8, 9));

        assertThat(hit.state()).isEqualTo(State.CACHED);
        assertThat(hit.parameters()).isEqualTo(computed.parameters()).isEqualTo(again.parameters())
                .isEqualTo(Map.of("label", "a", "xs", "[1, 2]"));
        assertThat(excludedDiffers.state()).isEqualTo(State.CACHED);
        assertThat(excludedDiffers.parameters()).as("an argument left out of the key is its own")
                .containsEntry("xs", "[7, 8, 9]");
    }
}
