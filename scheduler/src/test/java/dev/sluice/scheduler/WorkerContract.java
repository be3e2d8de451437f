package dev.sluice.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.State;
import dev.sluice.block.Secret;
import dev.sluice.history.FlowRunDetail;
import dev.sluice.history.HistoryDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every worker does, whatever the database: registration, slots, catch-up, overlap, triggers,
 * cancels, backfills, limits. {@link WorkerTest} runs it on SQLite files, {@link WorkerPostgresIT} on
 * a real PostgreSQL server.
 */
abstract class WorkerContract {
    static final Instant T0 = Instant.parse("2030-01-07T00:00:30Z");

    /** The database of the current test (the same one on every call within a test). */
    abstract HistoryDatabase db();

    static Worker.Builder fast(HistoryDatabase db, TestClock clock) {
        return Worker.builder(db).clock(clock).pollingInterval(Duration.ofMillis(20)).plannerInterval(Duration.ofMillis(50))
                .busyRetry(Duration.ofMillis(50)).stopGrace(Duration.ofSeconds(2))
                .heartbeat(Duration.ofMillis(500), 200) // the test clock jumps ahead: no running run may look dead
                .lateAfter(Duration.ofSeconds(5));
    }

    static Deployment report() {
        return Deployment.of(Flows.REPORT, Flows.Report.class).withParameters(Map.of("city", "Boston"));
    }

    static List<DeploymentRun> await(DeploymentClient client, String deployment, Predicate<List<DeploymentRun>> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        List<DeploymentRun> runs = client.runs(deployment, 1_000);
        while (!done.test(runs)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("runs of " + deployment + " never got there: " + runs);
            }
            Thread.sleep(20);
            runs = client.runs(deployment, 1_000);
        }
        return runs;
    }

    static boolean settled(List<DeploymentRun> runs, Instant now) {
        return runs.stream().noneMatch(r -> r.status() == RunStatus.RUNNING
                || (r.status() == RunStatus.SCHEDULED && !r.scheduledTime().isAfter(now)));
    }

    @Test
    void listenersHearEachStartWithItsLagAndRecordersSeeTheWorkersFlowRuns() throws Exception {
        TestClock clock = new TestClock(T0);
        List<DeploymentRun> started = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> ended = new java.util.concurrent.CopyOnWriteArrayList<>();
        dev.sluice.RunRecorder recorder = (run, change) -> {
            if (change.state().isTerminal()) {
                ended.add(run.definitionName() + " " + change.state());
            }
        };
        Deployment d = Deployment.of(Flows.NOOP).withSchedules(Schedule.interval(Duration.ofMinutes(1)));
        try (Worker w = fast(db(), clock).deployments(d)
                .listener(run -> {
                    throw new IllegalStateException("a broken listener changes nothing");
                })
                .listener(started::add).recorder(recorder).start()) {
            w.planNow();
            clock.set(Instant.parse("2030-01-07T00:01:02Z")); // the 00:01:00 slot is due, 2 s ago
            String manual = w.client().trigger("noop");
            assertThat(w.client().awaitFinished(manual, Duration.ofSeconds(20)).orElseThrow().status())
                    .isEqualTo(RunStatus.COMPLETED);
            // the planner may have made the next slot's run (00:02:00) already: it is not due
            await(w.client(), "noop", runs -> runs.stream().filter(r -> r.scheduledTime().isBefore(
                    Instant.parse("2030-01-07T00:02:00Z")) && r.status().isFinished()).count() == 2);
            assertThat(started).hasSize(2).allSatisfy(run -> {
                assertThat(run.status()).isEqualTo(RunStatus.RUNNING);
                assertThat(run.startedAt()).isNotNull();
                assertThat(run.workerId()).isEqualTo(w.id());
                assertThat(Duration.between(run.scheduledTime(), run.startedAt()).isNegative()).isFalse();
            });
            DeploymentRun slot = started.stream().filter(r -> r.kind() == RunKind.SCHEDULED).findFirst().orElseThrow();
            assertThat(slot.slot()).isEqualTo(Instant.parse("2030-01-07T00:01:00Z"));
            assertThat(Duration.between(slot.scheduledTime(), slot.startedAt())).as("its firing lag")
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(2)).isLessThan(Duration.ofSeconds(30));
            assertThat(started).filteredOn(r -> r.kind() == RunKind.MANUAL).singleElement()
                    .extracting(DeploymentRun::id).isEqualTo(manual);
            assertThat(ended).containsExactly("noop COMPLETED", "noop COMPLETED");
        }
    }

    /**
     * The clock a worker is given times its flow runs too: the run history then agrees with the deployment runs
     * (a run that started on the worker's clock is found by {@code hasCompleted} on it, and the retention judges
     * its age on the clock it was stamped with).
     */
    @Test
    void theWorkersClockTimesTheFlowRunsItRecords() throws Exception {
        TestClock clock = new TestClock(T0);
        try (Worker w = fast(db(), clock).deployments(Deployment.of(Flows.NOOP)).start()) {
            String id = w.client().trigger("noop");
            DeploymentRun run = w.client().awaitFinished(id, Duration.ofSeconds(20)).orElseThrow();
            assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
            w.history().flush();
            dev.sluice.history.FlowRunDetail flowRun = w.history().flowRun(run.flowRunId()).orElseThrow();
            assertThat(Duration.between(run.startedAt(), flowRun.run().startTime()).abs())
                    .as("flow run started %s, deployment run %s", flowRun.run().startTime(), run.startedAt())
                    .isLessThan(Duration.ofMinutes(1));
            assertThat(w.history().hasCompleted("noop", Duration.ofDays(1))).isTrue();
        }
    }

    @Test
    void registeringStoresTheDeploymentAndANewVersionReplaysNoSlot() throws Exception {
        TestClock clock = new TestClock(T0);
        Deployment v1 = report().withVersion("1").withDescription("daily numbers").withTags("team:sales")
                .withSchedules(Schedule.interval(Duration.ofMinutes(1))).withCatchUp(CatchUp.NONE);
        try (Worker w = fast(db(), clock).deployments(v1).start()) {
            w.planNow();
            DeploymentInfo info = w.client().deployment("report").orElseThrow();
            assertThat(info.flowName()).isEqualTo("report");
            assertThat(info.version()).isEqualTo("1");
            assertThat(info.description()).isEqualTo("daily numbers");
            assertThat(info.tags()).containsExactly("team:sales");
            assertThat(info.parameters()).containsEntry("city", "Boston");
            assertThat(info.schedules()).containsExactly(Schedule.interval(Duration.ofMinutes(1)));
            assertThat(info.catchUp()).isEqualTo(CatchUp.NONE);
            assertThat(info.lastSlot()).isEqualTo(Instant.parse("2030-01-07T00:01:00Z"));
        }
        // another process reads the schema as JSON and validates input without the flow's classes
        try (DeploymentClient other = DeploymentClient.open(db(), clock)) {
            DeploymentInfo info = other.deployment("report").orElseThrow();
            assertThat(info.parameterSchema()).isEqualTo(v1.parameterSchema());
            assertThat(info.parameterSchema().toJson()).contains("\"days\"").contains("\"city\"");
            assertThatThrownBy(() -> other.trigger("report", Map.of("days", 500)))
                    .isInstanceOf(InvalidParametersException.class).hasMessageContaining("days");
        }
        clock.advance(Duration.ofMinutes(10)); // nobody serves it for 10 minutes
        try (Worker w = fast(db(), clock).deployments(v1.withVersion("2")).start()) {
            w.planNow();
            assertThat(w.client().deployment("report").orElseThrow().version()).isEqualTo("2");
            List<DeploymentRun> runs = await(w.client(), "report", r -> settled(r, clock.instant()));
            // the slot planned before the downtime is skipped (catch-up NONE); nothing of the 10 minutes is replayed
            assertThat(runs).extracting(DeploymentRun::slot).containsExactlyInAnyOrder(
                    Instant.parse("2030-01-07T00:01:00Z"), Instant.parse("2030-01-07T00:11:00Z"));
            DeploymentRun old = runs.stream().filter(r -> r.slot().equals(Instant.parse("2030-01-07T00:01:00Z"))).findFirst()
                    .orElseThrow();
            assertThat(old.status()).isEqualTo(RunStatus.SKIPPED);
            assertThat(old.message()).contains("catch-up NONE");
        }
    }

    /**
     * A new version with other default parameters (and a new parameter with a default) runs its next scheduled slot
     * with them, even though that slot was planned under the old version: the slot of a daily schedule is planned up
     * to a day ahead, and the redeploy changed the defaults for it. Triggered runs keep the parameters they were given.
     */
    @Test
    void aNewVersionsDefaultsApplyToTheSlotPlannedBeforeIt() throws Exception {
        TestClock clock = new TestClock(T0);
        Deployment v1 = report().withVersion("1").withSchedules(Schedule.interval(Duration.ofHours(1)));
        String triggered;
        try (Worker w = fast(db(), clock).deployments(v1).start()) {
            w.planNow();
            assertThat(w.client().runs("report", 10)).singleElement()
                    .satisfies(r -> assertThat(r.parameters()).containsEntry("city", "Boston"));
        }
        try (DeploymentClient client = DeploymentClient.open(db(), clock)) {
            triggered = client.trigger("report", Map.of("city", "Paris"));
        }
        Deployment v2 = v1.withVersion("2").withParameters(Map.of("city", "Berlin", "days", 3));
        try (Worker w = fast(db(), clock).deployments(v2).start()) {
            assertThat(w.client().awaitFinished(triggered, Duration.ofSeconds(20)).orElseThrow().parameters())
                    .containsEntry("city", "Paris").containsEntry("days", 7);
            clock.set(Instant.parse("2030-01-07T01:00:01Z"));
            w.planNow();
            List<DeploymentRun> runs = await(w.client(), "report", r -> r.stream().anyMatch(
                    x -> x.kind() == RunKind.SCHEDULED && x.status().isFinished()));
            DeploymentRun slot = runs.stream().filter(r -> r.kind() == RunKind.SCHEDULED && r.status().isFinished())
                    .findFirst().orElseThrow();
            assertThat(slot.slot()).isEqualTo(Instant.parse("2030-01-07T01:00:00Z"));
            assertThat(slot.status()).as(slot.toString()).isEqualTo(RunStatus.COMPLETED);
            assertThat(slot.parameters()).containsEntry("city", "Berlin").containsEntry("days", 3);
            w.history().flush();
            assertThat(w.history().flowRun(slot.flowRunId()).orElseThrow().parameters().toString()).contains("Berlin");
        }
    }

    @Test
    void retentionDeletesFinishedDeploymentRunsFlowRunsAndGoneWorkersButNothingStillToRun() throws Exception {
        TestClock clock = new TestClock(T0);
        dev.sluice.history.Retention retention = new dev.sluice.history.Retention(Duration.ofDays(1), Duration.ofDays(3));
        Deployment noop = Deployment.of(Flows.NOOP);
        Deployment broken = Deployment.of(Flows.BROKEN);
        Deployment later = Deployment.of(Flows.REPORT, Flows.Report.class).withName("later")
                .withParameters(Map.of("city", "Oslo")).withSchedules(Schedule.interval(Duration.ofDays(30)));
        String oldWorker;
        try (Worker gone = fast(db(), clock).name("gone").deployments(noop).start()) {
            oldWorker = gone.id();
        }
        clock.advance(Duration.ofHours(1));
        try (Worker w = fast(db(), clock).name("keeper").deployments(noop, broken, later).retention(retention).start()) {
            w.planNow();
            DeploymentClient client = w.client();
            DeploymentRun ok = client.awaitFinished(client.trigger("noop"), Duration.ofSeconds(20)).orElseThrow();
            DeploymentRun failed = client.awaitFinished(client.trigger("broken"), Duration.ofSeconds(20)).orElseThrow();
            assertThat(ok.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
            assertThat(w.history().flush(Duration.ofSeconds(10))).isTrue();
            assertThat(w.history().flowRun(ok.flowRunId())).isPresent();
            assertThat(client.runOfFlowRun(ok.flowRunId())).map(DeploymentRun::id).contains(ok.id());
            assertThat(client.runOfFlowRun("01a2300203e29d0b6c2f66e4")).as("a flow run no deployment started").isEmpty();
            List<DeploymentRun> upcoming = client.runs("later", 10);
            assertThat(upcoming).extracting(DeploymentRun::status).containsOnly(RunStatus.SCHEDULED);
            assertThat(client.lastRun("later")).as("a slot still to come is no last run").isEmpty();
            assertThat(client.lastRun("noop")).map(DeploymentRun::id).contains(ok.id());

            assertThat(w.purge()).as("nothing is old enough yet").isZero();
            clock.advance(Duration.ofDays(2));
            w.heartbeatNow();
            assertThat(w.purge()).isEqualTo(1);
            assertThat(client.run(ok.id())).as("completed, older than a day").isEmpty();
            assertThat(w.history().flowRun(ok.flowRunId())).as("and its flow run in the history").isEmpty();
            assertThat(client.run(failed.id())).as("failed, kept 3 days").isPresent();
            assertThat(client.runs("later", 10)).as("runs still to come stay").hasSameSizeAs(upcoming);
            assertThat(client.workers(Duration.ofDays(3650))).extracting(WorkerInfo::id).contains(oldWorker, w.id());

            clock.advance(Duration.ofDays(2));
            w.heartbeatNow();
            assertThat(w.purge()).isEqualTo(1);
            assertThat(client.run(failed.id())).isEmpty();
            assertThat(w.history().flowRun(failed.flowRunId())).isEmpty();
            assertThat(client.workers(Duration.ofDays(3650))).extracting(WorkerInfo::id)
                    .as("a worker gone for longer than the longest period is forgotten; the live one stays")
                    .contains(w.id()).doesNotContain(oldWorker);
            assertThat(client.runs("later", 10)).hasSameSizeAs(upcoming);
        }
        assertThatThrownBy(() -> Worker.builder(db()).retention(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("retention");
    }

    @Test
    void theLastRunIsTheLatestThatRanHoweverManyRunsWaitAfterIt() throws Exception {
        TestClock clock = new TestClock(T0);
        Deployment monthly = Deployment.of(Flows.REPORT, Flows.Report.class).withName("monthly")
                .withParameters(Map.of("city", "Oslo")).withSchedules(Schedule.interval(Duration.ofDays(30)));
        DeploymentRun manual;
        try (Worker w = fast(db(), clock).deployments(monthly).start()) {
            DeploymentClient client = w.client();
            manual = client.awaitFinished(client.trigger("monthly"), Duration.ofSeconds(20)).orElseThrow();
        }
        clock.advance(Duration.ofMinutes(1));
        try (DeploymentClient client = DeploymentClient.open(db(), clock)) { // no worker: the backfill waits
            assertThat(client.backfill("monthly", T0.minus(Duration.ofDays(30 * 120)), T0, false)).hasSizeGreaterThan(100);
            assertThat(client.runs("monthly", 100)).extracting(DeploymentRun::status).containsOnly(RunStatus.SCHEDULED);
            assertThat(client.lastRun("monthly")).map(DeploymentRun::id).contains(manual.id());
        }
    }

    @Test
    void eachSlotRunsOnceAndNeverEarlyAcrossRestartsAndScheduleEdits() throws Exception {
        TestClock clock = new TestClock(T0);
        Deployment d = Deployment.of(Flows.NOOP).withSchedules(Schedule.interval(Duration.ofMinutes(1)));
        for (int restart = 0; restart < 3; restart++) {
            try (Worker w = fast(db(), clock).deployments(d).start()) {
                w.planNow();
                clock.advance(Duration.ofMinutes(1));
                w.planNow();
                Instant now = clock.instant();
                await(w.client(), "noop", r -> settled(r, now));
            }
        }
        // an edit of the schedule: the upcoming slot of the old one is dropped, the past is not replayed
        Deployment edited = d.withSchedules(Schedule.interval(Duration.ofMinutes(2)));
        try (Worker w = fast(db(), clock).deployments(edited).start()) {
            w.planNow();
            clock.advance(Duration.ofMinutes(2));
            w.planNow();
            Instant now = clock.instant();
            // the jump (2 min) is longer than the worker's liveness window (heartbeat 500 ms x 200): a heartbeat its
            // maintenance thread stamped just before the jump and wrote just after planNow's makes it look gone for
            // that pass, so planNow may plan nothing; the planner's next pass (50 ms on) plans the upcoming slot
            Instant upcoming = Instant.parse("2030-01-07T00:06:00Z");
            List<DeploymentRun> runs = await(w.client(), "noop",
                    r -> settled(r, now) && r.stream().anyMatch(x -> x.slot() != null && x.slot().equals(upcoming)));
            Map<Instant, Integer> perSlot = new HashMap<>();
            for (DeploymentRun r : runs) {
                perSlot.merge(r.slot(), 1, Integer::sum);
                if (r.status() == RunStatus.COMPLETED) {
                    assertThat(r.startedAt()).as("never early").isAfterOrEqualTo(r.slot());
                }
            }
            String seen = runs.stream().map(r -> r.slot() + " " + r.status() + " " + r.message()).toList().toString();
            assertThat(perSlot.values()).as(seen).allMatch(n -> n == 1);
            assertThat(runs.stream().filter(r -> r.status() == RunStatus.COMPLETED).map(DeploymentRun::slot)).as(seen)
                    .contains(Instant.parse("2030-01-07T00:01:00Z"), Instant.parse("2030-01-07T00:02:00Z"),
                            Instant.parse("2030-01-07T00:03:00Z"), Instant.parse("2030-01-07T00:04:00Z"));
            assertThat(perSlot).as(seen).containsKey(upcoming).doesNotContainKey(
                    Instant.parse("2030-01-07T00:05:00Z"));
        }
    }

    /**
     * A worker whose clock crosses both daylight-saving changes of Europe/Berlin, one minute at a time around each:
     * 02:30 on the spring-forward night (a time that does not exist) runs once, at 03:00; on the fall-back night
     * (02:30 happens twice) once, at the earlier offset; every other night once, at 02:30.
     */
    @Test
    void aCronScheduleAcrossBothDaylightSavingChangesRunsEachNightOnce() throws Exception {
        Deployment d = Deployment.of(Flows.NOOP).withName("nightly")
                .withSchedules(Schedule.cron("30 2 * * *", "Europe/Berlin")).withCatchUp(CatchUp.ALL, Duration.ofHours(1));
        TestClock clock = new TestClock(Instant.parse("2026-03-28T23:50:00Z"));
        List<Instant> expected = List.of(Instant.parse("2026-03-29T01:00:00Z"), Instant.parse("2026-03-30T00:30:00Z"),
                Instant.parse("2026-10-25T00:30:00Z"), Instant.parse("2026-10-26T01:30:00Z"));
        try (Worker w = fast(db(), clock).deployments(d).start()) {
            for (Instant from : List.of(Instant.parse("2026-03-28T23:50:00Z"), Instant.parse("2026-03-30T00:20:00Z"),
                    Instant.parse("2026-10-24T23:50:00Z"), Instant.parse("2026-10-26T01:20:00Z"))) {
                clock.set(from);
                for (int minute = 0; minute <= 100; minute += 5) {
                    w.planNow();
                    Instant now = clock.instant();
                    await(w.client(), "nightly", r -> settled(r, now)); // what is due has run before the clock moves on
                    clock.advance(Duration.ofMinutes(5));
                }
            }
            List<DeploymentRun> runs = w.client().runs("nightly", 100);
            assertThat(runs.stream().filter(r -> r.status() == RunStatus.COMPLETED).map(DeploymentRun::slot).sorted())
                    .as(runs.stream().map(r -> r.slot() + " " + r.status() + " " + r.message()).toList().toString())
                    .containsExactlyElementsOf(expected);
            assertThat(runs).filteredOn(r -> r.status() == RunStatus.COMPLETED)
                    .allSatisfy(r -> assertThat(r.startedAt()).as("never early").isAfterOrEqualTo(r.slot()));
        }
    }

    @Test
    void catchUpNoneLatestAndAllWithinAWindow() throws Exception {
        TestClock clock = new TestClock(T0);
        Schedule everyMinute = Schedule.interval(Duration.ofMinutes(1));
        Deployment none = Deployment.of(Flows.NOOP).withName("none").withSchedules(everyMinute).withCatchUp(CatchUp.NONE);
        Deployment latest = Deployment.of(Flows.NOOP).withName("latest").withSchedules(everyMinute).withCatchUp(CatchUp.LATEST);
        Deployment all = Deployment.of(Flows.NOOP).withName("all").withSchedules(everyMinute)
                .withCatchUp(CatchUp.ALL, Duration.ofMinutes(5));
        try (Worker w = fast(db(), clock).deployments(none, latest, all).start()) {
            w.planNow();
        }
        clock.advance(Duration.ofMinutes(10)); // down from 00:00:30 to 00:10:30
        try (Worker w = fast(db(), clock).deployments(none, latest, all).start()) {
            w.planNow();
            Instant now = clock.instant();
            Map<String, List<Instant>> completed = new HashMap<>();
            for (String name : List.of("none", "latest", "all")) {
                completed.put(name, await(w.client(), name, r -> settled(r, now)).stream()
                        .filter(r -> r.status() == RunStatus.COMPLETED).map(DeploymentRun::slot).sorted().toList());
            }
            assertThat(completed.get("none")).isEmpty();
            assertThat(completed.get("latest")).containsExactly(Instant.parse("2030-01-07T00:10:00Z"));
            assertThat(completed.get("all")).containsExactly(Instant.parse("2030-01-07T00:06:00Z"),
                    Instant.parse("2030-01-07T00:07:00Z"), Instant.parse("2030-01-07T00:08:00Z"),
                    Instant.parse("2030-01-07T00:09:00Z"), Instant.parse("2030-01-07T00:10:00Z"));
        }
    }

    /**
     * Slots caught up under {@code CatchUp.ALL} run oldest first, also when the deployment's concurrency limit makes
     * them wait for each other: they used to race for the lease at every {@code busyRetry}, so 00:05 could run before
     * 00:04.
     */
    @Test
    void caughtUpSlotsRunOldestFirstUnderAConcurrencyLimit() throws Exception {
        TestClock clock = new TestClock(T0);
        Deployment d = Deployment.of(Flows.SHORT).withSchedules(Schedule.interval(Duration.ofMinutes(1)))
                .withCatchUp(CatchUp.ALL, Duration.ofMinutes(10)).withConcurrencyLimit(1);
        try (Worker w = fast(db(), clock).deployments(d).start()) {
            w.planNow();
        }
        clock.advance(Duration.ofMinutes(6)); // down from 00:00:30 to 00:06:30: slots 00:01 to 00:06 missed
        try (Worker w = fast(db(), clock).deployments(d).start()) {
            w.planNow();
            Instant now = clock.instant();
            List<DeploymentRun> runs = await(w.client(), "short", r -> settled(r, now));
            List<DeploymentRun> completed = runs.stream().filter(r -> r.status() == RunStatus.COMPLETED)
                    .sorted(java.util.Comparator.comparing(DeploymentRun::startedAt)).toList();
            assertThat(completed).extracting(DeploymentRun::slot).as("in the order they started").containsExactly(
                    Instant.parse("2030-01-07T00:01:00Z"), Instant.parse("2030-01-07T00:02:00Z"),
                    Instant.parse("2030-01-07T00:03:00Z"), Instant.parse("2030-01-07T00:04:00Z"),
                    Instant.parse("2030-01-07T00:05:00Z"), Instant.parse("2030-01-07T00:06:00Z"));
        }
    }

    private List<DeploymentRun> overlap(Overlap policy, String gate) throws Exception {
        TestClock clock = new TestClock(T0);
        Deployment d = Deployment.of(Flows.GATED, String.class).withName("gated-" + gate)
                .withParameters(Map.of("arg0", gate)).withSchedules(Schedule.interval(Duration.ofSeconds(10)))
                .withOverlap(policy);
        Flows.GATES.remove(gate); // a closed gate also when the test runs again in this JVM (a rerun)
        CountDownLatch open = Flows.GATES.computeIfAbsent(gate, g -> new CountDownLatch(1));
        // late only after 10 min: a slot first picked when the next is due already (a slow machine) is decided by the
        // overlap policy, not skipped as missed by catch-up LATEST
        try (Worker w = fast(db(), clock).lateAfter(Duration.ofMinutes(10)).deployments(d).start()) {
            w.planNow(); // 00:00:40
            for (int slot = 0; slot < 3; slot++) {
                clock.advance(Duration.ofSeconds(10));
                w.planNow();
                // each slot is decided (run, skipped) before the next is due, however slow the machine; the one queued
                // behind the running one (QUEUE_ONE: 00:00:50) shows no change, and is not waited for
                Instant due = Instant.parse("2030-01-07T00:00:40Z").plusSeconds(10L * slot);
                boolean queued = policy == Overlap.QUEUE_ONE && slot == 1;
                await(w.client(), d.name(), r -> queued || r.stream()
                        .anyMatch(x -> due.equals(x.slot()) && x.status() != RunStatus.SCHEDULED));
            }
            // slots 00:00:40 (running, blocked), 00:00:50, 00:01:00 due
            List<DeploymentRun> during = w.client().runs(d.name(), 100);
            open.countDown();
            Instant now = clock.instant();
            await(w.client(), d.name(), r -> settled(r, now));
            return during;
        } finally {
            open.countDown();
        }
    }

    @Test
    void overlapSkipLeavesOutSlotsWhileThePreviousRunGoesOn() throws Exception {
        List<DeploymentRun> during = overlap(Overlap.SKIP, "skip");
        assertThat(during).filteredOn(r -> r.status() == RunStatus.RUNNING).hasSize(1);
        assertThat(during).filteredOn(r -> r.status() == RunStatus.SKIPPED).hasSize(2)
                .allMatch(r -> r.message().contains("SKIP"));
    }

    @Test
    void overlapQueueOneKeepsOneWaitingAndSkipsTheRest() throws Exception {
        List<DeploymentRun> during = overlap(Overlap.QUEUE_ONE, "queue");
        assertThat(during).filteredOn(r -> r.status() == RunStatus.RUNNING).hasSize(1);
        assertThat(during).filteredOn(r -> r.status() == RunStatus.SKIPPED).hasSize(1);
        assertThat(during).filteredOn(r -> r.status() == RunStatus.SCHEDULED && !r.scheduledTime().isAfter(T0.plusSeconds(30)))
                .hasSize(1);
    }

    @Test
    void overlapAllowRunsThemSideBySide() throws Exception {
        List<DeploymentRun> during = overlap(Overlap.ALLOW, "allow");
        assertThat(during).filteredOn(r -> r.status() == RunStatus.RUNNING).hasSize(3);
    }

    @Test
    void overlapCancelPreviousCancelsTheRunGoingOn() throws Exception {
        TestClock clock = new TestClock(T0);
        Deployment d = Deployment.of(Flows.SLEEPY).withName("sleepy-cp").withSchedules(Schedule.interval(Duration.ofSeconds(10)))
                .withOverlap(Overlap.CANCEL_PREVIOUS);
        try (Worker w = fast(db(), clock).deployments(d).start()) {
            w.planNow();
            clock.advance(Duration.ofSeconds(10));
            w.planNow();
            await(w.client(), d.name(), r -> r.stream().anyMatch(x -> x.status() == RunStatus.RUNNING));
            clock.advance(Duration.ofSeconds(10));
            w.planNow();
            List<DeploymentRun> runs = await(w.client(), d.name(), r -> r.stream().anyMatch(x -> x.status() == RunStatus.CANCELLED)
                    && r.stream().filter(x -> x.status() == RunStatus.RUNNING).count() == 1);
            assertThat(runs.stream().filter(x -> x.status() == RunStatus.CANCELLED).findFirst().orElseThrow().slot())
                    .isEqualTo(Instant.parse("2030-01-07T00:00:40Z"));
            w.client().runs(d.name(), 10).stream().filter(r -> r.status() == RunStatus.RUNNING)
                    .forEach(r -> w.client().cancel(r.id()));
            await(w.client(), d.name(), r -> r.stream().noneMatch(x -> x.status() == RunStatus.RUNNING));
        }
    }

    private static Instant at(String time) {
        return Instant.parse("2030-01-07T" + time + "Z");
    }

    private static DeploymentRun slot(List<DeploymentRun> runs, String time) {
        return runs.stream().filter(r -> at(time).equals(r.slot())).findFirst()
                .orElseThrow(() -> new AssertionError("no run of slot " + time + " in " + runs));
    }

    private static Predicate<List<DeploymentRun>> slotIs(String time, RunStatus status) {
        return runs -> runs.stream().anyMatch(r -> at(time).equals(r.slot()) && r.status() == status);
    }

    private static void awaitCount(java.util.concurrent.atomic.AtomicInteger n, int atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (n.get() < atLeast) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("count never reached " + atLeast + ": " + n.get());
            }
            Thread.sleep(10);
        }
    }

    private static Deployment held(String key, Overlap policy) {
        return Deployment.of(Flows.HELD, String.class).withName(key).withParameters(Map.of("arg0", key))
                .withSchedules(Schedule.interval(Duration.ofMinutes(1))).withCatchUp(CatchUp.ALL, Duration.ofDays(1)).withOverlap(policy);
    }

    @Test
    void overlapCancelPreviousStartsTheNewRunOnlyOnceThePreviousOneEndedAndSaysWhy() throws Exception {
        TestClock clock = new TestClock(T0);
        String key = "held-cp-" + System.nanoTime();
        Deployment d = held(key, Overlap.CANCEL_PREVIOUS);
        try (Worker w = fast(db(), clock).deployments(d).start()) {
            w.planNow();
            clock.set(at("00:01:00"));
            w.planNow();
            await(w.client(), key, slotIs("00:01:00", RunStatus.RUNNING));
            clock.set(at("00:02:00"));
            w.planNow();
            // the 00:02 slot asks the 00:01 run to stop; that run takes its time to end
            awaitCount(Flows.counter(Flows.HELD_INTERRUPTED, key), 1);
            Thread.sleep(300); // the waiting slot tries again every 50 ms meanwhile
            List<DeploymentRun> during = w.client().runs(key, 100);
            assertThat(slot(during, "00:01:00").status()).isEqualTo(RunStatus.RUNNING);
            assertThat(slot(during, "00:01:00").cancelRequested()).isTrue();
            assertThat(slot(during, "00:02:00").status()).as("the new run waits for the previous one to end")
                    .isEqualTo(RunStatus.SCHEDULED);
            Flows.permits(key + "/stop").release();
            List<DeploymentRun> runs = await(w.client(), key, slotIs("00:02:00", RunStatus.RUNNING));
            DeploymentRun previous = slot(runs, "00:01:00");
            assertThat(previous.status()).isEqualTo(RunStatus.CANCELLED);
            assertThat(previous.message())
                    .isEqualTo("cancelled by overlap policy CANCEL_PREVIOUS: slot 2030-01-07T00:02:00Z is due");
            assertThat(slot(runs, "00:02:00").startedAt()).isAfterOrEqualTo(previous.endedAt());
            Flows.permits(key).release();
            await(w.client(), key, slotIs("00:02:00", RunStatus.COMPLETED));
            assertThat(Flows.counter(Flows.HELD_MAX, key).get()).as("runs at once").isEqualTo(1);
        } finally {
            Flows.permits(key).release(100);
            Flows.permits(key + "/stop").release(100);
        }
    }

    @Test
    void overlapQueueOneRunsTheOldestWaitingSlotFirstAndOneAtATime() throws Exception {
        TestClock clock = new TestClock(T0);
        String key = "held-q1-" + System.nanoTime();
        Deployment d = held(key, Overlap.QUEUE_ONE);
        // a waiting slot tries again 90 s (of the test clock) later: the tests moves the clock to each try
        try (Worker w = fast(db(), clock).busyRetry(Duration.ofSeconds(90)).deployments(d).start()) {
            w.planNow();
            clock.set(at("00:01:00"));
            w.planNow();
            await(w.client(), key, slotIs("00:01:00", RunStatus.RUNNING));
            clock.set(at("00:02:00"));
            w.planNow();
            Thread.sleep(300); // 00:02 is picked, finds 00:01 running and waits (next try 00:03:30)
            assertThat(slot(w.client().runs(key, 100), "00:02:00").status()).isEqualTo(RunStatus.SCHEDULED);
            Flows.permits(key).release();
            await(w.client(), key, slotIs("00:01:00", RunStatus.COMPLETED));

            // nothing runs, and 00:02 still waits: the new slot 00:03 must not overtake it
            clock.set(at("00:03:00"));
            w.planNow();
            Thread.sleep(300);
            List<DeploymentRun> runs = w.client().runs(key, 100);
            assertThat(slot(runs, "00:03:00").status()).as("a newer slot waits behind the older one")
                    .isEqualTo(RunStatus.SCHEDULED);
            assertThat(slot(runs, "00:02:00").status()).isEqualTo(RunStatus.SCHEDULED);

            clock.set(at("00:03:31")); // 00:02 tries again (00:03 at 00:04:30)
            await(w.client(), key, slotIs("00:02:00", RunStatus.RUNNING));
            clock.set(at("00:04:00")); // 00:04 finds 00:02 running and 00:03 waiting: skipped
            w.planNow();
            runs = await(w.client(), key, slotIs("00:04:00", RunStatus.SKIPPED));
            assertThat(slot(runs, "00:04:00").message()).contains("QUEUE_ONE");
            assertThat(slot(runs, "00:03:00").status()).isEqualTo(RunStatus.SCHEDULED);

            Flows.permits(key).release();
            await(w.client(), key, slotIs("00:02:00", RunStatus.COMPLETED));
            clock.set(at("00:04:31")); // 00:03 tries again
            await(w.client(), key, slotIs("00:03:00", RunStatus.RUNNING));
            Flows.permits(key).release();
            runs = await(w.client(), key, slotIs("00:03:00", RunStatus.COMPLETED));
            assertThat(slot(runs, "00:02:00").startedAt()).isBefore(slot(runs, "00:03:00").startedAt());
            assertThat(Flows.counter(Flows.HELD_MAX, key).get()).as("runs at once").isEqualTo(1);
        } finally {
            Flows.permits(key).release(100);
        }
    }

    @Test
    void slotsDueAtOnceUnderSkipOrQueueOneNeverRunSideBySide() throws Exception {
        for (Overlap policy : List.of(Overlap.SKIP, Overlap.QUEUE_ONE)) {
            TestClock clock = new TestClock(T0);
            String key = "held-" + policy.name().toLowerCase(java.util.Locale.ROOT) + "-" + System.nanoTime();
            Deployment d = held(key, policy);
            try (Worker w = fast(db(), clock).lateAfter(Duration.ofMinutes(10)).busyRetry(Duration.ofSeconds(90))
                    .deployments(d).start()) {
                w.planNow(); // makes 00:01
                clock.set(at("00:03:00")); // 00:01, 00:02 and 00:03 are due at once, nothing runs yet
                w.planNow();
                List<DeploymentRun> runs = policy == Overlap.SKIP
                        ? await(w.client(), key, r -> r.stream().filter(x -> x.status() == RunStatus.RUNNING
                                || x.status() == RunStatus.SKIPPED).count() == 3)
                        : await(w.client(), key, slotIs("00:01:00", RunStatus.RUNNING));
                Thread.sleep(200);
                runs = w.client().runs(key, 100);
                assertThat(runs).as(policy.name()).filteredOn(r -> r.status() == RunStatus.RUNNING).hasSize(1);
                assertThat(Flows.counter(Flows.HELD_MAX, key).get()).as(policy + ": runs at once").isEqualTo(1);
                if (policy == Overlap.QUEUE_ONE) {
                    // the oldest runs first; the others wait (one of them is skipped once it sees the other waiting)
                    assertThat(slot(runs, "00:02:00").status()).isIn(RunStatus.SCHEDULED, RunStatus.SKIPPED);
                    assertThat(slot(runs, "00:03:00").status()).isIn(RunStatus.SCHEDULED, RunStatus.SKIPPED);
                } else {
                    assertThat(runs).filteredOn(r -> r.status() == RunStatus.SKIPPED).hasSize(2)
                            .allSatisfy(r -> assertThat(r.message()).contains("overlap SKIP"));
                }
                Flows.permits(key).release(100); // let the runs end before the worker stops
            } finally {
                Flows.permits(key).release(100);
            }
        }
    }

    @Test
    void triggerChecksParametersAndNamesAndReturnsTheIdAtOnce() throws Exception {
        TestClock clock = new TestClock(T0);
        try (Worker w = fast(db(), clock).deployments(report(), Deployment.of(Flows.NOOP)).start()) {
            DeploymentClient client = w.client();
            assertThatThrownBy(() -> client.trigger("reprot", Map.of()))
                    .isInstanceOf(DeploymentNotFoundException.class)
                    .hasMessage("deployment 'reprot' not found; registered deployments: [noop, report]");
            assertThatThrownBy(() -> client.trigger("report", Map.of("days", "many", "color", "red", "city", 5)))
                    .isInstanceOfSatisfying(InvalidParametersException.class, e -> assertThat(e.errors())
                            .extracting(ParameterError::parameter).contains("days", "color"))
                    .hasMessageContaining("days").hasMessageContaining("color");
            // a run id that is not there is said at once, not after waiting out the timeout
            long before = System.nanoTime();
            assertThatThrownBy(() -> client.awaitFinished("01nosuchrun", Duration.ofSeconds(5)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("no deployment run '01nosuchrun'");
            assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(4));
            String id = client.trigger("report", Map.of("city", "Berlin", "days", 30));
            assertThat(client.run(id).orElseThrow().kind()).isEqualTo(RunKind.MANUAL);
            DeploymentRun run = client.awaitFinished(id, Duration.ofSeconds(20)).orElseThrow();
            assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(run.parameters()).containsEntry("city", "Berlin").containsEntry("days", 30);
            assertThat(w.history().flush()).isTrue();
            FlowRunDetail flowRun = w.history().flowRun(run.flowRunId()).orElseThrow();
            assertThat(flowRun.run().state()).isEqualTo(State.COMPLETED);
        }
    }

    @Test
    void cancelFromAnotherProcessInterruptsTheRunningFlow() throws Exception {
        TestClock clock = new TestClock(T0);
        try (Worker w = fast(db(), clock).deployments(Deployment.of(Flows.SLEEPY).withConcurrencyLimit(1)).start();
                DeploymentClient other = DeploymentClient.open(db(), clock)) {
            String running = other.trigger("sleepy");
            await(other, "sleepy", r -> r.stream().anyMatch(x -> x.status() == RunStatus.RUNNING));
            String waiting = other.trigger("sleepy"); // waits for the concurrency slot
            Thread.sleep(200);
            assertThat(other.run(waiting).orElseThrow().status()).isEqualTo(RunStatus.SCHEDULED);
            assertThat(other.cancel(waiting)).isTrue();
            assertThat(other.run(waiting).orElseThrow().status()).isEqualTo(RunStatus.CANCELLED);

            long start = System.nanoTime();
            assertThat(other.cancel(running)).isTrue();
            DeploymentRun run = other.awaitFinished(running, Duration.ofSeconds(20)).orElseThrow();
            assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            assertThat(w.history().flush()).isTrue();
            assertThat(w.history().flowRun(run.flowRunId()).orElseThrow().run().state()).isEqualTo(State.CANCELLED);
            assertThat(other.cancel(running)).isFalse();
            assertThatThrownBy(() -> other.cancel("nope")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("nope");
        }
    }

    @Test
    void backfillMakesOneRunPerSlotAndSkipsCompletedSlotsUnlessForced() throws Exception {
        TestClock clock = new TestClock(T0);
        Deployment hourly = Deployment.of(Flows.NOOP).withName("hourly").withSchedules(Schedule.cron("@hourly", "UTC"));
        try (Worker w = fast(db(), clock).deployments(hourly).start()) {
            DeploymentClient c = w.client();
            Instant from = Instant.parse("2029-12-31T00:00:00Z");
            Instant to = Instant.parse("2029-12-31T05:00:00Z");
            List<String> ids = c.backfill("hourly", from, to, false);
            assertThat(ids).hasSize(5);
            for (String id : ids) {
                assertThat(c.awaitFinished(id, Duration.ofSeconds(20)).orElseThrow().status()).isEqualTo(RunStatus.COMPLETED);
            }
            assertThat(ids.stream().map(id -> c.run(id).orElseThrow().slot()).toList()).containsExactly(from,
                    from.plusSeconds(3600), from.plusSeconds(7200), from.plusSeconds(10800), from.plusSeconds(14400));
            assertThat(c.backfill("hourly", from, to, false)).isEmpty();
            List<String> forced = c.backfill("hourly", from, to, true);
            assertThat(forced).hasSize(5);
            for (String id : forced) {
                assertThat(c.awaitFinished(id, Duration.ofSeconds(20))).isPresent();
            }
            assertThatThrownBy(() -> c.backfill("hourly", to, from, false)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    /** What {@link DeploymentRun#current()} said, by where it was asked: "body", "task", "subflow", "subflow task". */
    static final Map<String, List<String>> SEEN = new java.util.concurrent.ConcurrentHashMap<>();

    private static void seen(String where) {
        SEEN.computeIfAbsent(where, w -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(DeploymentRun.current()
                .map(r -> r.kind() + " " + r.slotTime().map(Instant::toString).orElse("-") + " " + r.status()).orElse("none"));
    }

    @Test
    void aFlowItsTasksAndSubflowsLearnTheDeploymentRunAndSlotTheyRunFor() throws Exception {
        SEEN.clear();
        dev.sluice.Task0<Integer> task = dev.sluice.Task.of("where-task", () -> {
            seen("task");
            return 1;
        });
        dev.sluice.Flow0<Integer> sub = dev.sluice.Flow.of("where-sub", () -> {
            seen("subflow");
            return task.submit().join();
        });
        dev.sluice.Flow0<Integer> flow = dev.sluice.Flow.of("where", () -> {
            seen("body");
            return task.submit().join() + sub.run();
        });
        TestClock clock = new TestClock(T0);
        Deployment daily = Deployment.of(flow).withName("where").withSchedules(Schedule.cron("@daily", "UTC"));
        try (Worker w = fast(db(), clock).deployments(daily).start()) {
            DeploymentClient c = w.client();
            Instant from = Instant.parse("2029-12-01T00:00:00Z");
            List<String> ids = new ArrayList<>(c.backfill("where", from, from.plus(Duration.ofDays(3)), false));
            ids.add(c.trigger("where", Map.of()));
            for (String id : ids) {
                assertThat(c.awaitFinished(id, Duration.ofSeconds(20)).orElseThrow().status()).isEqualTo(RunStatus.COMPLETED);
            }
        }
        List<String> expected = List.of("BACKFILL 2029-12-01T00:00:00Z RUNNING", "BACKFILL 2029-12-02T00:00:00Z RUNNING",
                "BACKFILL 2029-12-03T00:00:00Z RUNNING", "MANUAL - RUNNING");
        assertThat(SEEN.get("body")).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(SEEN.get("subflow")).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(SEEN.get("task")).as("submitted tasks of the flow and of its subflow, on the pool's threads")
                .containsExactlyInAnyOrderElementsOf(java.util.stream.Stream.concat(expected.stream(), expected.stream()).toList());
        SEEN.clear();
        flow.run(); // called directly, not by a worker
        assertThat(SEEN.get("body")).containsExactly("none");
        assertThat(SEEN.get("task")).containsExactly("none", "none");
    }

    @Test
    void pauseDropsUpcomingRunsAndResumeStartsFromNow() throws Exception {
        TestClock clock = new TestClock(T0);
        Deployment d = Deployment.of(Flows.NOOP).withSchedules(Schedule.interval(Duration.ofMinutes(1)));
        try (Worker w = fast(db(), clock).deployments(d).start()) {
            w.planNow();
            assertThat(w.client().runs("noop", 10)).hasSize(1);
            w.client().pause("noop");
            assertThat(w.client().runs("noop", 10)).isEmpty();
            assertThat(w.client().deployment("noop").orElseThrow().paused()).isTrue();
            clock.advance(Duration.ofMinutes(5));
            w.planNow();
            assertThat(w.client().runs("noop", 10)).isEmpty();
            w.client().resume("noop");
            w.planNow();
            // the jump (5 min) is longer than the liveness window (500 ms x 200): a heartbeat stamped before it and
            // written after planNow's may make this one pass plan nothing; the planner's next pass plans the slot
            List<DeploymentRun> runs = await(w.client(), "noop", r -> !r.isEmpty());
            assertThat(runs).extracting(DeploymentRun::slot).containsExactly(Instant.parse("2030-01-07T00:06:00Z"));
            assertThatThrownBy(() -> w.client().pause("nope")).isInstanceOf(DeploymentNotFoundException.class);
        }
    }

    /**
     * A pause resumed before the next slot: that slot comes after the resume, so it runs. The resume used to keep the
     * last slot at the upcoming slot the pause had dropped, so the planner took it for made and went on to the one
     * after: the slot was lost.
     */
    @Test
    void aPauseResumedBeforeTheNextSlotStillRunsThatSlot() throws Exception {
        TestClock clock = new TestClock(T0);
        Instant next = Instant.parse("2030-01-07T00:01:00Z");
        Deployment d = Deployment.of(Flows.NOOP).withSchedules(Schedule.interval(Duration.ofMinutes(1)));
        try (Worker w = fast(db(), clock).deployments(d).start()) {
            w.planNow();
            assertThat(w.client().runs("noop", 10)).extracting(DeploymentRun::slot).containsExactly(next);
            w.client().pause("noop");
            clock.advance(Duration.ofSeconds(10));
            w.client().resume("noop");
            w.client().resume("noop"); // resuming what runs changes nothing
            w.planNow();
            assertThat(w.client().runs("noop", 10)).as("the slot after the resume is planned again")
                    .extracting(DeploymentRun::slot).containsExactly(next);
            clock.set(next.plusSeconds(2));
            List<DeploymentRun> runs = await(w.client(), "noop", r -> r.stream()
                    .anyMatch(x -> next.equals(x.slot()) && x.status().isFinished()));
            assertThat(runs).filteredOn(r -> next.equals(r.slot())).singleElement()
                    .extracting(DeploymentRun::status).isEqualTo(RunStatus.COMPLETED);
        }
    }

    /**
     * A worker that registers a deployment {@code withPaused(true)} pauses it as {@link DeploymentClient#pause} does:
     * its upcoming run, planned while it was running, is dropped; it used to stay and run while the deployment was
     * paused.
     */
    @Test
    void registeringADeploymentPausedDropsItsUpcomingRunAsAPauseDoes() throws Exception {
        TestClock clock = new TestClock(T0);
        Instant next = Instant.parse("2030-01-07T00:01:00Z");
        Deployment d = Deployment.of(Flows.NOOP).withSchedules(Schedule.interval(Duration.ofMinutes(1)));
        try (Worker w = fast(db(), clock).deployments(d).start()) {
            w.planNow();
            assertThat(w.client().runs("noop", 10)).extracting(DeploymentRun::slot).containsExactly(next);
        }
        try (Worker w = fast(db(), clock).deployments(d.withPaused(true)).start()) {
            assertThat(w.client().deployment("noop").orElseThrow().paused()).isTrue();
            assertThat(w.client().runs("noop", 10)).as("nothing runs while paused").isEmpty();
            w.client().resume("noop");
            w.planNow();
            assertThat(w.client().runs("noop", 10)).extracting(DeploymentRun::slot).containsExactly(next);
        }
    }

    /**
     * The same schedules given in another order are not a schedule edit: the upcoming run stays (an edit drops the
     * runs not started yet, among them slots waiting for a concurrency limit or their previous run, which are lost).
     */
    @Test
    void theSameSchedulesInAnotherOrderKeepTheUpcomingRun() throws Exception {
        TestClock clock = new TestClock(T0);
        Schedule everyMinute = Schedule.interval(Duration.ofMinutes(1));
        Schedule nightly = Schedule.cron("0 3 * * *", "Europe/Berlin");
        Deployment d = Deployment.of(Flows.NOOP).withSchedules(everyMinute, nightly);
        String upcoming;
        try (Worker w = fast(db(), clock).deployments(d).start()) {
            w.planNow();
            upcoming = w.client().runs("noop", 10).get(0).id();
        }
        try (Worker w = fast(db(), clock).deployments(d.withSchedules(nightly, everyMinute)).start()) {
            assertThat(w.client().runs("noop", 10)).extracting(DeploymentRun::id).containsExactly(upcoming);
            assertThat(w.client().deployment("noop").orElseThrow().schedules()).containsExactly(nightly, everyMinute);
        }
    }

    @Test
    void retryRunsAFinishedRunAgainWithItsParameters() throws Exception {
        TestClock clock = new TestClock(T0);
        try (Worker w = fast(db(), clock).deployments(report()).start()) {
            String first = w.client().trigger("report", Map.of("days", 3));
            w.client().awaitFinished(first, Duration.ofSeconds(20)).orElseThrow();
            String again = w.client().retry(first);
            DeploymentRun run = w.client().awaitFinished(again, Duration.ofSeconds(20)).orElseThrow();
            assertThat(run.kind()).isEqualTo(RunKind.RETRY);
            assertThat(run.retryOf()).isEqualTo(first);
            assertThat(run.parameters()).containsEntry("days", 3).containsEntry("city", "Boston");
            assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
        }
    }

    @Test
    void concurrencyLimitsPerDeploymentAndPerTagHoldAcrossRuns() throws Exception {
        TestClock clock = new TestClock(T0);
        Flows.MAX_RUNNING.set(0);
        Flows.GATES.remove("limit-gate"); // closed gates also when the test runs again in this JVM
        Flows.GATES.remove("tag-gate");
        Deployment limited = Deployment.of(Flows.GATED, String.class).withName("limited").withConcurrencyLimit(2);
        Deployment taggedA = Deployment.of(Flows.GATED, String.class).withName("tagged-a").withTags("db");
        Deployment taggedB = Deployment.of(Flows.GATED, String.class).withName("tagged-b").withTags("db");
        try (Worker w = fast(db(), clock).deployments(limited, taggedA, taggedB).tagConcurrencyLimit("db", 1).start()) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                ids.add(w.client().trigger("limited", Map.of("arg0", "limit-gate")));
            }
            // two start (however slow the machine), then a third would have had time to start too
            await(w.client(), "limited", r -> r.stream().filter(x -> x.status() == RunStatus.RUNNING).count() >= 2);
            Thread.sleep(300);
            assertThat(w.client().runs("limited", 10)).filteredOn(r -> r.status() == RunStatus.RUNNING).hasSize(2);
            Flows.GATES.computeIfAbsent("limit-gate", g -> new CountDownLatch(1)).countDown();
            for (String id : ids) {
                assertThat(w.client().awaitFinished(id, Duration.ofSeconds(20)).orElseThrow().status())
                        .isEqualTo(RunStatus.COMPLETED);
            }
            assertThat(Flows.MAX_RUNNING.get()).isEqualTo(2);

            String a = w.client().trigger("tagged-a", Map.of("arg0", "tag-gate"));
            String b = w.client().trigger("tagged-b", Map.of("arg0", "tag-gate"));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (w.client().run(a).orElseThrow().status() != RunStatus.RUNNING
                    && w.client().run(b).orElseThrow().status() != RunStatus.RUNNING && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(300);
            assertThat(List.of(w.client().run(a).orElseThrow().status(), w.client().run(b).orElseThrow().status()))
                    .containsExactlyInAnyOrder(RunStatus.RUNNING, RunStatus.SCHEDULED);
            Flows.GATES.computeIfAbsent("tag-gate", g -> new CountDownLatch(1)).countDown();
            assertThat(w.client().awaitFinished(a, Duration.ofSeconds(20))).isPresent();
            assertThat(w.client().awaitFinished(b, Duration.ofSeconds(20))).isPresent();
        }
    }

    @Test
    void aLeaseOfADeadHolderExpiresSoTheSlotIsNotHeldForever() throws Exception {
        TestClock clock = new TestClock(T0);
        Deployment d = Deployment.of(Flows.NOOP).withConcurrencyLimit(1);
        try (Worker w = fast(db(), clock).deployments(d).start()) {
            // a worker that died holding the deployment's only slot: its lease runs out a minute from now (test clock,
            // so a slow machine cannot let it run out before the check below)
            Instant expiry = clock.instant().plusSeconds(60);
            try (Connection c = DriverManager.getConnection(db().url(), db().user(), db().password().reveal());
                    PreparedStatement ps = c.prepareStatement("insert into sluice_lease values ('deployment:noop', 'ghost',"
                            + " 'dead-worker', ?)")) {
                ps.setLong(1, expiry.getEpochSecond() * 1_000_000 + expiry.getNano() / 1000);
                ps.executeUpdate();
            }
            String id = w.client().trigger("noop");
            Thread.sleep(300); // the worker tries (busy retry 50 ms) and finds the slot held
            assertThat(w.client().run(id).orElseThrow().status()).isEqualTo(RunStatus.SCHEDULED);
            clock.advance(Duration.ofSeconds(61));
            DeploymentRun run = w.client().awaitFinished(id, Duration.ofSeconds(20)).orElseThrow();
            assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(run.startedAt()).isAfterOrEqualTo(expiry);
        }
    }

    @Test
    void aRunNotStartedWithinTheGracePeriodIsMarkedLate() throws Exception {
        TestClock clock = new TestClock(T0);
        Deployment d = Deployment.of(Flows.GATED, String.class).withName("late").withConcurrencyLimit(1);
        Flows.GATES.remove("late-gate"); // a closed gate also when the test runs again in this JVM
        try (Worker w = fast(db(), clock).deployments(d).start()) {
            String first = w.client().trigger("late", Map.of("arg0", "late-gate"));
            await(w.client(), "late", r -> r.stream().anyMatch(x -> x.status() == RunStatus.RUNNING));
            String second = w.client().trigger("late", Map.of("arg0", "late-gate"));
            w.planNow();
            assertThat(w.client().run(second).orElseThrow().late()).isFalse();
            clock.advance(Duration.ofSeconds(6));
            w.planNow();
            assertThat(w.client().run(second).orElseThrow().late()).isTrue();
            Flows.GATES.computeIfAbsent("late-gate", g -> new CountDownLatch(1)).countDown();
            assertThat(w.client().awaitFinished(second, Duration.ofSeconds(20)).orElseThrow().late()).isTrue();
            assertThat(w.client().run(first).orElseThrow().late()).isFalse();
        }
    }

    @Test
    void oneNameForTwoFlowsIsAnErrorNamingBoth() throws Exception {
        TestClock clock = new TestClock(T0);
        Deployment a = Deployment.of(Flows.NOOP).withName("etl");
        Deployment b = Deployment.of(Flows.SLEEPY).withName("etl");
        assertThatThrownBy(() -> fast(db(), clock).deployments(a, b).start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'etl'").hasMessageContaining("'noop'").hasMessageContaining("'sleepy'");
        try (Worker w = fast(db(), clock).deployments(a).start()) {
            assertThat(w.client().deployments()).extracting(DeploymentInfo::name).containsExactly("etl");
        }
        assertThatThrownBy(() -> fast(db(), clock).deployments(b).start())
                .isInstanceOf(DeploymentConflictException.class)
                .hasMessageContaining("'etl'").hasMessageContaining("flow 'noop'").hasMessageContaining("flow 'sleepy'");
        try (Worker w = fast(db(), clock).deployments(a).start()) {
            assertThat(w.client().deployment("etl").orElseThrow().flowName()).isEqualTo("noop");
        }
    }

    @Test
    void aDatabaseThatIsDownAtStartIsAClearError() {
        HistoryDatabase down = HistoryDatabase.of("jdbc:postgresql://127.0.0.1:1/sluice", "etl", Secret.of("hunter2-secret"))
                .withConnectTimeout(Duration.ofSeconds(1));
        assertThatThrownBy(() -> Worker.builder(down).deployments(Deployment.of(Flows.NOOP)).start())
                .isInstanceOf(SchedulerDatabaseException.class)
                .hasMessageContaining("cannot start the worker")
                .hasMessageContaining("127.0.0.1:1")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2-secret"));
        assertThatThrownBy(() -> DeploymentClient.open(down))
                .isInstanceOf(SchedulerDatabaseException.class).hasMessageContaining("127.0.0.1:1");
    }

    /**
     * A run cancelled from another process just before its worker stops (before the worker's heartbeat saw the
     * flag): it was handed back SCHEDULED with its cancel flag, which no claim ever takes, so it waited forever.
     */
    @Test
    void aRunCancelledJustBeforeItsWorkerStopsEndsCancelledInsteadOfWaitingForever() throws Exception {
        TestClock clock = new TestClock(T0);
        String id;
        try (Worker w = fast(db(), clock).heartbeat(Duration.ofSeconds(30), 200).stopGrace(Duration.ofMillis(300))
                .deployments(Deployment.of(Flows.SLEEPY)).start()) {
            id = w.client().trigger("sleepy");
            await(w.client(), "sleepy", r -> r.stream().anyMatch(x -> x.status() == RunStatus.RUNNING));
            try (DeploymentClient other = DeploymentClient.open(db(), clock)) {
                assertThat(other.cancel(id)).isTrue();
            }
        }
        try (DeploymentClient c = DeploymentClient.open(db(), clock)) {
            DeploymentRun r = c.run(id).orElseThrow();
            assertThat(r.status()).as(r.toString()).isEqualTo(RunStatus.CANCELLED);
            assertThat(r.endedAt()).isNotNull();
        }
    }

    @Test
    void stoppingHandsBackRunsThatDoNotFinishWithinTheGrace() throws Exception {
        TestClock clock = new TestClock(T0);
        String id;
        try (Worker w = fast(db(), clock).stopGrace(Duration.ofMillis(300)).deployments(Deployment.of(Flows.SLEEPY)).start()) {
            id = w.client().trigger("sleepy");
            await(w.client(), "sleepy", r -> r.stream().anyMatch(x -> x.status() == RunStatus.RUNNING));
        }
        try (DeploymentClient c = DeploymentClient.open(db(), clock)) {
            assertThat(c.run(id).orElseThrow().status()).isEqualTo(RunStatus.SCHEDULED);
        }
        try (Worker w = fast(db(), clock).deployments(Deployment.of(Flows.SLEEPY)).start()) {
            await(w.client(), "sleepy", r -> r.stream().anyMatch(x -> x.status() == RunStatus.RUNNING && x.id().equals(id)));
            w.client().cancel(id);
            assertThat(w.client().awaitFinished(id, Duration.ofSeconds(20)).orElseThrow().status())
                    .isEqualTo(RunStatus.CANCELLED);
        }
    }
}
