package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Flow;
import dev.sluice.cli.CliTest.Result;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.scheduler.Deployment;
import dev.sluice.scheduler.DeploymentClient;
import dev.sluice.scheduler.DeploymentRun;
import dev.sluice.scheduler.RunStatus;
import dev.sluice.scheduler.Worker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice runs show ID} of a deployment's run that ended before any flow run started (cancelled while it waited,
 * or its parameters no longer fit the redeployed flow) says it ended and why, rather than that it has "no flow run
 * yet" and that {@code --follow} would wait for one that never comes.
 */
class RunWithoutFlowRunCliTest {
    @TempDir
    Path home;

    record V1(String city) {
    }

    record V2(String town) {
    }

    static final Flow<V1, String> V1_FLOW = Flow.of("redeployed", (V1 p) -> "v1 " + p.city());
    static final Flow<V2, String> V2_FLOW = Flow.of("redeployed", (V2 p) -> "v2 " + p.town());

    Result run(String... args) {
        return CliTest.run(home, Map.of(), false, "", args);
    }

    @Test
    void aRunThatEndedWithoutAFlowRunSaysHowItEndedAndWhy() throws Exception {
        HistoryDatabase db = HistoryDatabase.sqlite(home.resolve("sluice.db"));
        dev.sluice.history.History.open(db).close();
        try (Worker first = Worker.builder(db).deployments(Deployment.of(V1_FLOW, V1.class)).start()) {
            assertThat(first.client().deployment("redeployed")).isPresent();
        }
        String cancelled;
        String stale;
        try (DeploymentClient client = DeploymentClient.open(db)) {
            cancelled = client.trigger("redeployed", Map.of("city", "Oslo"));
            assertThat(client.cancel(cancelled)).isTrue();
            stale = client.trigger("redeployed", Map.of("city", "Rome"));
        }
        try (Worker second = Worker.builder(db).pollingInterval(Duration.ofMillis(20)).deployments(Deployment.of(V2_FLOW, V2.class))
                .start()) {
            DeploymentRun failed = second.client().awaitFinished(stale, Duration.ofSeconds(20)).orElseThrow();
            assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
            assertThat(failed.flowRunId()).isNull();
        }

        Result show = run("runs", "show", stale);
        assertThat(show.code()).as(show.err()).isEqualTo(SluiceCli.NOT_FOUND);
        assertThat(show.err()).contains("deployment redeployed", "ended FAILED", "without a flow run", "town: required, but missing")
                .doesNotContain("yet", "--follow");
        Result showCancelled = run("runs", "show", cancelled);
        assertThat(showCancelled.code()).isEqualTo(SluiceCli.NOT_FOUND);
        assertThat(showCancelled.err()).contains("ended CANCELLED", "without a flow run", "cancelled before it started")
                .doesNotContain("yet", "--follow");
        // runs logs takes the id as runs show does: no lines will ever come, which is no success
        for (String[] args : new String[][] {{"runs", "logs", stale}, {"runs", "logs", stale, "--follow"},
                {"runs", "logs", cancelled, "--follow", "--json"}}) {
            Result logs = run(args);
            assertThat(logs.code()).as(String.join(" ", args) + ": " + logs.all()).isEqualTo(SluiceCli.NOT_FOUND);
            assertThat(logs.err()).contains("deployment redeployed", "without a flow run").doesNotContain("yet");
            assertThat(logs.out()).isEmpty();
        }
    }
}
