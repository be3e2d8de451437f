package dev.sluice.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.State;
import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The same {@code serve} in three JVMs on one PostgreSQL: runs spread over them; a JVM killed with
 * SIGKILL has its running runs marked CRASHED within 30 s while its schedules keep firing from the
 * others; a JVM sent SIGTERM hands its running run back to the others.
 */
class ScaleOutIT {
    static final class Child {
        final String name;
        final Process process;
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());

        Child(String name, Process process) {
            this.name = name;
            this.process = process;
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    // gone
                }
            }, "child-output-" + name);
            reader.setDaemon(true);
            reader.start();
        }

        String output() {
            synchronized (lines) {
                return String.join("\n", lines);
            }
        }
    }

    static Child start(HistoryDatabase db, String name) throws IOException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-Xmx192m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", classPath,
                WorkerChild.class.getName(), db.url(), db.user(), name));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("SLUICE_DATABASE_URL");
        return new Child(name, pb.start());
    }

    static void await(String what, Duration timeout, BooleanSupplier done, List<Child> children) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                StringBuilder out = new StringBuilder("timed out waiting for " + what);
                for (Child c : children) {
                    out.append("\n--- ").append(c.name).append(":\n").append(c.output());
                }
                throw new AssertionError(out.toString());
            }
            Thread.sleep(100);
        }
    }

    @Test
    void runsSpreadAKilledJvmsRunsCrashAndItsSchedulesFireFromTheOthers() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            HistoryDatabase db = WorkerPostgresIT.freshDatabase(pg, "scale_");
            List<Child> children = new ArrayList<>();
            try (DeploymentClient client = DeploymentClient.open(db); History history = History.open(db)) {
                // all three start at once and register the same deployments
                children.add(start(db, "w1"));
                children.add(start(db, "w2"));
                children.add(start(db, "w3"));
                await("3 live workers", Duration.ofSeconds(60), () -> client.workers(Duration.ofSeconds(10)).stream()
                        .filter(w -> w.stoppedAt() == null).count() == 3, children);
                Map<String, String> nameOf = new HashMap<>();
                client.workers(Duration.ofMinutes(1)).forEach(w -> nameOf.put(w.id(), w.name()));

                // 1. manual runs spread over the JVMs
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < 90; i++) {
                    ids.add(client.trigger("noop"));
                }
                Set<String> ranOn = new HashSet<>();
                for (String id : ids) {
                    DeploymentRun r = client.awaitFinished(id, Duration.ofSeconds(60)).orElseThrow();
                    assertThat(r.status()).isEqualTo(RunStatus.COMPLETED);
                    ranOn.add(nameOf.get(r.workerId()));
                }
                assertThat(ranOn).as("workers that ran the 90 runs").hasSizeGreaterThanOrEqualTo(2);

                // 2. long runs on every JVM; kill -9 the one running the first
                List<String> sleepy = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    sleepy.add(client.trigger("sleepy"));
                }
                // each JVM runs 3 at once, and one slot of each may be taken by a tick: the 6 spread over the JVMs
                await("sleepy runs to start", Duration.ofSeconds(30), () -> sleepy.stream()
                        .allMatch(id -> client.run(id).orElseThrow().status() == RunStatus.RUNNING), children);
                assertThat(sleepy.stream().map(id -> client.run(id).orElseThrow().workerId()).distinct().count())
                        .isGreaterThanOrEqualTo(2);
                DeploymentRun victimRun = client.run(sleepy.get(0)).orElseThrow();
                String victim = nameOf.get(victimRun.workerId());
                Child killed = children.stream().filter(c -> c.name.equals(victim)).findFirst().orElseThrow();
                List<String> victimRuns = sleepy.stream()
                        .filter(id -> victimRun.workerId().equals(client.run(id).orElseThrow().workerId())).toList();
                Instant killedAt = Instant.now();
                killed.process.destroyForcibly();
                assertThat(killed.process.waitFor(10, TimeUnit.SECONDS)).isTrue();

                await("the killed JVM's runs to be CRASHED", Duration.ofSeconds(30), () -> victimRuns.stream()
                        .allMatch(id -> client.run(id).orElseThrow().status() == RunStatus.CRASHED), children);
                Duration crashDetected = Duration.between(killedAt, Instant.now());
                assertThat(crashDetected).isLessThan(Duration.ofSeconds(30));
                await("their flow runs to be CRASHED in the history", Duration.ofSeconds(30), () -> victimRuns.stream()
                        .allMatch(id -> history.flowRun(client.run(id).orElseThrow().flowRunId())
                                .map(f -> f.run().state() == State.CRASHED).orElse(false)), children);

                // 3. the schedule keeps firing from the others, each slot once
                Instant after = Instant.now().plusSeconds(1);
                await("tick slots after the kill", Duration.ofSeconds(30), () -> client.runs("tick", 1_000).stream()
                        .filter(r -> r.status() == RunStatus.COMPLETED && r.slot().isAfter(after)).count() >= 3, children);
                List<DeploymentRun> ticks = client.runs("tick", 1_000);
                Map<Instant, Integer> perSlot = new HashMap<>();
                ticks.forEach(r -> perSlot.merge(r.slot(), 1, Integer::sum));
                assertThat(perSlot.values()).allMatch(n -> n == 1);
                assertThat(ticks).filteredOn(r -> r.status() == RunStatus.COMPLETED)
                        .allMatch(r -> !r.startedAt().isBefore(r.slot()), "never early");

                // 4. SIGTERM: a JVM stops gracefully and hands its running run back to the last one
                Map<String, Long> runningOn = new HashMap<>();
                for (String id : sleepy) {
                    DeploymentRun r = client.run(id).orElseThrow();
                    if (r.status() == RunStatus.RUNNING) {
                        runningOn.merge(nameOf.get(r.workerId()), 1L, Long::sum);
                    }
                }
                List<Child> alive = children.stream().filter(c -> c.process.isAlive()).sorted(
                        java.util.Comparator.comparing((Child c) -> runningOn.getOrDefault(c.name, 0L)).reversed()).toList();
                Child stopping = alive.get(0);
                Child survivor = alive.get(1);
                String stoppingId = nameOf.entrySet().stream().filter(e -> e.getValue().equals(stopping.name))
                        .findFirst().orElseThrow().getKey();
                String survivorId0 = nameOf.entrySet().stream().filter(e -> e.getValue().equals(survivor.name))
                        .findFirst().orElseThrow().getKey();
                for (String id : sleepy) { // make room on the survivor
                    if (survivorId0.equals(client.run(id).orElseThrow().workerId())) {
                        client.cancel(id);
                    }
                }
                await("the survivor's runs to end", Duration.ofSeconds(30), () -> sleepy.stream().map(id -> client.run(id)
                        .orElseThrow()).noneMatch(r -> r.status() == RunStatus.RUNNING && survivorId0.equals(r.workerId())),
                        children);
                List<String> handedBack = sleepy.stream().filter(id -> {
                    DeploymentRun r = client.run(id).orElseThrow();
                    return r.status() == RunStatus.RUNNING && stoppingId.equals(r.workerId());
                }).toList();
                assertThat(handedBack).isNotEmpty();
                stopping.process.destroy();
                assertThat(stopping.process.waitFor(30, TimeUnit.SECONDS)).as(stopping.output()).isTrue();
                assertThat(client.workers(Duration.ofMinutes(5)).stream().filter(w -> w.id().equals(stoppingId))
                        .findFirst().orElseThrow().stoppedAt()).isNotNull();
                String survivorId = nameOf.entrySet().stream().filter(e -> e.getValue().equals(survivor.name))
                        .findFirst().orElseThrow().getKey();
                await("handed-back runs to run on the survivor", Duration.ofSeconds(30), () -> handedBack.stream()
                        .allMatch(id -> {
                            DeploymentRun r = client.run(id).orElseThrow();
                            return r.status() == RunStatus.RUNNING && survivorId.equals(r.workerId());
                        }), children);
                for (String id : sleepy) {
                    client.cancel(id);
                }
                await("all sleepy runs to end", Duration.ofSeconds(30), () -> sleepy.stream()
                        .allMatch(id -> client.run(id).orElseThrow().status().isFinished()), children);
                System.out.println("scale-out: runs spread over " + ranOn + ", crash marked after " + crashDetected.toMillis()
                        + " ms, " + handedBack.size() + " run(s) handed back on SIGTERM");
            } finally {
                for (Child c : children) {
                    c.process.destroyForcibly();
                    c.process.waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }
}
