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
