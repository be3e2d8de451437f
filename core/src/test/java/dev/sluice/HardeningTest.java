package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sluice.block.Block;
import dev.sluice.block.BlockException;
import dev.sluice.block.BlockStore;
import dev.sluice.block.BlockType;
import dev.sluice.block.Blocks;
import dev.sluice.block.Secret;
import dev.sluice.notify.Notification;
import dev.sluice.notify.Notify;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Issue 14's defects: bounded waits, no starvation, no secret that escapes masking, a master key never replaced. */
class HardeningTest {
    @TempDir
    Path home;

    @BlockType("hardening-db")
    record Db(String url, Secret password) implements Block {
    }

    @Test
    void aHangingNotifierDoesNotHoldBackTheRunsOutcome() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        ListAppender<ILoggingEvent> log = capture("sluice.flow.nightly");
        try (SluiceRuntime rt = SluiceRuntime.builder().home(home).hookTimeout(Duration.ofMillis(300)).build()) {
            Flow0<Object> nightly = Flow.of("nightly", () -> {
                throw new IllegalStateException("boom");
            }).onFailure(Notify.via((Notification n) -> {
                try {
                    never.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            long start = System.nanoTime();
            FlowRun<Object> run = rt.call(nightly::runForState);
            assertThatThrownBy(() -> rt.call(nightly::run)).isInstanceOf(FlowFailedException.class).hasMessageContaining("boom");
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(run.state()).isEqualTo(State.FAILED);
            assertThat(tookMs).as("two runs, each held back at most the hook timeout (not forever)").isLessThan(5_000);
            never.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < deadline && messages(log).stream().noneMatch(m -> m.contains("ended after"))) {
                Thread.sleep(20);
            }
        } finally {
            detach("sluice.flow.nightly", log);
        }
        assertThat(messages(log)).anySatisfy(m -> assertThat(m).contains("still running after 300 ms (the hook timeout)"));
        assertThat(messages(log)).anySatisfy(m -> assertThat(m).contains("the late onFailure hook(s)").contains("ended after"));
    }

    /** A failure carrying a long server wait. */
    static final class Busy extends IOException implements RetryAfter.Hint {
        Busy() {
            super("429 Too Many Requests");
        }

        @Override
        public Optional<Duration> retryAfter() {
            return Optional.of(Duration.ofSeconds(10));
        }
    }

    @Test
    void aServerWaitLongerThanTheTasksTimeoutFailsAtOnceSayingSo() {
        try (SluiceRuntime rt = SluiceRuntime.builder().home(home).build()) {
            Task0<String> call = Task.named("call-api").withTimeout(Duration.ofSeconds(2))
                    .of(() -> RetryPolicy.fixed(3, Duration.ofMillis(10)).execute("GET /orders", attempt -> {
                        throw new Busy();
                    }));
            long start = System.nanoTime();
            assertThatThrownBy(() -> rt.call(call::run)).isInstanceOf(TaskFailedException.class)
                    .satisfies(e -> assertThat(e.getCause().getSuppressed()).anySatisfy(s -> assertThat(s.getMessage())
                            .contains("a retry after 10.0 s would end past the timeout of task 'call-api'")));
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("no waiting (the retry would wait 10 s)").isLessThan(5_000);
        }
    }

    @Test
    void timedBodiesStartPromptlyWhateverTheTaskPoolHolds() {
        ExecutorService small = Executors.newFixedThreadPool(8);
        try (SluiceRuntime rt = SluiceRuntime.builder().home(home).executor(small).build()) {
            Task0<Integer> quick = Task.named("quick").withTimeout(Duration.ofSeconds(2)).of(() -> {
                Thread.sleep(5);
                return 1;
            });
            Task<Integer, Integer> outer = Task.of("outer", (Integer i) -> quick.run() + i);
            FlowRun<Integer> run = rt.runForState(Flow.of("fan", (Integer n) -> Futures.all(outer.map(
                    IntStream.range(0, n).boxed().toList())).stream().mapToInt(Integer::intValue).sum()), 1_000);
            assertThat(run.state()).isEqualTo(State.COMPLETED);
            assertThat(run.taskRuns()).filteredOn(t -> t.definitionName().equals("quick"))
                    .hasSize(1_000).allSatisfy(t -> assertThat(t.state()).isEqualTo(State.COMPLETED));
        } finally {
            small.shutdownNow();
        }
    }

    @Test
    void submitsFromInsideSubmittedTasksNeverDeadlockTheirPool() {
        ExecutorService two = Executors.newFixedThreadPool(2);
        try (SluiceRuntime rt = SluiceRuntime.builder().home(home).executor(two).build()) {
            Task<Integer, Integer> leaf = Task.of("leaf", (Integer i) -> i * 2);
            Task<Integer, Integer> branch = Task.of("branch", (Integer i) ->
                    leaf.submit(i).join() + leaf.submit(i + 1).join()); // blocks a pool thread on pool work
            FlowRun<Integer> run = rt.runForState(Flow.of("tree", (Integer n) -> Futures.all(branch.map(
                    IntStream.range(0, n).boxed().toList())).stream().mapToInt(Integer::intValue).sum()), 200);
            assertThat(run.state()).isEqualTo(State.COMPLETED);
            assertThat(run.result()).isEqualTo(IntStream.range(0, 200).map(i -> 4 * i + 2).sum());
        } finally {
            two.shutdownNow();
        }
    }

    @Test
    void exceptionsHandedOutAreMaskedAllTheWayDownSuppressedIncluded() {
        String key = "api-key-" + System.nanoTime() + "/x y";
        Secret.of(key).reveal();
        String encoded = URLEncoder.encode(key, StandardCharsets.UTF_8);
        try (SluiceRuntime rt = SluiceRuntime.builder().home(home).build()) {
            Task0<Object> load = Task.of("load", () -> {
                IOException cause = new IOException("GET https://api.example.com/v1?key=" + encoded + " refused");
                cause.addSuppressed(new IllegalStateException("closing failed for key " + key));
                throw new IllegalStateException("load failed", cause);
            });
            FlowFailedException e = (FlowFailedException) org.assertj.core.api.Assertions.catchThrowable(
                    () -> rt.call(() -> Flow.of("masked", () -> load.run()).run()));
            StringWriter printed = new StringWriter();
            e.printStackTrace(new PrintWriter(printed));
            assertThat(printed.toString()).doesNotContain(key).doesNotContain(encoded)
                    .contains("java.io.IOException: GET https://api.example.com/v1?key=********** refused")
                    .contains("closing failed for key **********")
                    .contains("at dev.sluice.HardeningTest"); // the stacks are kept
        }
    }

    @Test
    void shortSecretsAreMaskedWhereTheyStandAlone() {
        Secret.of("q7z").reveal();
        assertThat(Secret.mask("password q7z, token=q7z; q7zebra 1q7z")).isEqualTo("password **********, token=**********; q7zebra 1q7z");
        assertThat(Secret.mask("a\ttab-secret-" + "X")).isEqualTo("a\ttab-secret-X");
    }

    @Test
    void aMissingMasterKeyIsNeverSilentlyReplacedAndKeysCanBeRotated() throws IOException {
        try (SluiceRuntime rt = SluiceRuntime.builder().home(home).environment(Map.of())
                .blockStore(BlockStore.file(home, Map.of())).build()) {
            rt.run(() -> Blocks.save("first", new Db("jdbc:h2:mem:a", Secret.of("pw-first-1"))));
            Path keyFile = home.resolve("master.key");
            String before = Files.readString(keyFile);
            Files.delete(keyFile);
            assertThatThrownBy(() -> rt.run(() -> Blocks.save("second", new Db("jdbc:h2:mem:b", Secret.of("pw-second-2")))))
                    .isInstanceOf(BlockException.class)
                    .hasMessageContaining("holds blocks encrypted with master key id")
                    .hasMessageContaining("there is no master key")
                    .hasMessageContaining("Restore the key file");
            assertThat(keyFile).as("no new key was made").doesNotExist();

            Files.writeString(keyFile, before);
            rt.run(() -> Blocks.save("second", new Db("jdbc:h2:mem:b", Secret.of("pw-second-2"))));
            String newId = rt.call(Blocks::rotateMasterKey);
            assertThat(Files.readString(keyFile)).isNotEqualTo(before);
            assertThat(rt.call(() -> Blocks.load(Db.class, "first")).password().reveal()).isEqualTo("pw-first-1");
            assertThat(rt.call(() -> Blocks.load(Db.class, "second")).password().reveal()).isEqualTo("pw-second-2");
            assertThat(Files.readString(home.resolve("blocks/hardening-db/first.json"))).contains(newId)
                    .doesNotContain("pw-first-1");
            try (var left = Files.list(home)) {
                assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".bak"));
            }
        }
    }

    /**
     * A rotation killed while it kept the old key ({@code master.key.<id>.bak}) cut short, as a copy in place could
     * leave it: loads go on, and the next rotation writes the backup again whole and finishes.
     */
    @Test
    void aBackupKeyCutShortByACrashDoesNotStopLoadsNorTheNextRotation() throws IOException {
        try (SluiceRuntime rt = SluiceRuntime.builder().home(home).environment(Map.of())
                .blockStore(BlockStore.file(home, Map.of())).build()) {
            rt.run(() -> Blocks.save("first", new Db("jdbc:h2:mem:a", Secret.of("pw-first-1"))));
            String oldId = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(Files.readString(home.resolve("blocks/hardening-db/first.json"))).get("keyId").asText();
            Path backup = home.resolve("master.key." + oldId + ".bak");
            Files.writeString(backup, Files.readString(home.resolve("master.key")).substring(0, 10)); // cut short

            assertThat(rt.call(() -> Blocks.load(Db.class, "first")).password().reveal()).isEqualTo("pw-first-1");
            String newId = rt.call(Blocks::rotateMasterKey);

            assertThat(newId).isNotEqualTo(oldId);
            assertThat(rt.call(() -> Blocks.load(Db.class, "first")).password().reveal()).isEqualTo("pw-first-1");
            assertThat(Files.readString(home.resolve("blocks/hardening-db/first.json"))).contains(newId);
            try (var left = Files.list(home)) {
                assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".bak") || n.endsWith(".tmp"));
            }
        }
    }

    @Test
    void oneDamagedBlockFileDoesNotStopOtherSaves() throws IOException {
        try (SluiceRuntime rt = SluiceRuntime.builder().home(home).environment(Map.of())
                .blockStore(BlockStore.file(home, Map.of())).build()) {
            rt.run(() -> Blocks.save("first", new Db("jdbc:h2:mem:a", Secret.of("pw-first-1"))));
            Path first = home.resolve("blocks/hardening-db/first.json");
            Files.writeString(first, "{\"type\":\"hardening-db\",\"ke"); // truncated
            rt.run(() -> Blocks.save("second", new Db("jdbc:h2:mem:b", Secret.of("pw-second-2"))));
            assertThat(rt.call(() -> Blocks.load(Db.class, "second")).password().reveal()).isEqualTo("pw-second-2");
            assertThatThrownBy(() -> rt.call(() -> Blocks.load(Db.class, "first"))).isInstanceOf(BlockException.class)
                    .hasMessageContaining(first.toString());
        }
    }

    /**
     * {@code rotateMasterKey(newKey)} where the key is the key file (no {@code SLUICE_MASTER_KEY}): the blocks
     * move to the given key and so does the key file, so every block still loads and saves go on.
     */
    @Test
    void rotatingToAGivenKeyWritesItToTheKeyFileWhenTheKeyCameFromThere() throws IOException {
        String given = java.util.Base64.getEncoder().encodeToString(new byte[] {
            1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32});
        try (SluiceRuntime rt = SluiceRuntime.builder().home(home).environment(Map.of())
                .blockStore(BlockStore.file(home, Map.of())).build()) {
            rt.run(() -> Blocks.save("first", new Db("jdbc:h2:mem:a", Secret.of("pw-first-1"))));

            String newId = rt.call(() -> Blocks.rotateMasterKey(given));

            assertThat(Files.readString(home.resolve("master.key")).trim()).isEqualTo(given);
            assertThat(rt.call(() -> Blocks.load(Db.class, "first")).password().reveal()).isEqualTo("pw-first-1");
            rt.run(() -> Blocks.save("second", new Db("jdbc:h2:mem:b", Secret.of("pw-second-2"))));
            assertThat(Files.readString(home.resolve("blocks/hardening-db/second.json"))).contains(newId);
            try (var left = Files.list(home)) {
                assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".bak"));
            }
        }
    }

    /** With the key in {@code SLUICE_MASTER_KEY}, no key file is written: the blocks load once the variable holds the new key. */
    @Test
    void rotatingAKeyFromTheVariableLeavesTheKeyFileAlone() {
        java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
        String old = b64.encodeToString(new byte[32]);
        byte[] next = new byte[32];
        java.util.Arrays.fill(next, (byte) 7);
        try (SluiceRuntime rt = SluiceRuntime.builder().home(home).environment(Map.of())
                .blockStore(BlockStore.file(home, Map.of(BlockStore.MASTER_KEY_VARIABLE, old))).build()) {
            rt.run(() -> Blocks.save("first", new Db("jdbc:h2:mem:a", Secret.of("pw-first-1"))));
            rt.call(() -> Blocks.rotateMasterKey(b64.encodeToString(next)));
        }
        assertThat(home.resolve("master.key")).doesNotExist();
        try (SluiceRuntime rt = SluiceRuntime.builder().home(home).environment(Map.of())
                .blockStore(BlockStore.file(home, Map.of(BlockStore.MASTER_KEY_VARIABLE, b64.encodeToString(next)))).build()) {
            assertThat(rt.call(() -> Blocks.load(Db.class, "first")).password().reveal()).isEqualTo("pw-first-1");
        }
    }

    private static ListAppender<ILoggingEvent> capture(String logger) {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        ((Logger) LoggerFactory.getLogger(logger)).addAppender(appender);
        return appender;
    }

    private static void detach(String logger, ListAppender<ILoggingEvent> appender) {
        ((Logger) LoggerFactory.getLogger(logger)).detachAppender(appender);
    }

    private static List<String> messages(ListAppender<ILoggingEvent> appender) {
        return List.copyOf(appender.list).stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
}
