package dev.sluice.benchmarks.scheduler;

import dev.sluice.history.HistoryDatabase;
import dev.sluice.scheduler.Deployment;
import dev.sluice.scheduler.Schedule;
import dev.sluice.scheduler.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Start-up with many deployments: {@code Worker.start()} registering N deployments (each an hourly
 * interval with its own anchor) into an empty database, then until the planner has made each one's
 * upcoming slot; then a restart of the same worker (every deployment already registered).
 *
 * <p>Args: {@code [deployments=10000] [sqlite|postgres]}.
 */
public final class Startup {
    private Startup() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        String target = args.length > 1 ? args[1] : "sqlite";
        System.out.printf(Locale.ROOT, "Startup: %,d deployments on %s (load %s)%n", n, target, SchedBench.load());
        if (target.equals("postgres")) {
            try (SchedBench.Postgres pg = new SchedBench.Postgres()) {
                run(pg.database(), n, target);
            }
        } else {
            run(SchedBench.sqlite(), n, target);
        }
        System.out.println("load average at the end: " + SchedBench.load());
    }

    private static void run(HistoryDatabase db, int n, String target) throws Exception {
        List<Deployment> deployments = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            deployments.add(Deployment.of(SchedBench.NOOP).withName("startup-" + i).withSchedules(
                    Schedule.interval(Duration.ofHours(1)).anchoredAt(Instant.EPOCH.plusSeconds(i % 3600))));
        }
        System.out.println("| database | deployments | start (registered, serving) | + all upcoming slots planned | restart |");
        System.out.println("|---|---:|---:|---:|---:|");
        long t0 = System.nanoTime();
        double started;
        double planned;
        try (Worker worker = Worker.builder(db).deployments(deployments).start()) {
            started = (System.nanoTime() - t0) / 1e9;
            while (SchedBench.count(db, "select count(*) from sluice_deployment where last_slot is not null") < n) {
                Thread.sleep(10);
            }
            planned = (System.nanoTime() - t0) / 1e9;
        }
        long t1 = System.nanoTime();
        double restart;
        try (Worker worker = Worker.builder(db).deployments(deployments).start()) {
            restart = (System.nanoTime() - t1) / 1e9;
        }
        System.out.printf(Locale.ROOT, "| %s | %,d | %.2f s | %.2f s | %.2f s |%n", target, n, started, planned, restart);
        SchedBench.figure("scheduler.startup." + target, started, "s");
        SchedBench.figure("scheduler.startup_planned." + target, planned, "s");
        SchedBench.figure("scheduler.restart." + target, restart, "s");
    }
}
