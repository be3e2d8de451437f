package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Flow;
import dev.sluice.SluiceRuntime;
import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server whose SQLite file is corrupted under it still stops promptly on SIGTERM (as {@code sluice server start} does). */
class StopOnCorruptedFileIT {
    @TempDir
    Path dir;

    @Test
    void aServerOnACorruptedFileStopsWithinAFewSecondsOfSigterm() throws Exception {
        Path file = dir.resolve("sluice.db");
        try (History history = History.open(HistoryDatabase.sqlite(file));
                SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().recorder(history.recorder()).build()) {
            for (int i = 0; i < 50; i++) {
                runtime.runForState(Flow.of("before-corruption", (Integer n) -> n + 1), i);
            }
            assertThat(history.flush()).isTrue();
        }
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-Xmx256m", "-Dsluice.history=off",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", classPath, ServerChild.class.getName(), file.toString())
                .redirectErrorStream(true);
        Process p = pb.start();
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (java.io.IOException e) {
                // gone
            }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String url = null;
            while (url == null && System.nanoTime() < deadline && p.isAlive()) {
                synchronized (lines) {
                    url = lines.stream().filter(l -> l.startsWith("URL=")).map(l -> l.substring(4)).findFirst().orElse(null);
                }
                Thread.sleep(50);
            }
            assertThat(url).as(String.join("\n", lines)).isNotNull();
            HttpClient http = HttpClient.newHttpClient();

            byte[] bytes = Files.readAllBytes(file); // every page but the first scrambled, in place
            for (int i = 4096; i < bytes.length; i++) {
                bytes[i] = (byte) (i * 31);
            }
            try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(bytes, 4096, bytes.length - 4096), 4096);
            }
            for (String path : List.of("/api/runs", "/runs", "/api/health")) {
                var answer = AuthIT.get(http, URI.create(url).resolve(path));
                assertThat(answer.statusCode()).as(path).isEqualTo(503);
                assertThat(answer.body()).as(path).contains("corrupted").doesNotContain("try again in a moment");
            }

            long start = System.nanoTime();
            p.destroy(); // SIGTERM
            boolean stopped = p.waitFor(30, TimeUnit.SECONDS);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(stopped).as(String.join("\n", lines)).isTrue();
            assertThat(millis).as("stopped after %d ms; it printed:%n%s", millis, String.join("\n", lines)).isLessThan(8_000);
        } finally {
            p.destroyForcibly();
        }
    }
}
