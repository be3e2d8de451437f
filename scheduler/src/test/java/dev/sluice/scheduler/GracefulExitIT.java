package dev.sluice.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.State;
import dev.sluice.history.FlowRunDetail;
import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.history.TaskRunQuery;
import dev.sluice.history.TaskRunSummary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker JVM sent SIGTERM while it runs two deployments ({@code Sluice.serve}, grace 3 s): the run that
 * ends within the grace is COMPLETED in the scheduler and in the run history, every task run of it recorded;
 * the one that does not is handed back and its flow run recorded CANCELLED, not left to be found CRASHED.
 * The history the worker writes to is closed after its runs, not by a shutdown hook of its own beside them.
 */
class GracefulExitIT {
    @TempDir
    Path dir;

    @Test
    void aWorkerStoppedBySigtermRecordsTheEndOfEveryRunItHad() throws Exception {
        HistoryDatabase db = HistoryDatabase.sqlite(dir.resolve("sluice.db"));
        ScaleOutIT.Child child = ScaleOutIT.start(db, "graceful");
        List<ScaleOutIT.Child> children = List.of(child);
        String brief;
        String sleepy;
        try (DeploymentClient client = DeploymentClient.open(db)) {
            ScaleOutIT.await("the worker to register", Duration.ofSeconds(60),
                    () -> client.deployment("brief").isPresent() && client.workers(Duration.ofMinutes(1)).size() == 1, children);
            brief = client.trigger("brief");
            sleepy = client.trigger("sleepy");
            ScaleOutIT.await("both runs to start", Duration.ofSeconds(30), () -> client.run(brief).orElseThrow().status()
                    == RunStatus.RUNNING && client.run(sleepy).orElseThrow().status() == RunStatus.RUNNING, children);
            child.process.destroy(); // SIGTERM
            assertThat(child.process.waitFor(60, TimeUnit.SECONDS)).as(child.output()).isTrue();

            DeploymentRun done = client.run(brief).orElseThrow();
            assertThat(done.status()).as(child.output()).isEqualTo(RunStatus.COMPLETED);
            DeploymentRun handedBack = client.run(sleepy).orElseThrow();
            assertThat(handedBack.status()).as(child.output()).isEqualTo(RunStatus.SCHEDULED);
            assertThat(child.output()).doesNotContain("lost");

            try (History history = History.open(db)) {
                FlowRunDetail completed = history.flowRun(done.flowRunId()).orElseThrow();
                assertThat(completed.run().state()).isEqualTo(State.COMPLETED);
                List<TaskRunSummary> steps = history.taskRuns(TaskRunQuery.all().inFlowRun(done.flowRunId())).items();
                assertThat(steps).hasSize(5).allMatch(t -> t.state() == State.COMPLETED);
                String interrupted = history.flowRuns(dev.sluice.history.FlowRunQuery.all().flowName("sleepy")).items().get(0).id();
                assertThat(history.flowRun(interrupted).orElseThrow().run().state()).isEqualTo(State.CANCELLED);
            }
        } finally {
            child.process.destroyForcibly();
        }
    }
}
