package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Flow;
import dev.sluice.RunContext;
import dev.sluice.SluiceRuntime;
import dev.sluice.cli.CliTest.Result;
import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text the command did not write (log lines of a run, ids and names typed by a user, a mistyped command) reaches the
 * terminal without escape codes, and an error stays one line on standard error, as docs/cli.md says.
 */
class CliHostileTextTest {
    @TempDir
    Path home;

    private String failedRun() {
        try (History history = History.open(HistoryDatabase.sqlite(home.resolve("sluice.db")));
                SluiceRuntime runtime = SluiceRuntime.builder().home(home).recorder(history.recorder()).withoutExtensions().build()) {
            String id = runtime.runForState(Flow.of("quoting", (String s) -> {
                RunContext.logger().info("the API answered \u001b]0;pwned\u0007\u001b[2J{}", s);
                throw new IllegalStateException("the API said \u001b[31mno\u001b[0m");
            }), "x").id();
            history.flush();
            return id;
        }
    }

    @Test
    void runsLogsSendsNoEscapeCodeOfALogLineOrItsErrorToTheTerminal() {
        String id = failedRun();

        Result r = CliTest.run(home, Map.of("NO_COLOR", "1"), false, "", "runs", "logs", id);

        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.out()).contains("the API answered", "the API said", "IllegalStateException")
                .doesNotContain("\u001b", "\u0007");
        // a stack trace keeps its lines
        assertThat(r.out().lines().filter(l -> l.strip().startsWith("at ")).count()).isPositive();
        // --json keeps the text as it was, escaped as JSON
        Result json = CliTest.run(home, Map.of("NO_COLOR", "1"), false, "", "runs", "logs", id, "--json");
        assertThat(json.out()).contains("\\u001B[2J");
    }

    @Test
    void deploymentsRunWaitPrintsTheEndOfARunWhoseErrorQuotesEscapeCodesWithoutThem() {
        HistoryDatabase db = HistoryDatabase.sqlite(home.resolve("sluice.db"));
        History.open(db).close();
        dev.sluice.Flow0<String> quoting = Flow.of("quoting-deployed", () -> {
            throw new IllegalStateException("the API said \u001b]0;pwned\u0007\u001b[31mno\nsecond line");
        });
        try (dev.sluice.scheduler.Worker worker = dev.sluice.scheduler.Worker.builder(db)
                .deployments(java.util.List.of(dev.sluice.scheduler.Deployment.of(quoting).withName("quoting")))
                .pollingInterval(java.time.Duration.ofMillis(50)).start()) {
            Result r = CliTest.run(home, Map.of("NO_COLOR", "1"), false, "", "deployments", "run", "quoting", "--wait",
                    "--timeout", "60s");

            assertThat(r.code()).as(r.all()).isEqualTo(SluiceCli.FAILED);
            assertThat(r.out()).contains("FAILED", "the API said").doesNotContain("\u001b", "\u0007");
            assertThat(r.out().lines().count()).as(r.out()).isEqualTo(2); // the run's id, then how it ended
        }
    }

    @Test
    void anErrorNamingWhatTheUserTypedIsOneLineWithoutEscapeCodes() {
        failedRun();

        Result show = CliTest.run(home, Map.of(), false, "", "runs", "show", "\u001b[31mX\nY");
        assertThat(show.code()).isEqualTo(3);
        assertThat(show.err()).contains("no flow run or task run has id").doesNotContain("\u001b");
        assertThat(show.err().lines().count()).as(show.err()).isEqualTo(1);

        Result block = CliTest.run(home, Map.of(), false, "", "blocks", "show", "\u001b[2J");
        assertThat(block.code()).isEqualTo(3);
        assertThat(block.err()).doesNotContain("\u001b");

        Result option = CliTest.run(home, Map.of(), false, "", "runs", "ls", "--flow", "x", "\u001b[2J\nmore");
        assertThat(option.code()).isEqualTo(2);
        assertThat(option.err()).doesNotContain("\u001b");
        assertThat(option.err().lines().count()).as(option.err()).isEqualTo(2); // the error, then "Try ... --help"
    }

    @Test
    void aMistypedCommandOrOptionIsNamedWithWhatWasMeant() {
        Result command = CliTest.run(home, Map.of(), false, "", "rusn", "ls");
        assertThat(command.code()).isEqualTo(2);
        assertThat(command.err()).contains("unknown command 'rusn'", "runs").doesNotContain("index");

        Result sub = CliTest.run(home, Map.of(), false, "", "runs", "lss");
        assertThat(sub.code()).isEqualTo(2);
        assertThat(sub.err()).contains("unknown command 'lss'", "ls").doesNotContain("index");

        Result extra = CliTest.run(home, Map.of(), false, "", "runs", "show", "some-id", "extra");
        assertThat(extra.code()).isEqualTo(2);
        assertThat(extra.err()).contains("sluice runs show takes ID and options only; unexpected: 'extra'").doesNotContain("index");

        Result option = CliTest.run(home, Map.of(), false, "", "runs", "ls", "--flw", "nightly");
        assertThat(option.code()).isEqualTo(2);
        assertThat(option.err()).contains("--flw", "--flow");
    }
}
