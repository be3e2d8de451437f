package dev.sluice.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.State;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process on another machine that stops heartbeating for longer than the crash period (frozen: SIGSTOP, a long
 * GC pause, cut off from the database) has its runs marked CRASHED and is marked reaped. When it comes back and goes
 * on running flows, and then dies for good, its new runs must be marked CRASHED too: a reaped process that heartbeats
 * again is watched again. And the run it had going on when it was taken for gone, which it then finishes, ends in the
 * state its real end wrote (COMPLETED), without the crash mark's error or end time: the CRASHED entry stays in its state
 * history only as what was believed meanwhile.
 */
class ReapedOwnerIT {
    @TempDir
    Path dir;

    static void signal(String signal, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    static void await(String what, BooleanSupplier done, Processes.Child child) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; the child printed:\n"
                        + String.join("\n", child.all));
            }
            Thread.sleep(100);
        }
    }

    static boolean crashed(History history, String flowRunId) {
        return history.flowRun(flowRunId).map(f -> f.run().state() == State.CRASHED).orElse(false);
    }

    @Test
    void aProcessTakenForGoneThatComesBackEndsItsRunAndIsWatchedAgainSoItsLaterCrashIsMarked() throws Exception {
        Path file = dir.resolve("history.db");
        try (History history = History.builder(HistoryDatabase.sqlite(file))
                .heartbeat(Duration.ofMillis(200), Duration.ofSeconds(1)).open()) {
            Processes.Child child = Processes.startOnHost("another-machine", "twice", file.toString(), "3000");
            try {
                String first = child.await("FIRST", 60);
                await("its first run to be written", () -> history.flowRun(first).isPresent(), child);
                signal("STOP", child.process.pid());
                try {
                    await("the frozen process's run to be marked CRASHED", () -> crashed(history, first), child);
                } finally {
                    signal("CONT", child.process.pid());
                }
                java.time.Instant crashMarkedEnd = history.flowRun(first).orElseThrow().run().endTime();
                String second = child.await("SECOND", 30);
                await("its first run's real end to be written", () -> history.flowRun(first)
                        .map(f -> f.run().state() == State.COMPLETED).orElse(false), child);
                FlowRunDetail ended = history.flowRun(first).orElseThrow();
                assertThat(ended.error()).as("the crash mark's error").isNull();
                assertThat(ended.run().endTime()).isAfter(crashMarkedEnd);
                assertThat(ended.stateHistory()).extracting(s -> s.state())
                        .containsSubsequence(State.RUNNING, State.CRASHED, State.COMPLETED).last().isEqualTo(State.COMPLETED);
                await("its second run to be written", () -> history.flowRun(second).isPresent(), child);
                Thread.sleep(1_500); // it heartbeats again, and its second run is going on
                assertThat(history.flowRun(second).orElseThrow().run().state()).isEqualTo(State.RUNNING);
                child.process.destroyForcibly();
                assertThat(child.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
                await("the run it left when it died to be marked CRASHED", () -> crashed(history, second), child);
            } finally {
                child.process.destroyForcibly();
            }
        }
    }
}
