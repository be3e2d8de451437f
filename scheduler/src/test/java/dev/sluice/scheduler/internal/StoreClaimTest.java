package dev.sluice.scheduler.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Flow;
import dev.sluice.block.Secret;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.history.internal.Database;
import dev.sluice.scheduler.Deployment;
import dev.sluice.scheduler.DeploymentRun;
import dev.sluice.scheduler.Overlap;
import dev.sluice.scheduler.RunKind;
import dev.sluice.scheduler.RunStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The claim of a run against the real scheduler tables of a SQLite file. */
class StoreClaimTest {
    static final Instant T0 = Instant.parse("2030-01-07T00:02:00Z");

    /**
     * A run that waited for the previous one to end (overlap CANCEL_PREVIOUS) starts after that end: its start is read
     * once the claim saw nothing running, not before. It was read before the claim, so a previous run that ended in
     * between (a busy machine: 23 ms) left the new run starting before the previous one's end.
     */
    @Test
    void aRunThatWaitedForThePreviousOneStartsAfterItsEnd(@TempDir Path dir) throws Exception {
        HistoryDatabase config = HistoryDatabase.of("jdbc:sqlite:" + dir.resolve("s.db"), "", Secret.of(""));
        try (Database db = Database.open(config)) {
            SchedulerSchema.migrate(db);
            Store store = new Store(db);
            Deployment d = Deployment.of(Flow.of("held", () -> 1)).withOverlap(Overlap.CANCEL_PREVIOUS);
            store.register(List.of(d), T0);
            String first = store.insertRun("held", RunKind.SCHEDULED, T0.minusSeconds(60), "{}", null, T0, null).id();
            String second = store.insertRun("held", RunKind.SCHEDULED, T0, "{}", null, T0, null).id();
            Clock at = Clock.fixed(T0.minusSeconds(60), ZoneOffset.UTC);
            assertThat(store.claim(first, "held", "w1", at, Duration.ofMinutes(1), List.of(), T0.plusSeconds(60),
                    Overlap.ALLOW, T0.minusSeconds(60)).outcome()).isEqualTo(Store.Claim.CLAIMED);
            // the previous run ends 20 ms after the clock's first reading in the claim below
            store.finish(first, RunStatus.CANCELLED, "cancelled by overlap policy", null, T0.plusMillis(20));

            Clock stepping = new SteppingClock(T0, Duration.ofMillis(50));
            Store.Claimed claimed = store.claim(second, "held", "w1", stepping, Duration.ofMinutes(1), List.of(),
                    T0.plusSeconds(60), Overlap.CANCEL_PREVIOUS, T0);
            assertThat(claimed.outcome()).isEqualTo(Store.Claim.CLAIMED);
            DeploymentRun previous = store.run(first).orElseThrow();
            DeploymentRun next = store.run(second).orElseThrow();
            assertThat(next.status()).isEqualTo(RunStatus.RUNNING);
            assertThat(next.startedAt()).as("the start of the run that waited").isAfterOrEqualTo(previous.endedAt());
            assertThat(claimed.at()).isEqualTo(next.startedAt());
        }
    }

    /** Each reading is {@code step} later than the one before. */
    static final class SteppingClock extends Clock {
        private final Instant start;
        private final Duration step;
        private final AtomicInteger readings = new AtomicInteger();

        SteppingClock(Instant start, Duration step) {
            this.start = start;
            this.step = step;
        }

        @Override
        public Instant instant() {
            return start.plus(step.multipliedBy(readings.getAndIncrement()));
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
