package dev.sluice.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.State;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two processes on different hosts whose clocks are 2 minutes apart (far more than the crash period, 1 s here): the
 * one ahead must not take the other's live run for CRASHED because the heartbeat times it wrote look old by its own
 * clock. A process is gone when its heartbeat stops changing, as the observer sees it by its own clock; so once the
 * other process really dies, its run is marked CRASHED within about the crash period.
 */
class ClockSkewIT {
    @TempDir
    Path dir;

    @Test
    void aLiveProcessWhoseClockIsTwoMinutesBehindIsNotTakenForGoneButIsOnceItDies() throws Exception {
        Path file = dir.resolve("history.db");
        try (History history = History.builder(HistoryDatabase.sqlite(file))
                .heartbeat(Duration.ofMillis(200), Duration.ofSeconds(1)).open()) {
            Processes.Child child = Processes.startOnHost("a-machine-2-minutes-behind", "skewed", file.toString(), "-120");
            try {
                String run = child.await("READY", 60);
                ReapedOwnerIT.await("its run to be written", () -> history.flowRun(run).isPresent(), child);
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3_000); // 3 crash periods
                while (System.nanoTime() < until) {
                    history.markCrashedRuns();
                    assertThat(history.flowRun(run).orElseThrow().run().state()).as(String.join("\n", child.all))
                            .isEqualTo(State.RUNNING);
                    Thread.sleep(100);
                }
                child.process.destroyForcibly();
                assertThat(child.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
                long killed = System.nanoTime();
                ReapedOwnerIT.await("the run it left when it died to be marked CRASHED",
                        () -> ReapedOwnerIT.crashed(history, run), child);
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed)).isLessThan(5_000);
                assertThat(history.flowRun(run).orElseThrow().stateHistory()).last()
                        .satisfies(s -> assertThat(s.message()).contains("stopped beating its heart"));
            } finally {
                child.process.destroyForcibly();
            }
        }
    }
}
