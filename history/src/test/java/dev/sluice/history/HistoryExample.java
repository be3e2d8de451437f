package dev.sluice.history;

import dev.sluice.Flow;
import dev.sluice.FlowRun;
import dev.sluice.RunContext;
import dev.sluice.SluiceRuntime;
import dev.sluice.State;
import dev.sluice.Tags;
import dev.sluice.Task;
import dev.sluice.cache.CachePolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The run history in one page: a flow recorded into a SQLite file, then looked up the way a dashboard or
 * a scheduler would (the README's history section is taken from here; the lead moves it to examples/).
 * With {@code sluice-history} on the class path, a plain {@code flow.run(...)} records into
 * {@code $SLUICE_HOME/sluice.db} with no code at all; this example opens a history explicitly.
 */
public final class HistoryExample {
    private HistoryExample() {
    }

    public static void main(String[] args) throws Exception {
        Path file = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("sluice-history-example").resolve("runs.db");

        try (History history = History.open(HistoryDatabase.sqlite(file));     // or HistoryDatabase.of("jdbc:postgresql://...", user, password)
             SluiceRuntime runtime = SluiceRuntime.builder()
                     .withoutExtensions()                                        // this history, not the default file too
                     .recorder(history.recorder())
                     .resultStore(history.resultStore())                         // cached results shared by every process on the database
                     .build()) {

            Task<String, Integer> extract = Task.named("extract")
                    .withCache(CachePolicy.inputs().expireAfter(Duration.ofHours(1)))
                    .of((String region) -> region.length() * 100);
            Task<Integer, Integer> load = Task.of("load", (Integer rows) -> {
                if (rows > 500) {
                    throw new IllegalStateException("warehouse full");
                }
                RunContext.logger().info("loaded {} rows", rows);
                return rows;
            });
            Flow<String, Integer> etl = Flow.named("daily-etl")
                    .withParameterNames("region")
                    .withRunName("etl-{region}")
                    .of((String region) -> load.run(extract.run(region)));

            for (String region : List.of("north", "south", "west", "northeast")) {
                FlowRun<Integer> run = Tags.with("env:prod", () -> runtime.runForState(etl, region));
                System.out.println(run.name() + " " + run.state());
            }
            history.flush(); // the writer works in the background; a reader in another process sees runs within milliseconds

            // failed runs of the last day, newest first, 50 a page
            FlowRunQuery failedLastDay = FlowRunQuery.all()
                    .flowName("daily-etl")
                    .withAllTags("env:prod")
                    .inStates(State.FAILED, State.CRASHED)
                    .startedAfter(Instant.now().minus(Duration.ofDays(1)))
                    .sortedBy(RunSort.START_TIME_DESC)
                    .limit(50);
            Page<FlowRunSummary> failed = history.flowRuns(failedLastDay);
            for (FlowRunSummary run : failed.items()) {
                FlowRunDetail detail = history.flowRun(run.id()).orElseThrow();
                System.out.println(run.name() + " failed: " + detail.error().summary()
                        + "; parameters " + detail.parameters() + "; states " + detail.stateHistory().size());
            }
            if (failed.hasNext()) {
                history.flowRuns(failedLastDay.after(failed.nextCursor())); // the next page: the same query, after the cursor
            }

            // the logs of a run, and following it: pass the last line seen
            FlowRunSummary latest = history.flowRuns(FlowRunQuery.all().flowName("daily-etl").limit(1)).items().get(0);
            Page<LogEntry> logs = history.logs(LogQuery.of(latest.id()));
            logs.items().forEach(line -> System.out.println(line.time() + " " + line.level() + " " + line.message()));

            // a chart: runs per state per hour over the last day
            List<StateCount> chart = history.stateCounts(FlowRunQuery.all(), Instant.now().minus(Duration.ofDays(1)),
                    Instant.now(), Duration.ofHours(1));
            chart.forEach(c -> System.out.println(c.bucketStart() + " " + c.state() + " " + c.count()));

            // "run only if it has not already succeeded today"
            if (!history.hasCompleted("weekly-report", Duration.ofDays(1))) {
                System.out.println("weekly-report has not succeeded today: run it");
            }
        }
    }
}
