package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.cache.CachedResult;
import dev.sluice.cache.ResultStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM killed while it writes to a file result store leaves no part of an entry, and the temporary
 * file it was writing is deleted by a later write once it is stale (a live writer's is never touched).
 */
class ResultStoreKilledWriterTest {
    @TempDir
    Path dir;

    private static List<Path> files(Path dir, String suffix) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).toList();
        }
    }

    @Test
    void aWriterKilledMidWriteLeavesAWholeEntryAndItsTemporaryFileIsSweptOnceStale() throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process writer = new ProcessBuilder(java.toString(), "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-Xmx256m",
                "-cp", classPath, StoreWriterChild.class.getName(), dir.toString()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("WRITING");
            Thread.sleep(200); // in the middle of later writes
        } finally {
            writer.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }

        ResultStore store = ResultStore.files(dir);
        CachedResult entry = store.read("b".repeat(64)).orElseThrow(); // whole: parses and matches its checksum
        assertThat(entry.json()).hasSize(8 * 1024 * 1024 + 2);

        // what a killed writer leaves, made stale (as if 2 hours passed), next to a live writer's fresh file
        Path killed = dir.resolve("c".repeat(64) + ".1234abcd.tmp");
        Files.writeString(killed, "{\"format\":1,\"key\":\"cc");
        Path live = dir.resolve("d".repeat(64) + ".5678abcd.tmp");
        Files.writeString(live, "{\"format\":1,\"key\":\"dd");
        FileTime old = FileTime.from(Instant.now().minus(Duration.ofHours(2)));
        for (Path tmp : files(dir, ".tmp")) {
            if (!tmp.equals(live)) {
                Files.setLastModifiedTime(tmp, old);
            }
        }

        store.write(new CachedResult("e".repeat(64), "t", null, "run-x", Instant.now(), "java.lang.Integer", "1"));

        assertThat(files(dir, ".tmp")).as("stale temporary files deleted, a live writer's kept").containsExactly(live);
        assertThat(store.read("e".repeat(64))).isPresent();
    }
}
