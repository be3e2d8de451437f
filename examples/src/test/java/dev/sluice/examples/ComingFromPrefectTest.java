package dev.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The README's Prefect walkthrough runs from start to end: flows, blocks, schedules, a served deployment, the server, queries. */
@Timeout(180)
class ComingFromPrefectTest {
    @Test
    void theWalkthroughRuns() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            ComingFromPrefect.main(new String[0]);
        } finally {
            System.setOut(original);
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("average in Boston: 11.5",
                "every Monday to Friday at 06:00 America/New_York", "weekly on Saturday and Sunday at 09:00 Europe/Berlin",
                "manual run: COMPLETED", "for operator").containsPattern("backfill: [1-9] run")
                .containsPattern("completed weather reports today: [1-9]");
    }
}
