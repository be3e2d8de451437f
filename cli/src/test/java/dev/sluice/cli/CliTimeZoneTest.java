package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Flow;
import dev.sluice.SluiceRuntime;
import dev.sluice.cli.CliTest.Result;
import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dates on the command line are days of the zone the tables show times in: this machine's ({@code TZ}). */
class CliTimeZoneTest {
    @TempDir
    Path home;

    @Test
    void sinceADateTakesTheDayTheTableShowsTheRunStartedOn() {
        // 00:30 on 1 December in Berlin, still 30 November in UTC
        Instant start = Instant.parse("2026-11-30T23:30:00Z");
        try (History history = History.open(HistoryDatabase.sqlite(home.resolve("sluice.db")));
                SluiceRuntime runtime = SluiceRuntime.builder().home(home).recorder(history.recorder()).withoutExtensions()
                        .clock(Clock.fixed(start, ZoneOffset.UTC)).build()) {
            runtime.runForState(Flow.of("midnight-job", (Integer n) -> n), 1);
            history.flush();
        }
        TimeZone before = TimeZone.getDefault();
        try {
            TimeZone.setDefault(TimeZone.getTimeZone("Europe/Berlin"));
            Result all = CliTest.run(home, Map.of(), false, "", "runs", "ls");
            assertThat(all.out()).contains("midnight-job", "2026-12-01 00:30:00");
            Result since = CliTest.run(home, Map.of(), false, "", "runs", "ls", "--since", "2026-12-01");
            assertThat(since.out()).as("the run the table shows started on 1 December").contains("midnight-job");
            Result local = CliTest.run(home, Map.of(), false, "", "runs", "ls", "--since", "2026-12-01T00:45");
            assertThat(local.out()).as("a time without a zone is one of the table's").startsWith("No flow runs match.");

            TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
            Result utc = CliTest.run(home, Map.of(), false, "", "runs", "ls", "--since", "2026-12-01");
            assertThat(utc.out()).as("in UTC it started on 30 November").startsWith("No flow runs match.");
        } finally {
            TimeZone.setDefault(before);
        }
    }
}
