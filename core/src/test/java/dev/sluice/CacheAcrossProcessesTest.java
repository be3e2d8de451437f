package dev.sluice;

import dev.sluice.cache.CachePolicy;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import dev.sluice.testkit.TemporarySluiceHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Cached results outlive the JVM, and two JVMs on one store compute a key once. */
class CacheAcrossProcessesTest {
    @RegisterExtension
    final TemporarySluiceHome home = new TemporarySluiceHome();

    /** Starts {@link CacheChild} in a new JVM with this test's class path. */
    private Process start(Path calls, long sleepMillis) throws IOException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-Dsluice.home=" + home.path(), "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", classPath, CacheChild.class.getName(), calls.toString(), Long.toString(sleepMillis));
        pb.redirectErrorStream(true);
        return pb.start();
    }

    private static Map<String, String> finish(Process p) throws Exception {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(out).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        Map<String, String> fields = new HashMap<>();
        for (String line : out.split("\\R")) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.substring(0, eq).matches("[A-Z]+")) {
                fields.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        assertThat(fields).as(out).containsKeys("STATE", "RESULT", "RUN", "KEY", "FROM");
        return fields;
    }

    @Test
    void theSecondProgramReusesTheFirstProgramsResult() throws Exception {
        Path calls = home.path().resolve("calls.txt");

        Map<String, String> first = finish(start(calls, 0));
        Map<String, String> second = finish(start(calls, 0));

        assertThat(first.get("STATE")).isEqualTo("COMPLETED");
        assertThat(second.get("STATE")).isEqualTo("CACHED");
        assertThat(second.get("RESULT")).isEqualTo("12");
        assertThat(second.get("FROM")).isEqualTo(first.get("RUN"));
        assertThat(Files.readAllLines(calls)).hasSize(1);

        // the same inputs give the same key in this JVM too
        TaskFuture<Integer> here = Task.of("cross-process", (String s) -> -1).withCache(CachePolicy.inputs()).submit("sluice");
        assertThat(here.join()).isEqualTo(12);
        assertThat(here.run().state()).isEqualTo(State.CACHED);
        assertThat(here.run().cacheKey()).contains(first.get("KEY"));
    }

    @Test
    void twoProgramsRunningAtOnceComputeOnce() throws Exception {
        Path calls = home.path().resolve("calls.txt");

        List<Process> processes = new ArrayList<>();
        processes.add(start(calls, 1_500));
        processes.add(start(calls, 1_500));
        List<Map<String, String>> results = new ArrayList<>();
        for (Process p : processes) {
            results.add(finish(p));
        }

        assertThat(Files.readAllLines(calls)).hasSize(1);
        assertThat(results).extracting(r -> r.get("STATE")).containsExactlyInAnyOrder("COMPLETED", "CACHED");
        assertThat(results).extracting(r -> r.get("RESULT")).containsOnly("12");
    }
    @Test
    void aProgramKilledWhileComputingDoesNotHoldTheOthersBack() throws Exception {
        Path calls = home.path().resolve("calls.txt");
        Process killed = start(calls, 600_000); // computes for ten minutes, holding the key's lock
        try {
            for (int i = 0; i < 1_200 && (!Files.exists(calls) || Files.readAllLines(calls).isEmpty()); i++) {
                assertThat(killed.isAlive()).as("the first program is computing").isTrue();
                Thread.sleep(50);
            }
            assertThat(Files.readAllLines(calls)).as("the first program started computing").hasSize(1);
            Process second = start(calls, 0); // waits for the first program's lock
            Thread.sleep(1_000); // long enough for it to start and wait, mostly
            killed.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // kill -9: the operating system drops its lock

            Map<String, String> result = finish(second);

            assertThat(result.get("STATE")).isEqualTo("COMPLETED");
            assertThat(result.get("RESULT")).isEqualTo("12");
            assertThat(Files.readAllLines(calls)).as("the second program computed it itself").hasSize(2);
        } finally {
            killed.destroyForcibly();
        }
    }
}
