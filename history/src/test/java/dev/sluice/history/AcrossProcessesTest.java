package dev.sluice.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.State;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real JVMs writing and reading one SQLite file: crashes, concurrent writers, live readers, shared cache. */
class AcrossProcessesTest {
    @TempDir
    Path dir;

    @Test
    void aReaderSeesRunsWhileTheyHappenAndAKilledWritersRunsAreMarkedCrashed() throws Exception {
        Path db = dir.resolve("sluice.db");
        Processes.Child child = Processes.start("hang", db.toString(), "3");
        try (History reader = History.open(HistoryDatabase.sqlite(db))) {
            String flowRunId = child.await("READY", 120);
            // the other JVM's run, while it goes on
            FlowRunDetail live = await(reader, flowRunId, d -> d.taskRuns().items().size() == 3
                    && d.taskRuns().items().stream().allMatch(t -> t.state() == State.RUNNING) && d.logs().items().size() >= 4);
            assertThat(live.run().state()).isEqualTo(State.RUNNING);
            assertThat(live.run().endTime()).isNull();
            assertThat(live.logs().items()).extracting(LogEntry::message).contains("starting 3 tasks");
            assertThat(reader.markCrashedRuns()).as("its owner is alive").isZero();

            child.process.destroyForcibly();
            assertThat(child.process.waitFor(30, TimeUnit.SECONDS)).isTrue();

            long marked = reader.markCrashedRuns();
            assertThat(marked).isEqualTo(4);
            FlowRunDetail dead = reader.flowRun(flowRunId).orElseThrow();
            assertThat(dead.run().state()).isEqualTo(State.CRASHED);
            assertThat(dead.run().endTime()).isNotNull();
            assertThat(dead.stateHistory()).last().satisfies(s -> {
                assertThat(s.state()).isEqualTo(State.CRASHED);
                assertThat(s.message()).contains("pid " + child.process.pid()).contains("is gone");
            });
            assertThat(dead.error().message()).contains("is gone");
            assertThat(dead.taskRuns().items()).extracting(TaskRunSummary::state).containsOnly(State.CRASHED);
            assertThat(reader.flowRuns(FlowRunQuery.all().inStates(State.RUNNING)).items()).isEmpty();
            assertThat(reader.markCrashedRuns()).as("once").isZero();
        } finally {
            child.process.destroyForcibly();
        }
    }

    /**
     * SQLite's connections in this JVM hold a POSIX shared lock on the file, which tells another program closing
     * its last connection (the sqlite3 shell, a Python script, a backup tool) that it is not the last: without it,
     * that program checkpoints the file and deletes the WAL this JVM still writes into, and every record written
     * after is lost (and a worker stops seeing runs triggered from outside). Closing any descriptor of the file drops
     * all of this process's locks on it, so the library must never open and close the file itself while it is in use.
     */
    @Test
    void theFileStaysLockedForOtherProgramsWhileThisJvmUsesIt() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(System.getProperty("os.name").startsWith("Windows"), "POSIX locks");
        Path db = dir.resolve("sluice.db");
        dev.sluice.Flow<Integer, Integer> flow = dev.sluice.Flow.of("kept", (Integer i) -> i);
        try (History history = History.open(HistoryDatabase.sqlite(db))) {
            assertThat(Processes.start("probe", db.toString()).finish()).containsEntry("FREE", "false");
            try (History second = History.open(HistoryDatabase.sqlite(db)); // a second pool on the file in this JVM
                    dev.sluice.SluiceRuntime runtime = dev.sluice.SluiceRuntime.builder().withoutExtensions()
                            .recorder(history.recorder()).build()) {
                assertThat(Processes.start("probe", db.toString()).finish()).as("after a second open")
                        .containsEntry("FREE", "false");
                runtime.run(flow, 1);
                history.flush(); // the writer checks the file (its header among it) before it writes
                runtime.run(flow, 2);
                history.flush();
                assertThat(second.flowRuns(FlowRunQuery.all()).items()).hasSize(2);
                assertThat(Processes.start("probe", db.toString()).finish()).as("after writes")
                        .containsEntry("FREE", "false");
            }
            assertThat(Processes.start("probe", db.toString()).finish()).as("after the second closed")
                    .containsEntry("FREE", "false");
        }
    }

    @Test
    void theNextProcessToOpenTheFileMarksTheRunsOfAKilledOneCrashed() throws Exception {
        Path db = dir.resolve("sluice.db");
        Processes.Child child = Processes.start("hang", db.toString(), "1");
        String flowRunId;
        try {
            flowRunId = child.await("READY", 120);
            Thread.sleep(200); // the writer lingers 10 ms; READY is printed 300 ms after the submits
        } finally {
            child.process.destroyForcibly();
        }
        assertThat(child.process.waitFor(30, TimeUnit.SECONDS)).isTrue();

        try (History next = History.open(HistoryDatabase.sqlite(db))) {
            assertThat(next.flowRun(flowRunId).orElseThrow().run().state()).isEqualTo(State.CRASHED);
            assertThat(next.stats().crashedRunsMarked()).isEqualTo(2);
        }
    }

    @Test
    void twoProcessesWritingOneFileAtOnceLoseNothing() throws Exception {
        Path db = dir.resolve("sluice.db");
        History.open(HistoryDatabase.sqlite(db)).close(); // the schema first: both children then only write
        List<Processes.Child> children = new ArrayList<>();
        children.add(Processes.start("write", db.toString(), "writer-a", "20", "300"));
        children.add(Processes.start("write", db.toString(), "writer-b", "20", "300"));
        for (Processes.Child c : children) {
            assertThat(c.finish()).containsEntry("LOST", "0");
        }
        try (History h = History.open(HistoryDatabase.sqlite(db))) {
            for (String name : List.of("writer-a", "writer-b")) {
                List<FlowRunSummary> runs = all(h, FlowRunQuery.all().flowName(name));
                assertThat(runs).hasSize(20).allSatisfy(r -> assertThat(r.state()).isEqualTo(State.COMPLETED));
                long tasks = 0;
                long lines = 0;
                for (FlowRunSummary r : runs) {
                    Page<TaskRunSummary> page = h.taskRuns(TaskRunQuery.all().inFlowRun(r.id()).limit(1000));
                    assertThat(page.items()).allSatisfy(t -> assertThat(t.state()).isEqualTo(State.COMPLETED));
                    tasks += page.items().size();
                    lines += h.logs(LogQuery.of(r.id()).limit(1000)).items().size();
                }
                assertThat(tasks).isEqualTo(20 * 300);
                assertThat(lines).isEqualTo(20 * 300);
            }
        }
    }

    @Test
    void twoProcessesComputeASharedCachedResultOnce() throws Exception {
        Path db = dir.resolve("sluice.db");
        Path calls = dir.resolve("calls.txt");
        History.open(HistoryDatabase.sqlite(db)).close();
        Processes.Child a = Processes.start("cache", db.toString(), calls.toString(), "1500");
        Processes.Child b = Processes.start("cache", db.toString(), calls.toString(), "1500");
        Map<String, String> ra = a.finish();
        Map<String, String> rb = b.finish();
        assertThat(Files.readAllLines(calls)).hasSize(1);
        assertThat(List.of(ra.get("STATE"), rb.get("STATE"))).containsExactlyInAnyOrder("COMPLETED", "CACHED");
        assertThat(List.of(ra.get("RESULT"), rb.get("RESULT"))).containsOnly("18");

        Map<String, String> third = Processes.start("cache", db.toString(), calls.toString(), "0").finish();
        assertThat(third).containsEntry("STATE", "CACHED");
        assertThat(Files.readAllLines(calls)).hasSize(1);
    }

    @Test
    void aProcessKilledWhileComputingASharedCachedResultDoesNotHoldTheOthersBack() throws Exception {
        Path db = dir.resolve("sluice.db");
        Path calls = dir.resolve("calls.txt");
        History.open(HistoryDatabase.sqlite(db)).close();
        Processes.Child killed = Processes.start("cache", db.toString(), calls.toString(), "600000"); // holds the lock row
        try {
            for (int i = 0; i < 1_200 && (!Files.exists(calls) || Files.readAllLines(calls).isEmpty()); i++) {
                assertThat(killed.process.isAlive()).as("the first process is computing").isTrue();
                Thread.sleep(50);
            }
            assertThat(Files.readAllLines(calls)).as("the first process started computing").hasSize(1);
            Processes.Child second = Processes.start("cache", db.toString(), calls.toString(), "0"); // waits for the row
            Thread.sleep(1_000);
            killed.process.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // kill -9: its lock row stays behind

            Map<String, String> result = second.finish();

            assertThat(result).containsEntry("STATE", "COMPLETED").containsEntry("RESULT", "18");
            assertThat(Files.readAllLines(calls)).as("the second process computed it itself").hasSize(2);
        } finally {
            killed.process.destroyForcibly();
        }
    }

    @Test
    void withNoCodeTheDefaultRuntimeRecordsIntoTheHomeAndWritesEverythingAtExit() throws Exception {
        Path home = dir.resolve("home");
        Map<String, String> fields = Processes.start(Map.of("sluice.home", home.toString()), "default", "zero-code")
                .finish();
        assertThat(fields).containsEntry("STATE", "COMPLETED");
        assertThat(home.resolve("sluice.db")).exists();
        try (History h = History.open(HistoryDatabase.sqlite(home.resolve("sluice.db")))) {
            FlowRunDetail run = h.flowRun(fields.get("RUN")).orElseThrow();
            assertThat(run.run().state()).isEqualTo(State.COMPLETED);
            assertThat(run.taskRuns().items()).hasSize(1);
            assertThat(run.logs().items()).extracting(LogEntry::message).containsExactly("measuring from the default runtime");
            assertThat(h.markCrashedRuns()).isZero();
        }
    }

    @Test
    void whatAHookStillRunningAtExitLogsIsWrittenBeforeTheHistoryCloses() throws Exception {
        Path home = dir.resolve("late-hook");
        Processes.Child child = Processes.start(Map.of("sluice.home", home.toString(),
                "org.slf4j.simpleLogger.log.dev.sluice.SluiceRuntime", "info"), "late-hook", "late-hook");
        Map<String, String> fields = child.finish();
        try (History h = History.open(HistoryDatabase.sqlite(home.resolve("sluice.db")))) {
            FlowRunDetail run = h.flowRun(fields.get("RUN")).orElseThrow();
            assertThat(run.run().state()).isEqualTo(State.FAILED);
            assertThat(run.logs().items()).as("the run's log lines")
                    .anySatisfy(line -> assertThat(line.message() + " " + line.error()).contains("onFailure hook")
                            .contains("the hook ended after main had returned"));
        }
        // the runtime's close and the exit hook that closes its history both wait for the hook: one says so
        assertThat(child.all).as("the child's output").filteredOn(line -> line.contains("hook batch(es) still running"))
                .hasSize(1);
    }

    static FlowRunDetail await(History h, String id, java.util.function.Predicate<FlowRunDetail> condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        FlowRunDetail last = null;
        while (System.nanoTime() < deadline) {
            last = h.flowRun(id).orElse(null);
            if (last != null && condition.test(last)) {
                return last;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("condition not met within 30 s; last seen: " + last);
    }

    static List<FlowRunSummary> all(History h, FlowRunQuery q) {
        List<FlowRunSummary> out = new ArrayList<>();
        Page<FlowRunSummary> page = h.flowRuns(q.limit(FlowRunQuery.MAX_LIMIT));
        out.addAll(page.items());
        while (page.hasNext()) {
            page = h.flowRuns(q.limit(FlowRunQuery.MAX_LIMIT).after(page.nextCursor()));
            out.addAll(page.items());
        }
        return out;
    }
}
