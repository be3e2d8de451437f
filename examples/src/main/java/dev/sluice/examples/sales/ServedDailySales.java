package dev.sluice.examples.sales;

import dev.sluice.Flow;
import dev.sluice.SluiceRuntime;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.notify.Notify;
import dev.sluice.scheduler.Default;
import dev.sluice.scheduler.Deployment;
import dev.sluice.scheduler.DeploymentRun;
import dev.sluice.scheduler.Schedule;
import dev.sluice.scheduler.Sluice;
import dev.sluice.scheduler.Worker;
import dev.sluice.server.ServerOptions;
import dev.sluice.server.SluiceServer;
import java.io.PrintStream;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The main example, served: the daily sales pipeline as the deployment {@code daily-sales}, run every
 * day at 06:00 Europe/Berlin (for the day before), and the dashboard at {@code 127.0.0.1:4200}, in one
 * JVM, until Ctrl-C. Runs are kept in the default history ({@code $SLUICE_HOME/sluice.db}), so they show
 * in the dashboard and in {@code bin/sluice runs ls}; {@code bin/sluice deployments run daily-sales -p
 * regions=north} runs it now.
 *
 * <pre>
 * ./mvnw -q -pl examples -am package exec:exec -DskipTests -Dexample.args="--serve"
 *   --port 4200        the dashboard's port (0: any free one)
 *   --cron "0 6 * * *" --zone Europe/Berlin    when it runs
 * </pre>
 *
 * Every option of {@link DailySales} (--api-url, --database-block, --notify, ...) applies to the served runs;
 * {@code --regions} is the default of their {@code regions} parameter, and {@code --date} is refused (a run's day
 * is its {@code date} parameter).
 */
public final class ServedDailySales {
    /** The deployment's name. */
    public static final String DEPLOYMENT = "daily-sales";

    private ServedDailySales() {
    }

    /**
     * A run's parameters, as the dashboard's run form and {@code sluice deployments run -p} give them.
     *
     * @param date    the day to process; when not given, the day before the run's schedule slot (in the schedule's
     *                zone), or before today for a run that has no slot (one triggered by hand)
     * @param regions the regions, separated by commas
     */
    public record SalesDay(@Nullable LocalDate date, @Default("north,south,west") String regions) {
    }

    /** The deployment of {@code flow}: on {@code cron} in {@code zone}, with its description and tags. */
    public static Deployment deployment(Flow<SalesDay, Long> flow, String cron, ZoneId zone) {
        return Deployment.of(flow, SalesDay.class)
                .withDescription("The daily sales pipeline: extract each region's sales, aggregate, upsert into " + DailySales.TABLE)
                .withTags("example", "sales")
                .withSchedules(Schedule.cron(cron, zone));
    }

    /** The served flow over {@code setup}: the same tasks and subflows as a one-off run. */
    static Flow<SalesDay, Long> flow(DailySales.Setup setup, ZoneId zone) {
        return Flow.of(DEPLOYMENT, (SalesDay day) -> {
                    // the day before the run's schedule slot (a backfill processes each slot's own day); run at once: yesterday
                    LocalDate date = day.date() != null ? day.date() : DeploymentRun.current().flatMap(DeploymentRun::slotTime)
                            .map(slot -> LocalDate.ofInstant(slot, zone)).orElse(LocalDate.now(zone)).minusDays(1);
                    List<String> regions = Arrays.stream(day.regions().split(",")).map(String::strip).filter(r -> !r.isEmpty()).toList();
                    return DailySales.loadAll(setup.pipeline, date, regions);
                })
                .withTags("example", "env:local")
                .onFailure(Notify.via(setup.notifiers));
    }

    public static void main(String[] args) throws Exception {
        int port = 4200;
        String cron = "0 6 * * *";
        ZoneId zone = ZoneId.of("Europe/Berlin");
        List<String> rest = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--port" -> port = Integer.parseInt(value(args, ++i, "--port"));
                    case "--cron" -> cron = value(args, ++i, "--cron");
                    case "--zone" -> zone = ZoneId.of(value(args, ++i, "--zone"));
                    default -> rest.add(args[i]);
                }
            }
            if (rest.contains("--date")) {
                throw new IllegalArgumentException("--date is not for a served deployment: each run processes the day before"
                        + " its schedule slot, or the day it is given: bin/sluice deployments run " + DEPLOYMENT + " -p date=2026-11-19");
            }
            serve(DailySales.Options.parse(rest.toArray(String[]::new)), port, cron, zone, System.out);
        } catch (IllegalArgumentException | java.time.DateTimeException | dev.sluice.block.BlockException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    /** Serves the deployment and the dashboard until the JVM is stopped (or this thread interrupted). */
    public static void serve(DailySales.Options options, int port, String cron, ZoneId zone, PrintStream out) throws Exception {
        HistoryDatabase database;
        SluiceRuntime runtime = SluiceRuntime.current();
        database = HistoryDatabase.fromEnvironment(runtime.environment(), runtime.home());
        try (DailySales.Setup setup = DailySales.Setup.open(options, List.of(), out)) {
            // the database is checked (and the table made) before serving: one that cannot be used fails now, not at 06:00
            setup.pipeline.createTable.run(setup.pipeline.db);
            Deployment deployment = deployment(flow(setup, zone), cron, zone)
                    // --regions: the regions of the runs that do not name theirs (scheduled ones among them)
                    .withParameters(Map.of("regions", String.join(",", options.regions())));
            Worker.Builder worker = Worker.builder(database).deployments(deployment);
            try (SluiceServer server = SluiceServer.start(ServerOptions.builder().database(database).port(port).printUrl(false).build());
                    Worker started = worker.start()) {
                out.println("serving deployment '" + DEPLOYMENT + "': " + deployment.schedules().get(0).description()
                        + "; next: " + deployment.schedules().get(0).next(1, java.time.Instant.now()).get(0));
                out.println("dashboard: " + server.url() + "   (runs: bin/sluice runs ls; run now: bin/sluice deployments run "
                        + DEPLOYMENT + " -p regions=north)");
                out.println("Ctrl-C stops");
                out.flush();
                Sluice.serve(started); // until Ctrl-C (a shutdown hook closes the worker gracefully) or an interrupt
            }
        }
    }
}
