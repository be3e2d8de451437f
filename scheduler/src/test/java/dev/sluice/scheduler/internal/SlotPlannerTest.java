package dev.sluice.scheduler.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.scheduler.CatchUp;
import dev.sluice.scheduler.Schedule;
import dev.sluice.scheduler.internal.SlotPlanner.PlannedSlot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class SlotPlannerTest {
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    /** Every 10 minutes. */
    private static final List<Schedule> TEN_MINUTES = List.of(Schedule.cron("*/10 * * * *", NEW_YORK));

    /** A clock the test moves by hand. */
    static final class FakeClock extends Clock {
        private Instant now;

        FakeClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    private static Instant at(String s) {
        return Instant.parse(s);
    }

    private static List<Instant> times(List<PlannedSlot> plan) {
        return plan.stream().map(PlannedSlot::time).toList();
    }

    @Test
    void aNewDeploymentGetsOnlyItsNextSlot() {
        List<PlannedSlot> plan = SlotPlanner.plan(TEN_MINUTES, null, at("2026-01-05T12:03:00Z"), CatchUp.ALL, Duration.ofDays(1), 100);
        assertThat(plan).containsExactly(new PlannedSlot(at("2026-01-05T12:10:00Z"), false));
        assertThat(SlotPlanner.plan(TEN_MINUTES, null, at("2026-01-05T12:10:00Z"), CatchUp.LATEST, null, 100))
                .as("a slot exactly at now is on time").containsExactly(new PlannedSlot(at("2026-01-05T12:10:00Z"), false));
    }

    @Test
    void nothingWhileTheUpcomingSlotExists() {
        assertThat(SlotPlanner.plan(TEN_MINUTES, at("2026-01-05T12:10:00Z"), at("2026-01-05T12:03:00Z"), CatchUp.LATEST, null, 100)).isEmpty();
        assertThat(SlotPlanner.plan(TEN_MINUTES, at("2026-01-05T12:10:00Z"), at("2026-01-05T12:10:00Z"), CatchUp.LATEST, null, 100)).isEmpty();
    }

    @Test
    void afterDowntimeNoneSkipsWhatWasMissed() {
        // last slot 12:00; down until 13:05: 12:10 ... 13:00 were missed
        List<PlannedSlot> plan = SlotPlanner.plan(TEN_MINUTES, at("2026-01-05T12:00:00Z"), at("2026-01-05T13:05:00Z"), CatchUp.NONE, null, 100);
        assertThat(plan).containsExactly(new PlannedSlot(at("2026-01-05T13:10:00Z"), false));
    }

    @Test
    void afterDowntimeLatestRunsTheLatestMissedSlot() {
        List<PlannedSlot> plan = SlotPlanner.plan(TEN_MINUTES, at("2026-01-05T12:00:00Z"), at("2026-01-05T13:05:00Z"), CatchUp.LATEST, null, 100);
        assertThat(plan).containsExactly(new PlannedSlot(at("2026-01-05T13:00:00Z"), true), new PlannedSlot(at("2026-01-05T13:10:00Z"), false));
        // a year of downtime costs a few look-ups, not 52,000
        List<PlannedSlot> year = SlotPlanner.plan(TEN_MINUTES, at("2025-01-05T12:00:00Z"), at("2026-01-05T13:05:00Z"), CatchUp.LATEST, null, 100);
        assertThat(times(year)).containsExactly(at("2026-01-05T13:00:00Z"), at("2026-01-05T13:10:00Z"));
        // within a window: a missed slot older than the window is not run
        assertThat(times(SlotPlanner.plan(TEN_MINUTES, at("2026-01-05T12:00:00Z"), at("2026-01-05T13:05:00Z"), CatchUp.LATEST,
                Duration.ofMinutes(5), 100))).containsExactly(at("2026-01-05T13:00:00Z"), at("2026-01-05T13:10:00Z"));
        assertThat(times(SlotPlanner.plan(TEN_MINUTES, at("2026-01-05T12:00:00Z"), at("2026-01-05T13:05:00Z"), CatchUp.LATEST,
                Duration.ofMinutes(4), 100))).containsExactly(at("2026-01-05T13:10:00Z"));
        // nothing missed
        assertThat(times(SlotPlanner.plan(TEN_MINUTES, at("2026-01-05T12:00:00Z"), at("2026-01-05T12:05:00Z"), CatchUp.LATEST, null, 100)))
                .containsExactly(at("2026-01-05T12:10:00Z"));
    }

    @Test
    void afterDowntimeAllRunsEveryMissedSlotWithinTheWindow() {
        List<PlannedSlot> plan = SlotPlanner.plan(TEN_MINUTES, at("2026-01-05T12:00:00Z"), at("2026-01-05T13:05:00Z"), CatchUp.ALL,
                Duration.ofMinutes(30), 100);
        assertThat(plan).containsExactly(
                new PlannedSlot(at("2026-01-05T12:40:00Z"), true),
                new PlannedSlot(at("2026-01-05T12:50:00Z"), true),
                new PlannedSlot(at("2026-01-05T13:00:00Z"), true),
                new PlannedSlot(at("2026-01-05T13:10:00Z"), false));
        // the window edge is inclusive
        assertThat(times(SlotPlanner.plan(TEN_MINUTES, at("2026-01-05T12:00:00Z"), at("2026-01-05T13:05:00Z"), CatchUp.ALL,
                Duration.ofMinutes(35), 100))).startsWith(at("2026-01-05T12:30:00Z"));
        // a window reaching before the last slot starts after it
        assertThat(times(SlotPlanner.plan(TEN_MINUTES, at("2026-01-05T12:00:00Z"), at("2026-01-05T12:25:00Z"), CatchUp.ALL,
                Duration.ofDays(1), 100))).containsExactly(at("2026-01-05T12:10:00Z"), at("2026-01-05T12:20:00Z"), at("2026-01-05T12:30:00Z"));
    }

    @Test
    void aLimitSplitsALongCatchUpOverCalls() {
        Instant last = at("2026-01-05T00:00:00Z");
        Instant now = at("2026-01-05T10:01:00Z");
        List<Instant> created = new ArrayList<>();
        for (int call = 0; call < 20; call++) {
            List<PlannedSlot> plan = SlotPlanner.plan(TEN_MINUTES, last, now, CatchUp.ALL, Duration.ofDays(1), 25);
            if (plan.isEmpty()) {
                break;
            }
            assertThat(plan).hasSizeLessThanOrEqualTo(25);
            for (PlannedSlot s : plan) {
                created.add(s.time());
            }
            last = plan.get(plan.size() - 1).time();
        }
        assertThat(created).hasSize(61).doesNotHaveDuplicates().isSorted();
        assertThat(created.get(0)).isEqualTo(at("2026-01-05T00:10:00Z"));
        assertThat(created.get(60)).isEqualTo(at("2026-01-05T10:10:00Z"));
    }

    @Test
    void severalSchedulesShareASlot() {
        List<Schedule> two = List.of(Schedule.cron("0 * * * *", NEW_YORK), Schedule.cron("*/30 * * * *", NEW_YORK));
        assertThat(times(SlotPlanner.plan(two, at("2026-01-05T12:00:00Z"), at("2026-01-05T13:45:00Z"), CatchUp.ALL, Duration.ofDays(1), 100)))
                .containsExactly(at("2026-01-05T12:30:00Z"), at("2026-01-05T13:00:00Z"), at("2026-01-05T13:30:00Z"), at("2026-01-05T14:00:00Z"));
    }

    @Test
    void aScheduleThatEndedPlansNothing() {
        List<Schedule> three = List.of(Schedule.rrule("FREQ=DAILY;COUNT=3", "UTC").anchoredAt(at("2026-01-01T06:00:00Z")));
        assertThat(SlotPlanner.plan(three, at("2026-01-03T06:00:00Z"), at("2026-01-10T00:00:00Z"), CatchUp.ALL, Duration.ofDays(30), 10)).isEmpty();
        assertThat(SlotPlanner.plan(List.of(), null, at("2026-01-10T00:00:00Z"), CatchUp.NONE, null, 10)).isEmpty();
        assertThatThrownBy(() -> SlotPlanner.plan(TEN_MINUTES, null, Instant.EPOCH, CatchUp.ALL, null, 10)).hasMessage("catchUp ALL needs a window");
        assertThatThrownBy(() -> SlotPlanner.plan(TEN_MINUTES, null, Instant.EPOCH, CatchUp.NONE, null, 0)).hasMessage("limit must be >= 1, was 0");
    }

    /**
     * A worker loop on a fake clock: it ticks at uneven intervals (never more than a slot apart while
     * up), goes down now and then, plans on each tick, inserts each slot into a set keyed by slot
     * time (the database's unique key), and "starts" a created slot at the first tick at or after
     * its time.
     */
    @Test
    void aSimulatedWorkerCreatesEachSlotOnceAndNeverStartsOneEarly() {
        Schedule schedule = TEN_MINUTES.get(0);
        for (CatchUp policy : CatchUp.values()) {
            Duration window = policy == CatchUp.ALL ? Duration.ofMinutes(45) : null;
            FakeClock clock = new FakeClock(at("2026-03-07T00:00:00Z"));   // across New York's spring-forward night
            Random random = new Random(42);
            Set<Instant> created = new LinkedHashSet<>();
            TreeSet<Instant> pending = new TreeSet<>();
            List<List<Instant>> downtimes = new ArrayList<>();
            List<Instant> backAt = new ArrayList<>();
            Instant last = null;
            Instant end = at("2026-03-10T00:00:00Z");
            while (clock.instant().isBefore(end)) {
                boolean down = last != null && random.nextInt(40) == 0;
                clock.advance(down ? Duration.ofMinutes(15 + random.nextInt(120)) : Duration.ofSeconds(1 + random.nextInt(300)));
                Instant now = clock.instant();
                if (down) {
                    // the slots that came and went while no worker ran
                    List<Instant> missed = new ArrayList<>();
                    for (Instant s : schedule.next(50, last)) {
                        if (s.isBefore(now)) {
                            missed.add(s);
                        }
                    }
                    downtimes.add(missed);
                    backAt.add(now);
                }
                for (PlannedSlot slot : SlotPlanner.plan(TEN_MINUTES, last, now, policy, window, 1000)) {
                    assertThat(created.add(slot.time())).as("%s: slot %s created twice", policy, slot.time()).isTrue();
                    assertThat(last == null || slot.time().isAfter(last)).isTrue();
                    last = slot.time();
                    pending.add(slot.time());
                }
                while (!pending.isEmpty() && !pending.first().isAfter(now)) {
                    Instant slot = pending.pollFirst();
                    assertThat(now).as("started at or after its slot").isAfterOrEqualTo(slot);
                }
            }
            assertThat(downtimes).as("the simulation had downtimes with missed slots").anyMatch(d -> d.size() > 3);
            List<Instant> missedAtAll = downtimes.stream().flatMap(List::stream).toList();
            for (Instant s : all(schedule, at("2026-03-07T00:10:00Z"), last)) {
                if (!missedAtAll.contains(s)) {
                    assertThat(created).as("%s: a slot while the worker was up", policy).contains(s);
                }
            }
            for (int i = 0; i < downtimes.size(); i++) {
                List<Instant> missed = downtimes.get(i);
                Instant back = backAt.get(i);
                List<Instant> caughtUp = missed.stream().filter(created::contains).toList();
                switch (policy) {
                    case NONE -> assertThat(caughtUp).isEmpty();
                    case LATEST -> assertThat(caughtUp).isEqualTo(missed.isEmpty() ? List.of() : List.of(missed.get(missed.size() - 1)));
                    case ALL -> assertThat(caughtUp).isEqualTo(missed.stream().filter(s -> !s.isBefore(back.minus(window))).toList());
                }
            }
            assertThat(created).as("%s: only schedule slots", policy).allMatch(all(schedule, at("2026-03-06T00:00:00Z"), last)::contains);
        }
    }

    private static List<Instant> all(Schedule s, Instant from, @Nullable Instant to) {
        List<Instant> out = new ArrayList<>();
        for (Instant t = s.next(from).orElseThrow(); to != null && !t.isAfter(to); t = s.next(t).orElseThrow()) {
            out.add(t);
        }
        return out;
    }
}
