package dev.sluice.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.history.HistoryDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three worker JVMs on one PostgreSQL, as docs/scale-out.md runs them: concurrency limits per deployment and per
 * tag hold across the JVMs under a burst of triggers; pausing a schedule stops its slots on every JVM and resuming
 * does not replay the pause; all JVMs killed at once and two new ones started: the runs that were going on end
 * CRASHED and the slots of the downtime are caught up (catch-up ALL), each once.
 */
class ScaleOutChaosIT {
    @TempDir
    Path dir;

    /** The most runs among {@code runIds} whose bodies ran at once, from their start and end marks. */
    static int maxAtOnce(Path marks, Set<String> runIds) throws Exception {
        record Event(long at, int delta) {
        }
        List<Event> events = new ArrayList<>();
        for (String line : Files.readAllLines(marks)) {
            String[] p = line.split(" ");
            if (p.length == 4 && runIds.contains(p[0])) {
                events.add(new Event(Long.parseLong(p[3]), p[2].equals("start") ? 1 : -1));
            }
        }
        events.sort((a, b) -> a.at() != b.at() ? Long.compare(a.at(), b.at()) : Integer.compare(a.delta(), b.delta()));
        int now = 0;
        int max = 0;
        for (Event e : events) {
            now += e.delta();
            max = Math.max(max, now);
        }
        return max;
    }

    static Set<String> ids(DeploymentClient client, String deployment) {
        return client.runs(deployment, 1_000).stream().map(DeploymentRun::id).collect(Collectors.toSet());
    }

    static long workersThatRan(DeploymentClient client, String deployment) {
        return client.runs(deployment, 1_000).stream().map(DeploymentRun::workerId).filter(java.util.Objects::nonNull)
                .distinct().count();
    }

    @Test
    void limitsHoldAcrossJvmsPauseHoldsAndAllJvmsKilledAtOnceAreCaughtUpAfter() throws Exception {
        Path marks = dir.resolve("marks.txt");
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            HistoryDatabase db = WorkerPostgresIT.freshDatabase(pg, "chaos_");
            List<ScaleOutIT.Child> children = new ArrayList<>();
            try (DeploymentClient client = DeploymentClient.open(db)) {
                for (String name : List.of("w1", "w2", "w3")) {
                    children.add(DatabaseOutageIT.startChaos(db, name, marks));
                }
                ScaleOutIT.await("3 live workers", Duration.ofSeconds(60), () -> client.workers(Duration.ofSeconds(10))
                        .stream().filter(w -> w.stoppedAt() == null).count() == 3, children);

                // 1. a burst of triggers against a deployment limit of 2 and a tag limit of 3, over 3 JVMs x 4 threads;
                // which JVM claims a freed slot is a race, so a burst whose 'limited' runs all went to one JVM (twice in
                // CI runs of the whole build) is followed by another, at most three in all: the limits must hold in
                // every burst and the runs must have spread over at least two JVMs by the last
                for (int round = 0; round < 3 && workersThatRan(client, "limited") < 2; round++) {
                    List<String> burst = new ArrayList<>();
                    for (int i = 0; i < 12; i++) {
                        burst.add(client.trigger("limited"));
                        burst.add(client.trigger(i % 2 == 0 ? "gpu-a" : "gpu-b"));
                    }
                    for (String id : burst) {
                        assertThat(client.awaitFinished(id, Duration.ofSeconds(60)).orElseThrow().status())
                                .isEqualTo(RunStatus.COMPLETED);
                    }
                    assertThat(maxAtOnce(marks, ids(client, "limited"))).as("limited at once").isBetween(1, 2);
                    Set<String> gpu = new java.util.HashSet<>(ids(client, "gpu-a"));
                    gpu.addAll(ids(client, "gpu-b"));
                    assertThat(maxAtOnce(marks, gpu)).as("tag gpu at once").isBetween(1, 3);
                }
                assertThat(workersThatRan(client, "limited")).as("workers that ran 'limited'").isGreaterThanOrEqualTo(2);

                // 2. pause stops the slots on every JVM; resume does not replay the pause
                ScaleOutIT.await("a slot to complete", Duration.ofSeconds(30), () -> client.runs("every-second", 10)
                        .stream().anyMatch(r -> r.status() == RunStatus.COMPLETED), children);
                client.pause("every-second");
                Instant pausedAt = Instant.now();
                Thread.sleep(2_500);
                assertThat(client.runs("every-second", 1_000)).as("slots after the pause")
                        .noneMatch(r -> r.slot().isAfter(pausedAt.plusMillis(500)));
                client.resume("every-second");
                Instant resumedAt = Instant.now();
                ScaleOutIT.await("a slot after the resume", Duration.ofSeconds(30), () -> client.runs("every-second", 10)
                        .stream().anyMatch(r -> r.status() == RunStatus.COMPLETED && r.slot().isAfter(resumedAt)), children);
                assertThat(client.runs("every-second", 1_000)).as("slots of the pause")
                        .noneMatch(r -> r.slot().isAfter(pausedAt.plusMillis(500)) && r.slot().isBefore(resumedAt.minusMillis(500)));

                // 3. every JVM killed at once while runs go on; two new ones take over
                List<String> going = List.of(client.trigger("steady"), client.trigger("steady"));
                ScaleOutIT.await("the steady runs to start", Duration.ofSeconds(30), () -> going.stream()
                        .allMatch(id -> client.run(id).orElseThrow().status() == RunStatus.RUNNING), children);
                for (ScaleOutIT.Child c : children) {
                    c.process.destroyForcibly();
                }
                for (ScaleOutIT.Child c : children) {
                    assertThat(c.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
                }
                Instant killedAt = Instant.now();
                Thread.sleep(3_000);
                children.add(DatabaseOutageIT.startChaos(db, "w4", marks));
                children.add(DatabaseOutageIT.startChaos(db, "w5", marks));
                ScaleOutIT.await("the runs going on at the kill to be CRASHED", Duration.ofSeconds(40), () -> going.stream()
                        .allMatch(id -> client.run(id).orElseThrow().status() == RunStatus.CRASHED), children);
                Instant back = Instant.now();
                ScaleOutIT.await("slots after the restart", Duration.ofSeconds(30), () -> client.runs("every-second", 10)
                        .stream().anyMatch(r -> r.status() == RunStatus.COMPLETED && r.slot().isAfter(back)), children);
                List<DeploymentRun> slots = client.runs("every-second", 1_000);
                Map<Instant, Integer> perSlot = new HashMap<>();
                slots.forEach(r -> perSlot.merge(r.slot(), 1, Integer::sum));
                assertThat(perSlot.values()).as("runs per slot").allMatch(n -> n == 1);
                List<Instant> since = slots.stream().map(DeploymentRun::slot).filter(t -> t.isAfter(resumedAt)).sorted().toList();
                for (int i = 1; i < since.size(); i++) {
                    assertThat(Duration.between(since.get(i - 1), since.get(i))).as("gap after %s (killed at %s)",
                            since.get(i - 1), killedAt).isEqualTo(Duration.ofSeconds(1));
                }
                Map<String, Integer> ran = DatabaseOutageIT.marks(marks);
                assertThat(slots).as("slot bodies run at most once").allMatch(r -> ran.getOrDefault(r.id(), 0) <= 1);
                Instant stale = Instant.now().minusSeconds(15);
                assertThat(client.runs(1_000)).as("runs left behind").noneMatch(r -> !r.status().isFinished()
                        && r.scheduledTime().isBefore(stale));
            } finally {
                for (ScaleOutIT.Child c : children) {
                    c.process.destroyForcibly();
                    c.process.waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }
}
