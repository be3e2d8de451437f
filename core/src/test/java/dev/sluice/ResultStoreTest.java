package dev.sluice;

import dev.sluice.cache.CachedResult;
import dev.sluice.cache.ResultStore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
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
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(KEY + ".json", "locks");
        }
        assertThat(store.delete(KEY)).isTrue();
        assertThat(store.delete(KEY)).isFalse();
        assertThat(store.read(KEY)).isEmpty();
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
        ResultStore store = ResultStore.files(dir);
        try (ResultStore.Lock lock = store.lock(KEY)) {
            assertThat(dir.resolve("locks").resolve(KEY + ".lock")).exists();
        }
        Path lockFile = dir.resolve("locks").resolve(KEY + ".lock");
        try (ResultStore.Lock again = store.lock(KEY);
             java.nio.channels.FileChannel probe = java.nio.channels.FileChannel.open(lockFile,
                     java.nio.file.StandardOpenOption.WRITE)) {
            assertThatThrownBy(probe::tryLock).as("the lock taken again is really held")
                    .isInstanceOf(java.nio.channels.OverlappingFileLockException.class);
        }
        try (java.nio.channels.FileChannel probe = java.nio.channels.FileChannel.open(lockFile,
                java.nio.file.StandardOpenOption.WRITE);
             java.nio.channels.FileLock free = probe.tryLock()) {
            assertThat(free).as("closing the lock released it").isNotNull();
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
