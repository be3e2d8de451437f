package dev.sluice.benchmarks.scheduler;

import dev.sluice.history.HistoryDatabase;
import dev.sluice.scheduler.Deployment;
import dev.sluice.scheduler.DeploymentClient;
import dev.sluice.scheduler.DeploymentRun;
import dev.sluice.scheduler.RunStatus;
import dev.sluice.scheduler.Schedule;
import dev.sluice.scheduler.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Firing lag (start − slot time) with many active schedules on one worker: N deployments of a no-op
 * flow, each every {@code interval}, their anchors spread evenly over the interval (so N/interval slots
 * a second), served for {@code seconds}; the first interval is warm-up. The start is when the worker
 * claimed the run and started its flow ({@code DeploymentRun.startedAt}).
 *
 * <p>Args: {@code [deployments=1000] [seconds=60] [intervalSeconds=10] [sqlite|postgres]}.
 */
public final class FiringLag {
    private FiringLag() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        int intervalSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        String target = args.length > 3 ? args[3] : "sqlite";
        System.out.printf(Locale.ROOT, "FiringLag: %,d schedules every %d s for %d s on %s (load %s)%n", n, intervalSeconds,
                seconds, target, SchedBench.load());
        if (target.equals("postgres")) {
            try (SchedBench.Postgres pg = new SchedBench.Postgres()) {
                run(pg.database(), n, seconds, intervalSeconds, target);
            }
        } else {
            run(SchedBench.sqlite(), n, seconds, intervalSeconds, target);
        }
        System.out.println("load average at the end: " + SchedBench.load());
    }

    private static void run(HistoryDatabase db, int n, int seconds, int intervalSeconds, String target) throws Exception {
        Duration every = Duration.ofSeconds(intervalSeconds);
        List<Deployment> deployments = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Instant anchor = Instant.EPOCH.plusNanos(every.toNanos() * i / n);
            deployments.add(Deployment.of(SchedBench.NOOP).withName("lag-" + i)
                    .withSchedules(Schedule.interval(every).anchoredAt(anchor)));
        }
        Instant start;
        try (Worker worker = Worker.builder(db).deployments(deployments).threads(10).start()) {
            start = Instant.now();
            Thread.sleep(seconds * 1000L);
        }
        Instant measuredFrom = start.plus(every);
        try (DeploymentClient client = DeploymentClient.open(db)) {
            List<DeploymentRun> runs = client.runs(10_000);
            List<Double> lags = new ArrayList<>();
            int early = 0;
            int skipped = 0;
            int late = 0;
            for (DeploymentRun r : runs) {
                if (r.slot() == null || r.slot().isBefore(measuredFrom)) {
                    continue;
                }
                if (r.status() == RunStatus.SKIPPED) {
                    skipped++;
                }
                if (r.late()) {
                    late++;
                }
                if (r.startedAt() != null) {
                    double ms = Duration.between(r.slot(), r.startedAt()).toNanos() / 1e6;
                    if (ms < 0) {
                        early++;
                    }
                    lags.add(ms);
                }
            }
            double[] v = lags.stream().mapToDouble(Double::doubleValue).toArray();
            System.out.println("| database | schedules | slots measured | p50 lag | p99 lag | max lag | min lag | early | late | skipped |");
            System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            System.out.printf(Locale.ROOT, "| %s | %,d | %,d | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %d | %d | %d |%n", target, n,
                    v.length, SchedBench.percentile(v, 50), SchedBench.percentile(v, 99), SchedBench.percentile(v, 100),
                    SchedBench.percentile(v, 0), early, late, skipped);
            SchedBench.figure("scheduler.firing_lag_p50." + target, SchedBench.percentile(v, 50), "ms");
            SchedBench.figure("scheduler.firing_lag_p99." + target, SchedBench.percentile(v, 99), "ms");
            SchedBench.figure("scheduler.firing_early." + target, early, "slots");
        }
    }
}
