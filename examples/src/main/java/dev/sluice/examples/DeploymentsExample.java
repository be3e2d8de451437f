package dev.sluice.examples;

import dev.sluice.Flow;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.scheduler.CatchUp;
import dev.sluice.scheduler.Default;
import dev.sluice.scheduler.Deployment;
import dev.sluice.scheduler.DeploymentClient;
import dev.sluice.scheduler.DeploymentRun;
import dev.sluice.scheduler.Overlap;
import dev.sluice.scheduler.Range;
import dev.sluice.scheduler.Schedule;
import dev.sluice.scheduler.Sluice;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The README's "Deployments and schedules" section: a flow made a deployment (a parameter schema from
 * a record, a cron schedule, catch-up, overlap and a concurrency limit), served with
 * {@link Sluice#serve}, and triggered, backfilled and cancelled from another process.
 */
public final class DeploymentsExample {
    private DeploymentsExample() {
    }

    // deployment-start
    /** The run's parameters: one form field each, checked before anything runs. */
    public record ReportParams(String city, @Default("7") @Range(min = 1, max = 90) int days) {
    }

    static final Flow<ReportParams, String> REPORT = Flow.of("sales-report",
            (ReportParams p) -> "sales of " + p.city() + " over " + p.days() + " days");

    /** The flow, runnable by name, every weekday at 06:00 in New York. */
    public static Deployment deployment() {
        return Deployment.of(REPORT, ReportParams.class)          // name "sales-report", schema from ReportParams
                .withParameters(Map.of("city", "Boston"))          // defaults for scheduled runs
                .withSchedules(Schedule.cron("0 6 * * MON-FRI", "America/New_York"))
                .withCatchUp(CatchUp.LATEST)                       // after downtime: only the latest missed slot
                .withOverlap(Overlap.SKIP)                         // a slot while the last run goes on: skipped
                .withConcurrencyLimit(1);
    }

    public static void main(String[] args) {
        Sluice.serve(deployment());   // $SLUICE_HOME/sluice.db or SLUICE_DATABASE_URL; blocks until SIGTERM / Ctrl-C
    }
    // deployment-end

    /** What another process (a CLI, a dashboard, a test) does with the deployment. */
    public static DeploymentRun triggerAndWait(HistoryDatabase database) throws InterruptedException {
        // client-start
        try (DeploymentClient client = DeploymentClient.open(database)) {
            String runId = client.trigger("sales-report", Map.of("city", "Berlin", "days", 30));   // checked, id at once
            List<String> backfill = client.backfill("sales-report",
                    Instant.parse("2026-01-05T00:00:00Z"), Instant.parse("2026-01-10T00:00:00Z"), false);  // one run per slot
            client.cancel(backfill.get(backfill.size() - 1));     // from any process: never starts, or interrupted
            return client.awaitFinished(runId, Duration.ofSeconds(30)).orElseThrow();
        }
        // client-end
    }

    /** {@code docs/scheduler.md}: what any other process may do with a deployment, by its name. */
    public static String operate(HistoryDatabase database, Instant from, Instant to) throws InterruptedException {
        try (DeploymentClient client = DeploymentClient.open(database)) {
            String runId = client.trigger("sales-report", Map.of("city", "Berlin", "days", 30));
            client.backfill("sales-report", from, to, false);
            client.cancel(runId);
            client.awaitFinished(runId, Duration.ofMinutes(1)); // a run a worker had started stops first: then retry it
            client.pause("sales-report");
            return client.retry(runId);
        }
    }
}
