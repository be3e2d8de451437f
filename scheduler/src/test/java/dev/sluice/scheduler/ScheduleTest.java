package dev.sluice.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ScheduleTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final ZoneId LORD_HOWE = ZoneId.of("Australia/Lord_Howe");
    private static final ZoneId SAO_PAULO = ZoneId.of("America/Sao_Paulo");
    private static final ZoneId APIA = ZoneId.of("Pacific/Apia");

    private static Instant at(String instant) {
        return Instant.parse(instant);
    }

    private static List<Instant> instants(String... texts) {
        return java.util.Arrays.stream(texts).map(Instant::parse).toList();
    }

    // --- cron ---

    @Test
    void cronFiresOnTheZonesWallClock() {
        Schedule daily = Schedule.cron("0 6 * * *", BERLIN);
        assertThat(daily.next(3, at("2026-01-01T00:00:00Z")))
                .containsExactlyElementsOf(instants("2026-01-01T05:00:00Z", "2026-01-02T05:00:00Z", "2026-01-03T05:00:00Z"));
        assertThat(daily.next(2, at("2026-07-01T00:00:00Z")))
                .containsExactlyElementsOf(instants("2026-07-01T04:00:00Z", "2026-07-02T04:00:00Z"));
        assertThat(daily.description()).isEqualTo("every day at 06:00 Europe/Berlin");
        assertThat(daily.kind()).isEqualTo(Schedule.Kind.CRON);
        assertThat(daily.zone()).contains(BERLIN);
    }

    @Test
    void nextIsStrictlyAfterFromEvenOnASlot() {
        Schedule daily = Schedule.cron("0 6 * * *", BERLIN);
        assertThat(daily.next(at("2026-01-01T05:00:00Z"))).contains(at("2026-01-02T05:00:00Z"));
        assertThat(daily.next(at("2026-01-01T04:59:59.999999999Z"))).contains(at("2026-01-01T05:00:00Z"));
        assertThat(daily.next(at("2026-01-01T05:00:00.000000001Z"))).contains(at("2026-01-02T05:00:00Z"));
        assertThat(daily.next(0, at("2026-01-01T00:00:00Z"))).isEmpty();
    }

    @Test
    void sixFieldsHaveSecondsFirst() {
        Schedule s = Schedule.cron("30 0 6 * * *", "UTC");
        assertThat(s.next(2, at("2026-01-01T00:00:00Z")))
                .containsExactlyElementsOf(instants("2026-01-01T06:00:30Z", "2026-01-02T06:00:30Z"));
        assertThat(s.description()).isEqualTo("every day at 06:00:30 UTC");
        assertThat(Schedule.cron("*/20 * * * * *", "UTC").next(3, at("2026-01-01T00:00:00Z")))
                .containsExactlyElementsOf(instants("2026-01-01T00:00:20Z", "2026-01-01T00:00:40Z", "2026-01-01T00:01:00Z"));
    }

    @Test
    void macrosAreTheirCronExpressions() {
        Instant from = at("2026-01-01T10:30:00Z");
        assertThat(Schedule.cron("@daily", "UTC").next(5, from)).isEqualTo(Schedule.cron("0 0 * * *", "UTC").next(5, from));
        assertThat(Schedule.cron("@midnight", "UTC").next(5, from)).isEqualTo(Schedule.cron("0 0 * * *", "UTC").next(5, from));
        assertThat(Schedule.cron("@hourly", "UTC").next(5, from)).isEqualTo(Schedule.cron("0 * * * *", "UTC").next(5, from));
        assertThat(Schedule.cron("@weekly", "UTC").next(5, from)).isEqualTo(Schedule.cron("0 0 * * 0", "UTC").next(5, from));
        assertThat(Schedule.cron("@monthly", "UTC").next(5, from)).isEqualTo(Schedule.cron("0 0 1 * *", "UTC").next(5, from));
        assertThat(Schedule.cron("@yearly", "UTC").next(2, from)).isEqualTo(Schedule.cron("0 0 1 1 *", "UTC").next(2, from));
        assertThat(Schedule.cron("@annually", "UTC").next(2, from))
                .containsExactlyElementsOf(instants("2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z"));
        assertThat(Schedule.cron("@weekly", "UTC").next(from)).contains(at("2026-01-04T00:00:00Z")); // a Sunday
        assertThat(Schedule.cron("@daily", BERLIN).description()).isEqualTo("every day at 00:00 Europe/Berlin");
        assertThat(Schedule.cron("@hourly", BERLIN).description()).isEqualTo("every hour at :00 Europe/Berlin");
        assertThat(Schedule.cron("@weekly", BERLIN).description()).isEqualTo("every Sunday at 00:00 Europe/Berlin");
        assertThat(Schedule.cron("@monthly", BERLIN).description()).isEqualTo("on day 1 of every month at 00:00 Europe/Berlin");
        assertThat(Schedule.cron("@yearly", BERLIN).description()).isEqualTo("every year on 1 January at 00:00 Europe/Berlin");
    }

    @Test
    void cronDescriptions() {
        assertThat(Schedule.cron("30 5 * * 1-5", NEW_YORK).description())
                .isEqualTo("every Monday to Friday at 05:30 America/New_York");
        assertThat(Schedule.cron("0 9 * * SAT,SUN", BERLIN).description()).isEqualTo("every Saturday and Sunday at 09:00 Europe/Berlin");
        assertThat(Schedule.cron("0 6,18 * * *", BERLIN).description()).isEqualTo("every day at 06:00 and 18:00 Europe/Berlin");
        assertThat(Schedule.cron("*/15 * * * *", BERLIN).description()).isEqualTo("every 15 minutes Europe/Berlin");
        assertThat(Schedule.cron("* * * * *", "UTC").description()).isEqualTo("every minute UTC");
        assertThat(Schedule.cron("15 */2 * * *", "UTC").description()).isEqualTo("every 2 hours at :15 UTC");
        assertThat(Schedule.cron("0 0 1,15 * *", "UTC").description()).isEqualTo("on days 1 and 15 of every month at 00:00 UTC");
        assertThat(Schedule.cron("0 12 * 7 *", "UTC").description()).isEqualTo("every day in July at 12:00 UTC");
        assertThat(Schedule.cron("0 0 13 * 5", BERLIN).description()).isEqualTo("cron '0 0 13 * 5' in Europe/Berlin");
    }

    @Test
    void dayOfMonthAndDayOfWeekTogetherMatchEitherAsInUnixCron() {
        // Friday 2 January 2026 (a Friday) and Tuesday 13 January (the 13th)
        assertThat(Schedule.cron("0 0 13 * 5", "UTC").next(3, at("2026-01-01T00:00:00Z")))
                .containsExactlyElementsOf(instants("2026-01-02T00:00:00Z", "2026-01-09T00:00:00Z", "2026-01-13T00:00:00Z"));
    }

    // Unix cron takes a day field for restricted only when it does not start with '*' (crontab(5)): with a step such
    // as */2 in one of them a day must match both. They used to match either: "0 0 */2 * MON" fired on every odd day
    // and every Monday.
    @Test
    void aDayFieldStartingWithAStarIsNotRestrictedSoBothDayFieldsMustMatch() {
        // Mondays of January 2026: 5, 12, 19, 26; of February: 2, 9
        assertThat(Schedule.cron("0 0 */2 * MON", "UTC").next(3, at("2026-01-01T00:00:00Z")))
                .containsExactlyElementsOf(instants("2026-01-05T00:00:00Z", "2026-01-19T00:00:00Z", "2026-02-09T00:00:00Z"));
        // Sunday, Tuesday, Thursday, Saturday among the first seven days: Thursday 1, Saturday 3, Sunday 4, Tuesday 6
        assertThat(Schedule.cron("0 0 1-7 * */2", "UTC").next(4, at("2025-12-31T00:00:00Z")))
                .containsExactlyElementsOf(instants("2026-01-01T00:00:00Z", "2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z",
                        "2026-01-06T00:00:00Z"));
        assertThat(Schedule.cron("0 30 9 */10 * FRI", "UTC").next(2, at("2026-01-01T00:00:00Z"))) // 6 fields: days 1, 11, 21, 31
                .containsExactlyElementsOf(instants("2026-05-01T09:30:00Z", "2026-07-31T09:30:00Z"));
        // a bare '*' in one field still leaves the other alone
        assertThat(Schedule.cron("0 0 * * MON", "UTC").next(1, at("2026-01-01T00:00:00Z")))
                .containsExactlyElementsOf(instants("2026-01-05T00:00:00Z"));
    }

    // --- the DST rule ---

    @Test
    void newYorkSpringForwardGapFiresAtTheFirstInstantAfterTheGap() {
        // 8 March 2026: 02:00 EST jumps to 03:00 EDT (07:00Z); 02:30 does not exist that night
        assertThat(Schedule.cron("30 2 * * *", NEW_YORK).next(3, at("2026-03-06T12:00:00Z")))
                .containsExactlyElementsOf(instants("2026-03-07T07:30:00Z", "2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z"));
        // times in the gap collapse into one slot with 03:00
        assertThat(Schedule.cron("*/15 * * * *", NEW_YORK).next(3, at("2026-03-08T06:40:00Z")))
                .containsExactlyElementsOf(instants("2026-03-08T06:45:00Z", "2026-03-08T07:00:00Z", "2026-03-08T07:15:00Z"));
    }

    @Test
    void newYorkFallBackOverlapFiresOnceAtTheEarlierOffset() {
        // 1 November 2026: 02:00 EDT falls back to 01:00 EST (06:00Z); 01:30 happens twice
        assertThat(Schedule.cron("30 1 * * *", NEW_YORK).next(3, at("2026-10-30T12:00:00Z")))
                .containsExactlyElementsOf(instants("2026-10-31T05:30:00Z", "2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"));
        assertThat(Schedule.cron("*/30 * * * *", NEW_YORK).next(3, at("2026-11-01T04:40:00Z")))
                .containsExactlyElementsOf(instants("2026-11-01T05:00:00Z", "2026-11-01T05:30:00Z", "2026-11-01T07:00:00Z"));
        // asked during the second 01:xx, the repeated times are not offered again
        assertThat(Schedule.cron("*/30 * * * *", NEW_YORK).next(at("2026-11-01T06:10:00Z"))).contains(at("2026-11-01T07:00:00Z"));
    }

    @Test
    void berlinGapAndOverlap() {
        Schedule s = Schedule.cron("30 2 * * *", BERLIN);
        // 29 March 2026: 02:00 CET → 03:00 CEST at 01:00Z
        assertThat(s.next(3, at("2026-03-27T12:00:00Z")))
                .containsExactlyElementsOf(instants("2026-03-28T01:30:00Z", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"));
        // 25 October 2026: 03:00 CEST → 02:00 CET at 01:00Z; 02:30 happens twice, fires at 00:30Z only
        assertThat(s.next(3, at("2026-10-23T12:00:00Z")))
                .containsExactlyElementsOf(instants("2026-10-24T00:30:00Z", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"));
    }

    @Test
    void lordHoweShiftsByThirtyMinutes() {
        // 4 October 2026: 02:00 (+10:30) → 02:30 (+11:00) at 15:30Z on the 3rd
        assertThat(Schedule.cron("15 2 * * *", LORD_HOWE).next(3, at("2026-10-02T00:00:00Z")))
                .containsExactlyElementsOf(instants("2026-10-02T15:45:00Z", "2026-10-03T15:30:00Z", "2026-10-04T15:15:00Z"));
        // 5 April 2026: 02:00 (+11:00) → 01:30 (+10:30) at 15:00Z on the 4th; 01:45 happens twice
        assertThat(Schedule.cron("45 1 * * *", LORD_HOWE).next(3, at("2026-04-03T00:00:00Z")))
                .containsExactlyElementsOf(instants("2026-04-03T14:45:00Z", "2026-04-04T14:45:00Z", "2026-04-05T15:15:00Z"));
    }

    @Test
    void saoPauloHadDaylightSavingUntil2019() {
        Schedule midnight = Schedule.cron("0 0 * * *", SAO_PAULO);
        // 4 November 2018: midnight (-03) jumped to 01:00 (-02); that day's midnight fires at 01:00 local
        assertThat(midnight.next(3, at("2018-11-02T12:00:00Z")))
                .containsExactlyElementsOf(instants("2018-11-03T03:00:00Z", "2018-11-04T03:00:00Z", "2018-11-05T02:00:00Z"));
        // the rule was abolished: 3 November 2019 is an ordinary day
        assertThat(midnight.next(3, at("2019-11-02T12:00:00Z")))
                .containsExactlyElementsOf(instants("2019-11-03T03:00:00Z", "2019-11-04T03:00:00Z", "2019-11-05T03:00:00Z"));
        // 17 February 2019: midnight (-02) fell back to 23:00 on the 16th (-03); 23:30 fires once, at -02
        assertThat(Schedule.cron("30 23 * * *", SAO_PAULO).next(3, at("2019-02-15T12:00:00Z")))
                .containsExactlyElementsOf(instants("2019-02-16T01:30:00Z", "2019-02-17T01:30:00Z", "2019-02-18T02:30:00Z"));
    }

    @Test
    void apiaSkippedADay() {
        // Samoa moved across the date line: 29 December 2011 (-10) was followed by 31 December (+14)
        assertThat(Schedule.cron("0 6 * * *", APIA).next(4, at("2011-12-28T00:00:00Z")))
                .containsExactlyElementsOf(instants("2011-12-28T16:00:00Z", "2011-12-29T16:00:00Z",
                        "2011-12-30T10:00:00Z", "2011-12-30T16:00:00Z"));
    }

    // --- RRULE ---

    @Test
    void rruleWeekends() {
        Schedule weekends = Schedule.rrule("FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=9", BERLIN);
        assertThat(weekends.next(4, at("2026-01-01T00:00:00Z")))
                .containsExactlyElementsOf(instants("2026-01-03T08:00:00Z", "2026-01-04T08:00:00Z",
                        "2026-01-10T08:00:00Z", "2026-01-11T08:00:00Z"));
        assertThat(weekends.next(2, at("2026-07-01T00:00:00Z")))
                .containsExactlyElementsOf(instants("2026-07-04T07:00:00Z", "2026-07-05T07:00:00Z"));
        assertThat(weekends.description()).isEqualTo("weekly on Saturday and Sunday at 09:00 Europe/Berlin");
        assertThat(Schedule.rrule("RRULE:FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=9", "Europe/Berlin").next(4, at("2026-01-01T00:00:00Z")))
                .isEqualTo(weekends.next(4, at("2026-01-01T00:00:00Z")));
    }

    @Test
    void rruleShapes() {
        Schedule lastFriday = Schedule.rrule("FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=17", NEW_YORK);
        assertThat(lastFriday.next(3, at("2026-01-01T00:00:00Z")))
                .containsExactlyElementsOf(instants("2026-01-30T22:00:00Z", "2026-02-27T22:00:00Z", "2026-03-27T21:00:00Z"));
        assertThat(lastFriday.description()).isEqualTo("monthly on the last Friday at 17:00 America/New_York");
        assertThat(Schedule.rrule("FREQ=DAILY;INTERVAL=2;BYHOUR=6,18", "UTC").description())
                .isEqualTo("every 2 days at 06:00 and 18:00 UTC");
        assertThat(Schedule.rrule("FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=1;BYHOUR=8;BYMINUTE=15", "UTC").description())
                .isEqualTo("yearly on day 1 in March at 08:15 UTC");
        assertThat(Schedule.rrule("FREQ=HOURLY;INTERVAL=6", "UTC").next(3, at("2026-01-01T01:00:00Z")))
                .containsExactlyElementsOf(instants("2026-01-01T06:00:00Z", "2026-01-01T12:00:00Z", "2026-01-01T18:00:00Z"));
        assertThat(Schedule.rrule("FREQ=MINUTELY;INTERVAL=7", "UTC").next(2, at("2026-01-01T00:00:00Z")))
                .as("every 7 minutes counted from 1970-01-01T00:00, 29,453,760 minutes (a multiple of 7) before")
                .containsExactlyElementsOf(instants("2026-01-01T00:07:00Z", "2026-01-01T00:14:00Z"));
        assertThat(Schedule.rrule("FREQ=MINUTELY;INTERVAL=7", "UTC").next(1, at("2026-01-01T00:01:00Z")))
                .containsExactlyElementsOf(instants("2026-01-01T00:07:00Z"));
        assertThat(Schedule.rrule("FREQ=YEARLY;BYWEEKNO=1", "UTC").description()).isEqualTo("RRULE 'FREQ=YEARLY;BYWEEKNO=1' in UTC");
    }

    @Test
    void rruleAnchorCountAndUntil() {
        Schedule three = Schedule.rrule("FREQ=DAILY;COUNT=3", "UTC").anchoredAt(at("2026-01-01T06:00:00Z"));
        assertThat(three.next(5, at("2025-06-01T00:00:00Z")))
                .containsExactlyElementsOf(instants("2026-01-01T06:00:00Z", "2026-01-02T06:00:00Z", "2026-01-03T06:00:00Z"));
        assertThat(three.next(5, at("2026-01-03T06:00:00Z"))).isEmpty();
        assertThat(three.description()).isEqualTo("every day at 06:00 UTC from 2026-01-01T06:00, 3 times");
        assertThat(three.anchor()).contains(at("2026-01-01T06:00:00Z"));

        Schedule untilUtc = Schedule.rrule("FREQ=DAILY;BYHOUR=6;UNTIL=20260103T000000Z", "UTC");
        assertThat(untilUtc.next(5, at("2025-12-31T12:00:00Z")))
                .containsExactlyElementsOf(instants("2026-01-01T06:00:00Z", "2026-01-02T06:00:00Z"));
        Schedule untilDate = Schedule.rrule("FREQ=DAILY;BYHOUR=6;UNTIL=20260102", BERLIN);
        assertThat(untilDate.next(5, at("2025-12-31T12:00:00Z")))
                .containsExactlyElementsOf(instants("2026-01-01T05:00:00Z", "2026-01-02T05:00:00Z"));
        // a bare weekly rule takes its weekday and time from the start
        Schedule weekly = Schedule.rrule("FREQ=WEEKLY", BERLIN).anchoredAt(at("2026-01-05T08:30:00Z")); // Monday 09:30 CET
        assertThat(weekly.next(2, at("2026-01-01T00:00:00Z")))
                .containsExactlyElementsOf(instants("2026-01-05T08:30:00Z", "2026-01-12T08:30:00Z"));
        assertThat(weekly.description()).isEqualTo("weekly on Monday at 09:30 Europe/Berlin from 2026-01-05T09:30");
    }

    @Test
    void rruleFollowsTheDstRule() {
        // Sundays at 02:30 in New York: 8 March 2026 has no 02:30, 1 November has two
        Schedule s = Schedule.rrule("FREQ=WEEKLY;BYDAY=SU;BYHOUR=2;BYMINUTE=30", NEW_YORK);
        assertThat(s.next(2, at("2026-03-01T12:00:00Z")))
                .containsExactlyElementsOf(instants("2026-03-08T07:00:00Z", "2026-03-15T06:30:00Z"));
        Schedule t = Schedule.rrule("FREQ=WEEKLY;BYDAY=SU;BYHOUR=1;BYMINUTE=30", NEW_YORK);
        assertThat(t.next(2, at("2026-10-26T12:00:00Z")))
                .containsExactlyElementsOf(instants("2026-11-01T05:30:00Z", "2026-11-08T06:30:00Z"));
    }

    // --- interval ---

    @Test
    void intervalFromAnAnchor() {
        Schedule quarter = Schedule.interval(Duration.ofMinutes(15)).anchoredAt(at("2026-01-01T00:00:00Z"));
        assertThat(quarter.description()).isEqualTo("every 15 minutes from 2026-01-01T00:00Z");
        assertThat(quarter.next(3, at("2025-12-31T00:00:00Z")))
                .containsExactlyElementsOf(instants("2026-01-01T00:00:00Z", "2026-01-01T00:15:00Z", "2026-01-01T00:30:00Z"));
        assertThat(quarter.next(2, at("2026-01-01T00:15:00Z")))
                .containsExactlyElementsOf(instants("2026-01-01T00:30:00Z", "2026-01-01T00:45:00Z"));
        assertThat(quarter.zone()).isEmpty();
        assertThat(quarter.expression()).isEqualTo("PT15M");
    }

    @Test
    void intervalCountsElapsedTimeAcrossDaylightSaving() {
        Schedule hourly = Schedule.interval(Duration.ofHours(1));
        assertThat(hourly.description()).isEqualTo("every hour");
        assertThat(hourly.next(3, at("2026-03-08T05:30:00Z")))
                .containsExactlyElementsOf(instants("2026-03-08T06:00:00Z", "2026-03-08T07:00:00Z", "2026-03-08T08:00:00Z"));
        assertThat(Schedule.interval(Duration.ofDays(2)).description()).isEqualTo("every 2 days");
        assertThat(Schedule.interval(Duration.ofSeconds(90)).description()).isEqualTo("every 90 seconds");
        assertThat(Schedule.interval(Duration.ofMillis(1500)).description()).isEqualTo("every 1500 milliseconds");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Schedule.interval(Duration.ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("interval must be at least 1 second, was PT0.001S");
        // "a schedule that cannot fire is refused when it is made": one whose first slot lies past year 9999 too
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Schedule.interval(Duration.ofSeconds(Long.MAX_VALUE)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("never fire");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Schedule.interval(Duration.ofDays(366L * 8100)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("after year 9999");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Schedule.interval(Duration.ofHours(1))
                .anchoredAt(Instant.parse("+10000-01-01T00:00:00Z"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("never fires");
        Schedule centuries = Schedule.interval(Duration.ofDays(365L * 500)); // far, but it fires
        assertThat(centuries.next(1, at("2026-01-01T00:00:00Z"))).hasSize(1);
    }

    /**
     * {@code next} from any instant: past the last year a wall clock reads (Instant.MAX) a cron or RRULE schedule has no
     * slot, as an interval has none (they threw a DateTimeException); before year 1 a cron schedule fires as in any
     * year (cron-utils went on from year 0, or found nothing, which read as "the schedule has ended"); an RRULE fires
     * from its start however far back {@code from} is.
     */
    @Test
    void nextFromInstantsFarInThePastOrTheFuture() {
        Schedule daily = Schedule.cron("0 6 * * *", "UTC");
        Schedule weekends = Schedule.rrule("FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=9", BERLIN);
        Schedule hourly = Schedule.interval(Duration.ofHours(1));
        for (Schedule s : List.of(daily, weekends, hourly)) {
            assertThat(s.next(2, Instant.MAX)).as("%s", s).isEmpty();
            assertThat(s.next(Instant.MAX)).as("%s", s).isEmpty();
        }
        assertThat(daily.next(2, at("-0001-06-01T00:00:00Z")))
                .containsExactlyElementsOf(instants("-0001-06-01T06:00:00Z", "-0001-06-02T06:00:00Z"));
        assertThat(daily.next(1, at("-1000-12-31T07:00:00Z"))).containsExactlyElementsOf(instants("-0999-01-01T06:00:00Z"));
        assertThat(Schedule.cron("0 0 29 * MON", "UTC").next(1, at("-0400-01-01T00:00:00Z")))
                .as("a 29th or a Monday, 400 years before 0001")
                .containsExactlyElementsOf(instants("-0400-01-03T00:00:00Z"));
        assertThat(daily.next(1, Instant.MIN)).singleElement().satisfies(t -> assertThat(t).isAfter(Instant.MIN));
        assertThat(weekends.next(2, Instant.MIN)).isEqualTo(weekends.next(2, at("1960-01-01T00:00:00Z")))
                .containsExactlyElementsOf(instants("1970-01-03T08:00:00Z", "1970-01-04T08:00:00Z"));
        assertThat(hourly.next(1, Instant.MIN)).containsExactly(Instant.EPOCH);
        assertThat(daily.next(2, at("9999-12-31T00:00:00Z")))
                .containsExactlyElementsOf(instants("9999-12-31T06:00:00Z", "+10000-01-01T06:00:00Z"));
    }

    @Test
    void oneScheduleServesManyThreads() throws Exception {
        List<Schedule> schedules = List.of(Schedule.rrule("FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=9", BERLIN),
                Schedule.cron("*/15 * * * *", NEW_YORK), Schedule.interval(Duration.ofMinutes(7)));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (Schedule s : schedules) {
                List<Instant> expected = s.next(200, at("2026-01-01T00:00:00Z"));
                List<Future<List<Instant>>> results = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    results.add(pool.submit(() -> s.next(200, at("2026-01-01T00:00:00Z"))));
                }
                for (Future<List<Instant>> r : results) {
                    assertThat(r.get()).isEqualTo(expected);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // --- text form ---

    @Test
    void textFormRoundTrips() {
        List<Schedule> all = List.of(
                Schedule.cron("0 6 * * *", BERLIN),
                Schedule.cron("@weekly", NEW_YORK),
                Schedule.cron("30 0 6 * * MON-FRI", "UTC"),
                Schedule.rrule("FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=9", BERLIN),
                Schedule.rrule("FREQ=DAILY;COUNT=3", "UTC").anchoredAt(at("2026-01-01T06:00:00Z")),
                Schedule.interval(Duration.ofMinutes(15)),
                Schedule.interval(Duration.ofMinutes(15)).anchoredAt(at("2026-01-01T00:00:00Z")));
        for (Schedule s : all) {
            Schedule back = Schedule.parse(s.toString());
            assertThat(back).isEqualTo(s).hasSameHashCodeAs(s);
            assertThat(back.next(5, at("2026-01-01T00:00:00Z"))).isEqualTo(s.next(5, at("2026-01-01T00:00:00Z")));
        }
        assertThat(Schedule.cron("0 6 * * *", BERLIN).toString()).isEqualTo("cron 0 6 * * * in Europe/Berlin");
        assertThat(Schedule.interval(Duration.ofMinutes(15)).anchoredAt(at("2026-01-01T00:00:00Z")).toString())
                .isEqualTo("interval PT15M from 2026-01-01T00:00:00Z");
        assertThat(Schedule.cron("0  6 * * * ", BERLIN)).isEqualTo(Schedule.cron("0 6 * * *", BERLIN));
        assertThat(Schedule.cron("0 6 * * *", BERLIN)).isNotEqualTo(Schedule.cron("0 6 * * *", NEW_YORK));
    }

    // --- bad input ---

    @Test
    void badInputIsRefusedWhenTheScheduleIsMade() {
        assertThatThrownBy(() -> Schedule.cron("0 0 30 2 *", BERLIN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'0 0 30 2 *' never fires");
        assertThatThrownBy(() -> Schedule.cron("0 0 31 4 *", BERLIN)).hasMessageContaining("never fires");
        assertThatThrownBy(() -> Schedule.cron("0 6 * *", BERLIN))
                .hasMessage("cron expression '0 6 * *' has 4 fields; expected 5 (minute hour day-of-month month day-of-week) or 6 (second first)");
        assertThatThrownBy(() -> Schedule.cron("61 * * * *", BERLIN)).hasMessageStartingWith("invalid cron expression '61 * * * *': ");
        assertThatThrownBy(() -> Schedule.cron("@reboot", BERLIN)).hasMessageContaining("unknown cron macro '@reboot'");
        assertThatThrownBy(() -> Schedule.cron(" ", BERLIN)).hasMessage("cron expression must not be blank");
        assertThatThrownBy(() -> Schedule.cron("0 6 * * *", "Europe/Berln"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown time zone 'Europe/Berln'; did you mean Europe/Berlin?");
        assertThatThrownBy(() -> Schedule.rrule("FREQ=DAILY", "Mars/Olympus_Mons")).hasMessageStartingWith("unknown time zone 'Mars/Olympus_Mons'");
        assertThatThrownBy(() -> Schedule.rrule("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", BERLIN))
                .hasMessageStartingWith("RRULE 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30' yields no occurrence");
        assertThatThrownBy(() -> Schedule.rrule("FREQ=DAILY;UNTIL=19690101T000000", BERLIN)).hasMessageContaining("yields no occurrence");
        assertThatThrownBy(() -> Schedule.rrule("FREQ=DAILY;BYHOUR=25", BERLIN)).hasMessageStartingWith("invalid RRULE 'FREQ=DAILY;BYHOUR=25': ");
        assertThatThrownBy(() -> Schedule.rrule("FREQ=SOMETIMES", BERLIN)).hasMessageStartingWith("invalid RRULE");
        assertThatThrownBy(() -> Schedule.rrule("FREQ=DAILY;UNTIL=tomorrow", BERLIN)).hasMessageContaining("UNTIL 'tomorrow' is not a date");
        // RFC 5545 forbids both; the rule was taken and ended after 3 days of 1970 whatever UNTIL said
        assertThatThrownBy(() -> Schedule.rrule("FREQ=DAILY;COUNT=3;UNTIL=20300101", BERLIN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid RRULE 'FREQ=DAILY;COUNT=3;UNTIL=20300101': COUNT and UNTIL must not both be given");
        assertThatThrownBy(() -> Schedule.rrule("FREQ=DAILY;UNTIL=20300101;UNTIL=20310101", BERLIN))
                .hasMessageContaining("UNTIL appears twice");
        assertThatThrownBy(() -> Schedule.interval(Duration.ZERO)).hasMessage("interval must be positive, was PT0S");
        assertThatThrownBy(() -> Schedule.interval(Duration.ofMinutes(-5))).hasMessage("interval must be positive, was PT-5M");
        assertThatThrownBy(() -> Schedule.cron("0 6 * * *", BERLIN).anchoredAt(Instant.EPOCH))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("a cron schedule has no anchor");
        assertThatThrownBy(() -> Schedule.cron("0 6 * * *", BERLIN).next(-1, Instant.EPOCH)).hasMessage("n must be between 0 and 100000, was -1");
        assertThatThrownBy(() -> Schedule.parse("every day")).hasMessageStartingWith("cannot read schedule 'every day'");
        assertThatThrownBy(() -> Schedule.parse("cron 0 6 * * *")).hasMessageContaining("needs ' in <zone>'");
    }
}
