package dev.sluice.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RunJsonTest {
    @Test
    void timesAreWrittenAsInstantToStringWritesThem() {
        Random random = new Random(17);
        for (int i = 0; i < 100_000; i++) {
            long seconds = random.nextLong(0, 253_402_300_800L);
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant t = Instant.ofEpochSecond(seconds, nanos);
            assertThat(RunJson.iso(t)).isEqualTo(t.toString());
        }
        assertThat(RunJson.iso(Instant.parse("1969-12-31T23:59:59Z"))).isEqualTo("1969-12-31T23:59:59Z");
        assertThat(RunJson.iso(Instant.EPOCH)).isEqualTo("1970-01-01T00:00:00Z");
    }

    @Test
    void serverTimingIsMilliseconds() {
        assertThat(Web.serverTiming(1_234_567)).isEqualTo("app;dur=1.234");
        assertThat(Web.serverTiming(5_000)).isEqualTo("app;dur=0.005");
        assertThat(Web.serverTiming(12_050_000)).isEqualTo("app;dur=12.050");
    }
}
