package dev.sluice.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Starts {@link HistoryChild} in new JVMs with this test's class path, and reads what they print. */
final class Processes {
    private Processes() {
    }

    /** A running child and the lines it printed so far. */
    static final class Child {
        final Process process;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final List<String> all = java.util.Collections.synchronizedList(new ArrayList<>());

        Child(Process process) {
            this.process = process;
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        all.add(line);
                        lines.add(line);
                    }
                } catch (IOException e) {
                    // the process is gone
                }
            }, "child-output");
            reader.setDaemon(true);
            reader.start();
        }

        /** Waits for a line {@code KEY=value} and returns the value. */
        String await(String key, long seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < deadline) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (line != null && line.startsWith(key + "=")) {
                    return line.substring(key.length() + 1);
                }
                if (line == null && !process.isAlive() && lines.isEmpty()) {
                    break;
                }
            }
            throw new AssertionError("no " + key + "= line from the child; it printed:\n" + String.join("\n", all));
        }

        /** Waits for the end, checks the exit code, and returns the KEY=value lines. */
        Map<String, String> finish() throws InterruptedException {
            if (!process.waitFor(180, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("the child ran for more than 180 s; it printed:\n" + String.join("\n", all));
            }
            Thread.sleep(50);
            assertThat(process.exitValue()).as(String.join("\n", all)).isZero();
            Map<String, String> fields = new HashMap<>();
            synchronized (all) {
                for (String line : all) {
                    int eq = line.indexOf('=');
                    if (eq > 0 && line.substring(0, eq).matches("[A-Z]+")) {
                        fields.put(line.substring(0, eq), line.substring(eq + 1));
                    }
                }
            }
            return fields;
        }
    }

    static Child start(Map<String, String> systemProperties, String... args) throws IOException {
        return start(null, systemProperties, args);
    }

    /** A child that takes itself for host {@code host} (its {@code HOSTNAME}), as a process on another machine. */
    static Child startOnHost(String host, String... args) throws IOException {
        return start(host, Map.of("sluice.history", "off"), args);
    }

    private static Child start(String host, Map<String, String> systemProperties, String... args) throws IOException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-Xmx256m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
        systemProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-cp", classPath, HistoryChild.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.redirectErrorStream(true);
        pb.environment().remove("SLUICE_DATABASE_URL");
        pb.environment().remove("SLUICE_HISTORY");
        if (host != null) {
            pb.environment().put("HOSTNAME", host);
        }
        return new Child(pb.start());
    }

    static Child start(String... args) throws IOException {
        return start(Map.of("sluice.history", "off"), args);
    }
}
