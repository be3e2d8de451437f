package dev.sluice.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.State;
import dev.sluice.history.StateCount;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChartsTest {
    @Test
    void barsStackByStateInTheirBucket() {
        Instant from = Instant.parse("2026-12-01T00:00:00Z");
        String svg = Charts.activity("c", List.of(new StateCount(from.plus(Duration.ofHours(3)), State.COMPLETED, 8),
                new StateCount(from.plus(Duration.ofHours(3)), State.FAILED, 2),
                new StateCount(from.plus(Duration.ofHours(30)), State.FAILED, 1)), from, Duration.ofHours(1), 24, "x<y");
        assertThat(svg).startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"c\"").contains("aria-label=\"x&lt;y\"");
        assertThat(svg).contains("data-state=\"COMPLETED\" data-count=\"8\"").contains("data-state=\"FAILED\" data-count=\"2\"");
        assertThat(svg).doesNotContain("data-count=\"1\""); // outside the 24 buckets
        assertThat(svg).contains("x=\"61.0\""); // bucket 3 of 24 on 480 units
    }

    @Test
    void theStatesOfAShortRunFollowEachOtherWithoutAGapAndFillTheTimeline() {
        // a run of a few milliseconds (most are): its times were cut to whole milliseconds, so the segments drifted apart
        // (PENDING 0-300, RUNNING 300-500, FAILED at 598: a gap as if no state had held for a third of the run)
        Instant t0 = Instant.parse("2026-12-01T19:15:15.802065Z");
        List<dev.sluice.StateChange> changes = List.of(new dev.sluice.StateChange(State.PENDING, t0, null),
                new dev.sluice.StateChange(State.RUNNING, Instant.parse("2026-12-01T19:15:15.805982Z"), null),
                new dev.sluice.StateChange(State.FAILED, Instant.parse("2026-12-01T19:15:15.808154Z"), "boom"));
        String svg = Charts.stateTimeline(changes, Instant.parse("2026-12-01T19:15:15.808154Z"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<rect x=\"([0-9.]+)\" y=\"2\" width=\"([0-9.]+)\"").matcher(svg);
        List<double[]> rects = new java.util.ArrayList<>();
        while (m.find()) {
            rects.add(new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))});
        }
        assertThat(rects).hasSize(3);
        assertThat(rects.get(0)[0]).isEqualTo(0.0);
        for (int i = 1; i < rects.size(); i++) {
            // no gap: each segment starts where the one before ends (the terminal state, at the very end, a sliver over it)
            assertThat(rects.get(i)[0]).as("segment %d starts where %d ends", i, i - 1)
                    .isLessThanOrEqualTo(rects.get(i - 1)[0] + rects.get(i - 1)[1] + 0.2);
        }
        double[] last = rects.get(2);
        assertThat(last[0] + last[1]).isGreaterThanOrEqualTo(599.9); // the terminal state reaches the end
        assertThat(rects.get(0)[1]).isCloseTo(600 * 3.917 / 6.089, org.assertj.core.data.Offset.offset(0.2));
        assertThat(rects.get(1)[0] + rects.get(1)[1]).isCloseTo(600, org.assertj.core.data.Offset.offset(0.2));
    }

    @Test
    void textIsEscaped() {
        assertThat(Charts.esc("<a href='x'>&\"")).isEqualTo("&lt;a href=&#39;x&#39;&gt;&amp;&quot;");
    }

    @Test
    void durationsReadLikePeopleWriteThem() {
        assertThat(Fmt.duration(Duration.ofMillis(850))).isEqualTo("850 ms");
        assertThat(Fmt.duration(Duration.ofMillis(12_340))).isEqualTo("12.3 s");
        assertThat(Fmt.duration(Duration.ofSeconds(245))).isEqualTo("4 min 5 s");
        assertThat(Fmt.duration(Duration.ofMinutes(123))).isEqualTo("2 h 3 min");
        assertThat(Fmt.cut("abcdef", 4)).isEqualTo("abc…");
    }
}
