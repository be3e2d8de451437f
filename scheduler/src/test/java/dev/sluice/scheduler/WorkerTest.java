package dev.sluice.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.history.HistoryDatabase;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker contract on a SQLite file in a temp folder, and what is SQLite's own: one worker per file. */
class WorkerTest extends WorkerContract {
    @TempDir
    Path dir;

    @Override
    HistoryDatabase db() {
        return HistoryDatabase.sqlite(dir.resolve("sluice.db"));
    }

    @Test
    void aScheduleWithNoTimeAfterNowIsNamedInAWarningWhenTheWorkerStarts() throws Exception {
        Deployment ended = Deployment.of(Flows.NOOP).withName("ended")
                .withSchedules(Schedule.rrule("FREQ=DAILY;COUNT=3", "UTC")); // three days of 1970
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream before = System.err;
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        try (Worker w = Worker.builder(db()).name("w").deployments(ended).start()) {
            assertThat(w.client().deployment("ended")).isPresent();
        } finally {
            System.setErr(before);
        }
        assertThat(err.toString(java.nio.charset.StandardCharsets.UTF_8))
                .contains("schedule 'every day at 00:00 UTC, 3 times' of deployment 'ended' has no time after now")
                .contains("anchoredAt");
    }

    /**
     * A scheduled run has only the deployment's defaults: a scheduled deployment with a required parameter left
     * without one fails every slot, silently until the first fires (at 06:00, say). The worker says so at start.
     */
    @Test
    void aScheduledDeploymentWhoseDefaultsMissARequiredParameterIsNamedInAWarningWhenTheWorkerStarts() throws Exception {
        Deployment daily = Deployment.of(Flows.REPORT, Flows.Report.class).withName("daily-report")
                .withSchedules(Schedule.cron("0 6 * * *", "Europe/Berlin"));
        Deployment byHand = Deployment.of(Flows.REPORT, Flows.Report.class).withName("by-hand");   // no schedule
        Deployment withDefault = Deployment.of(Flows.REPORT, Flows.Report.class).withName("with-default")
                .withParameters(java.util.Map.of("city", "Berlin")).withSchedules(Schedule.interval(Duration.ofHours(1)));
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream before = System.err;
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        try (Worker w = Worker.builder(db()).name("w").deployments(daily, byHand, withDefault).start()) {
            assertThat(w.client().deployment("daily-report")).isPresent();
        } finally {
            System.setErr(before);
        }
        String log = err.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(log).contains("deployment 'daily-report' has schedules, but its scheduled runs will fail")
                .contains("city: required, but missing").contains("withParameters")
                .doesNotContain("deployment 'by-hand' has schedules").doesNotContain("deployment 'with-default' has schedules");
    }

    /**
     * db-scheduler judges an execution dead only after at least 4 missed beats: a builder that took 2 or 3 let
     * {@code start()} fail with db-scheduler's own words ("Heartbeat-limit must be at least 4"), after the worker
     * had registered itself; the builder now refuses it, naming its own setting.
     */
    @Test
    void missedHeartbeatsBelowFourAreRefusedByTheBuilderNamingTheSetting() throws Exception {
        assertThatThrownBy(() -> Worker.builder(db()).heartbeat(Duration.ofSeconds(1), 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missedHeartbeats must be >= 4, was 3");
        try (Worker w = Worker.builder(db()).name("w").deployments(Deployment.of(Flows.NOOP))
                .heartbeat(Duration.ofMillis(200), 4).start()) {
            assertThat(w.client().workers(Duration.ofMinutes(1))).hasSize(1);
        }
    }

    /**
     * A SQLite file deleted (or replaced) under a serving worker: its connections would go on in the unlinked
     * file, where nobody sees its heartbeats, claims or runs, while triggers from other processes go into a new
     * file at the path that no worker serves. The worker says so and stops (a supervisor's restart serves the new
     * file), as the history's writer refuses to write into a deleted file.
     */
    @Test
    void aWorkerWhoseFileIsDeletedSaysSoAndStops() throws Exception {
        Path file = dir.resolve("sluice.db");
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream before = System.err;
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        try (Worker w = Worker.builder(db()).name("w").deployments(Deployment.of(Flows.NOOP))
                .heartbeat(Duration.ofMillis(200), 5).start()) {
            for (String suffix : new String[] {"", "-wal", "-shm"}) {
                java.nio.file.Files.deleteIfExists(dir.resolve("sluice.db" + suffix));
            }
            assertThat(w.awaitStop(Duration.ofSeconds(20))).as("the worker stopped").isTrue();
        } finally {
            System.setErr(before);
        }
        assertThat(err.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("worker w").contains(file.toString())
                .contains("was deleted while in use").contains("stops");
    }

    @Test
    void threadsOfOneJvmOpeningANewFileAtOnceMigrateItOneAfterTheOther() throws Exception {
        // the run history's and the scheduler's migrations take one lock per file; a second file lock taken in the
        // same JVM would throw OverlappingFileLockException, so each module goes through the JVM's lock first
        for (int round = 0; round < 5; round++) {
            HistoryDatabase fresh = HistoryDatabase.sqlite(dir.resolve("fresh-" + round + ".db"));
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                java.util.List<java.util.concurrent.Future<?>> all = new java.util.ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    boolean history = i % 2 == 0;
                    all.add(pool.submit(() -> {
                        go.await();
                        if (history) {
                            dev.sluice.history.History.open(fresh).close();
                        } else {
                            DeploymentClient.open(fresh).close();
                        }
                        return null;
                    }));
                }
                go.countDown();
                for (java.util.concurrent.Future<?> f : all) {
                    f.get(60, java.util.concurrent.TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            try (DeploymentClient client = DeploymentClient.open(fresh)) {
                assertThat(client.deployments()).isEmpty();
            }
        }
    }

    @Test
    void aSecondWorkerOnOneSqliteFileIsRefusedWithTheFirstNamed() throws Exception {
        TestClock clock = new TestClock(T0);
        try (Worker first = fast(db(), clock).name("first").deployments(Deployment.of(Flows.NOOP)).start()) {
            assertThatThrownBy(() -> fast(db(), clock).deployments(Deployment.of(Flows.NOOP)).start())
                    .isInstanceOf(WorkerRefusedException.class)
                    .hasMessageContaining("worker 'first'").hasMessageContaining("pid " + ProcessHandle.current().pid())
                    .hasMessageContaining("PostgreSQL");
            // triggers from elsewhere still work
            try (DeploymentClient other = DeploymentClient.open(db(), clock)) {
                String id = other.trigger("noop");
                assertThat(other.awaitFinished(id, Duration.ofSeconds(20)).orElseThrow().status())
                        .isEqualTo(RunStatus.COMPLETED);
                assertThat(other.workers(Duration.ofDays(365 * 10))).singleElement().satisfies(info -> {
                    assertThat(info.name()).isEqualTo("first");
                    assertThat(info.deployments()).containsExactly("noop");
                    assertThat(info.stoppedAt()).isNull();
                });
            }
        }
        try (Worker again = fast(db(), clock).deployments(Deployment.of(Flows.NOOP)).start()) {
            assertThat(again.client().workers(Duration.ofDays(3650))).hasSize(2);
        }
    }


    @Test
    void extraRecordersTheBlockStoreTheHomeAndTheResultStoreReachTheServedFlows() throws Exception {
        TestClock clock = new TestClock(T0);
        java.util.List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        dev.sluice.block.BlockStore blocks = dev.sluice.block.BlockStore.inMemory();
        dev.sluice.block.BlockStore[] seen = new dev.sluice.block.BlockStore[1];
        java.nio.file.Path[] seenHome = new java.nio.file.Path[1];
        dev.sluice.Flow0<String> where = dev.sluice.Flow.of("where", () -> {
            seen[0] = dev.sluice.SluiceRuntime.current().blockStore();
            seenHome[0] = dev.sluice.SluiceRuntime.current().home();
            return "here";
        });
        java.nio.file.Path home = dir.resolve("app-home");
        dev.sluice.cache.ResultStore results = dev.sluice.cache.ResultStore.inMemory();
        try (Worker w = fast(db(), clock).deployments(Deployment.of(where))
                .recorder((run, change) -> heard.add(run.definitionName() + ":" + change.state()))
                .blockStore(blocks).home(home).resultStore(results).start()) {
            String id = w.client().trigger("where");
            assertThat(w.client().awaitFinished(id, Duration.ofSeconds(20)).orElseThrow().status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(heard).contains("where:COMPLETED");
            assertThat(seen[0]).isSameAs(blocks);
            assertThat(w.runtime().blockStore()).isSameAs(blocks);
            assertThat(seenHome[0]).isEqualTo(home.toAbsolutePath());
            assertThat(w.runtime().home()).isEqualTo(home.toAbsolutePath());
            assertThat(w.runtime().resultStore()).isSameAs(results);
        }
    }

    @Test
    void aSqliteFileThatCannotBeUsedIsAClearError() throws Exception {
        java.nio.file.Files.createDirectories(dir.resolve("not-a-file.db"));
        HistoryDatabase folder = HistoryDatabase.sqlite(dir.resolve("not-a-file.db"));
        assertThatThrownBy(() -> Worker.builder(folder).deployments(Deployment.of(Flows.NOOP)).start())
                .isInstanceOf(SchedulerDatabaseException.class)
                .hasMessageContaining("not-a-file.db").hasMessageContaining("not a regular file");
    }
}
