package dev.sluice;

import dev.sluice.cache.CachedResult;
import dev.sluice.cache.ResultStore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.internal.FileResultStore;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultStoreTest {
    private static final String KEY = "a".repeat(64);

    @TempDir
    Path dir;

    private static CachedResult entry(String json) {
        return new CachedResult(KEY, "task", null, "run-1", Instant.parse("2026-11-21T09:00:00Z"), "java.lang.Object", json);
    }

    @Test
    void theFileStoreGivesBackExactlyWhatWasWritten() throws IOException {
        ResultStore store = ResultStore.files(dir);
        for (String json : List.of("12", "-0.10000000000000000000001", "\"a \\\"quoted\\\" ☃ text\"", "null", "true",
                "[\"java.math.BigDecimal\",1.100]", "{\"@type\":\"x.Y\",\"n\":[1,2,{\"a\":null}]}")) {
            store.write(entry(json));
            assertThat(store.read(KEY)).contains(entry(json));
        }
        CachedResult versioned = new CachedResult(KEY, "task", "v2", "run-2", Instant.now(), "T", "1");
        store.write(versioned);
        assertThat(store.read(KEY)).contains(versioned);
    }

    @Test
    void writesLeaveNoTemporaryFilesAndDeleteRemovesTheEntry() throws IOException {
        ResultStore store = ResultStore.files(dir);
        assertThat(store.read(KEY)).isEmpty();
        store.write(entry("1"));
        store.write(entry("2"));
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(KEY + ".json");
        }
        assertThat(store.delete(KEY)).isTrue();
        assertThat(store.delete(KEY)).isFalse();
        assertThat(store.read(KEY)).isEmpty();
    }

    @Test
    void locksOfManyKeysLeaveOneLockFileNotOnePerEntry() throws Exception {
        ResultStore store = ResultStore.files(dir);
        for (int i = 0; i < 50; i++) {
            String key = String.format("%064x", i);
            try (ResultStore.Lock lock = store.lock(key)) {
                store.write(new CachedResult(key, "task", null, "run-" + i, Instant.now(), "java.lang.Integer", "1"));
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .hasSize(51).filteredOn(n -> !n.endsWith(".json")).containsExactly(".locks");
        }
    }

    @Test
    void aValueChangedAfterItWasWrittenDoesNotMatchItsChecksum() throws IOException {
        ResultStore store = ResultStore.files(dir);
        store.write(entry("[\"java.math.BigDecimal\",1.100]"));
        Path file = dir.resolve(KEY + ".json");
        Files.writeString(file, Files.readString(file).replace("1.100", "9.100"));

        assertThatThrownBy(() -> store.read(KEY)).isInstanceOf(IOException.class).hasMessageContaining("CRC-32C");
    }

    @Test
    void anEntryWrittenWithoutAChecksumIsStillRead() throws IOException {
        ResultStore store = ResultStore.files(dir);
        Files.writeString(dir.resolve(KEY + ".json"), "{\"format\":1,\"key\":\"" + KEY + "\",\"task\":\"task\",\"version\":null,"
                + "\"runId\":\"run-1\",\"createdAt\":\"2026-11-21T09:00:00Z\",\"type\":\"java.lang.Object\",\"value\":12}\n");

        assertThat(store.read(KEY)).contains(entry("12"));
    }

    @Test
    void anUnreadableFileIsAnIOExceptionNotAMissingEntry() throws IOException {
        ResultStore store = ResultStore.files(dir);
        store.write(entry("[1,2,3]"));
        Path file = dir.resolve(KEY + ".json");
        String whole = Files.readString(file);
        Files.writeString(file, whole.substring(0, whole.length() - 5));

        assertThatThrownBy(() -> store.read(KEY)).isInstanceOf(IOException.class).hasMessageContaining("unreadable");
    }

    @Test
    void keysThatAreNotFileNamesAreRefused() {
        ResultStore store = ResultStore.files(dir);
        assertThatThrownBy(() -> store.read("../escape")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.write(new CachedResult("a/b", "t", null, "r", Instant.now(), "T", "1")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theLockOfAKeyCanBeTakenAgainOnceReleased() throws Exception {
        FileResultStore store = (FileResultStore) ResultStore.files(dir);
        long position = FileResultStore.lockPosition(KEY);
        try (ResultStore.Lock lock = store.lock(KEY)) {
            assertThat(store.lockFile()).exists();
        }
        try (ResultStore.Lock again = store.lock(KEY);
             FileChannel probe = FileChannel.open(store.lockFile(), StandardOpenOption.WRITE)) {
            assertThatThrownBy(() -> probe.tryLock(position, 1, false)).as("the lock taken again is really held")
                    .isInstanceOf(OverlappingFileLockException.class);
            try (FileLock other = probe.tryLock(FileResultStore.lockPosition("b".repeat(64)), 1, false)) {
                assertThat(other).as("another key's lock is free meanwhile").isNotNull();
            }
        }
        try (FileChannel probe = FileChannel.open(store.lockFile(), StandardOpenOption.WRITE);
             FileLock free = probe.tryLock(position, 1, false)) {
            assertThat(free).as("closing the lock released it").isNotNull();
        }
    }

    @Test
    void aThreadWaitingForALockGetsItWhenItIsReleasedAndCanBeInterrupted() throws Exception {
        ResultStore store = ResultStore.files(dir);
        ResultStore.Lock held = store.lock(KEY);
        java.util.concurrent.CompletableFuture<Void> waiter = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try (ResultStore.Lock lock = store.lock(KEY)) {
                // got it
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(50);
        assertThat(waiter).isNotDone();
        held.close();
        waiter.get(10, java.util.concurrent.TimeUnit.SECONDS);

        try (ResultStore.Lock again = store.lock(KEY)) {
            Thread interrupted = new Thread(() -> {
                Thread.currentThread().interrupt();
                assertThatThrownBy(() -> store.lock(KEY)).isInstanceOf(InterruptedException.class);
            });
            interrupted.start();
            interrupted.join(10_000);
        }
        try (ResultStore.Lock after = store.lock("c".repeat(64))) {
            assertThat(after).as("the interrupt closed nothing shared").isNotNull();
        }
    }

    @Test
    void theInMemoryStoreKeepsEntriesPerObject() throws IOException {
        ResultStore one = ResultStore.inMemory();
        one.write(entry("1"));
        assertThat(one.read(KEY)).contains(entry("1"));
        assertThat(ResultStore.inMemory().read(KEY)).isEmpty();
    }
}
