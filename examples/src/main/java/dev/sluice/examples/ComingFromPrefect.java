package dev.sluice.examples;

import dev.sluice.Flow;
import dev.sluice.Futures;
import dev.sluice.RunContext;
import dev.sluice.SluiceRuntime;
import dev.sluice.State;
import dev.sluice.Tags;
import dev.sluice.Task;
import dev.sluice.TaskFuture;
import dev.sluice.block.Blocks;
import dev.sluice.cache.CachePolicy;
import dev.sluice.history.FlowRunQuery;
import dev.sluice.history.FlowRunSummary;
import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.history.Page;
import dev.sluice.notify.LogNotifier;
import dev.sluice.notify.Notify;
import dev.sluice.scheduler.Default;
import dev.sluice.scheduler.Deployment;
import dev.sluice.scheduler.DeploymentClient;
import dev.sluice.scheduler.DeploymentRun;
import dev.sluice.scheduler.Schedule;
import dev.sluice.scheduler.Worker;
import dev.sluice.server.ApiKeys;
import dev.sluice.server.NewApiKey;
import dev.sluice.server.Role;
import dev.sluice.server.ServerOptions;
import dev.sluice.server.SluiceServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Prefect's walkthrough, step by step, in Sluice: the README's "Coming from Prefect" guide quotes
 * this file. Run it with {@code -Dexample.main=dev.sluice.examples.ComingFromPrefect} added to the
 * README's first command; it uses a SQLite file in a temporary folder and stops when done.
 */
public final class ComingFromPrefect {
    private ComingFromPrefect() {
    }

    // Tasks and flows (@task, @flow), with retries, caching by input hash with expiry, and a run logger
    static final Task<String, List<Double>> FETCH = Task.named("fetch-temperatures")
            .withRetries(3, Duration.ofMillis(200))
            .withCache(CachePolicy.inputs().expireAfter(Duration.ofHours(1)))
            .of((String city) -> List.of(11.5, 13.0, 9.5, 12.0));

    static final Task<List<Double>, Double> AVERAGE = Task.of("average",
            (List<Double> temps) -> temps.stream().mapToDouble(Double::doubleValue).average().orElseThrow());

    // A subflow: a flow called from a flow
    static final Flow<String, Double> CITY = Flow.of("city-report", (String city) -> AVERAGE.run(FETCH.run(city)))
            .withParameterNames("city").withRunName("city-{city}");

    // Parameters with defaults: a record, whose schema a deployment stores
    public record Report(@Default("Boston") String city, @Default("Oslo,Lima") String others) {
    }

    static final Flow<Report, Double> REPORT = Flow.of("weather-report", (Report r) -> {
                RunContext.logger().info("report for {} and {}", r.city(), r.others());
                RunContext.addTags("cities:" + (1 + r.others().split(",").length)); // tags updated while it runs
                List<TaskFuture<List<Double>>> parallel = FETCH.map(List.of(r.others().split(","))); // submit and wait
                List<List<Double>> all = Futures.all(parallel);
                RunContext.logger().info("fetched {} other cities", all.size());
                return CITY.run(r.city());
            })
            .onFailure(Notify.via(new LogNotifier("alerts")));

    public static void main(String[] args) throws Exception {
        Path home = Files.createTempDirectory("sluice-prefect-walkthrough");
        try (SluiceRuntime runtime = SluiceRuntime.builder().home(home).build()) {
            runtime.call(() -> {
                try {
                    walkthrough(home);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            });
        }
    }

    static void walkthrough(Path home) throws InterruptedException {
        // Run a flow (flow(...)), with tags from a scope (with tags(...))
        double boston = Tags.with("env:dev", () -> REPORT.run(new Report("Boston", "Oslo,Lima")));
        System.out.println("average in Boston: " + boston);

        // Blocks: saved once, loaded by name, notifying
        Blocks.save("ops-alerts", new LogNotifier("ops"), true);
        Blocks.load(LogNotifier.class, "ops-alerts").notify("the weather report ran");

        // Schedules: an interval, cron with a time zone, weekends only (RRULE)
        Schedule hourly = Schedule.interval(Duration.ofHours(1));
        Schedule weekdays = Schedule.cron("0 6 * * MON-FRI", "America/New_York");
        Schedule weekends = Schedule.rrule("FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=9;BYMINUTE=0;BYSECOND=0", "Europe/Berlin");
        for (Schedule s : List.of(hourly, weekdays, weekends)) {
            System.out.println(s.description() + ", next: " + s.next(2, Instant.now()));
        }

        // A deployment with typed parameters, served by a worker (flow.serve / prefect worker start)
        HistoryDatabase db = HistoryDatabase.sqlite(home.resolve("sluice.db"));
        Deployment deployment = Deployment.of(REPORT, Report.class).withSchedules(weekdays).withTags("weather");
        try (Worker worker = Worker.builder(db).deployments(deployment).start();
                DeploymentClient client = DeploymentClient.open(db)) {
            // Manual runs with parameters, and a backfill (one run per slot of the schedule)
            String id = client.trigger("weather-report", Map.of("city", "Nairobi"));
            Optional<DeploymentRun> run = client.awaitFinished(id, Duration.ofSeconds(60));
            System.out.println("manual run: " + run.map(DeploymentRun::status).orElseThrow());
            Instant weekAgo = Instant.now().minus(7, ChronoUnit.DAYS);
            List<String> backfill = client.backfill("weather-report", weekAgo, Instant.now(), false);
            System.out.println("backfill: " + backfill.size() + " run(s) of the last week's weekday slots");

            // The dashboard (prefect server start), and an API key with a role for it
            try (SluiceServer server = SluiceServer.start(ServerOptions.builder().database(db).port(0).build());
                    ApiKeys keys = ApiKeys.open(db)) {
                NewApiKey ci = keys.create("ci", Role.OPERATOR);
                System.out.println("dashboard at " + server.url() + "; key " + ci.key().id() + " for " + ci.key().role().id());
            }
        }

        // Past runs, filtered (prefect's read_flow_runs with filters)
        try (History history = History.open(db)) {
            history.flush();
            Page<FlowRunSummary> completed = history.flowRuns(FlowRunQuery.all().flowName("weather-report")
                    .inStates(State.COMPLETED).startedAfter(Instant.now().minus(Duration.ofDays(1))).limit(10));
            System.out.println("completed weather reports today: " + completed.items().size());

            // Run only if it has not succeeded in the last day
            if (!history.hasCompleted("weather-report", Duration.ofDays(1))) {
                REPORT.run(new Report("Boston", "Oslo"));
            }
        }
    }
}
