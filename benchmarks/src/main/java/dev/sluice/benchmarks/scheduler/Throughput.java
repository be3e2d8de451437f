package dev.sluice.benchmarks.scheduler;

import dev.sluice.block.Secret;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.scheduler.Deployment;
import dev.sluice.scheduler.DeploymentClient;
import dev.sluice.scheduler.Schedule;
import dev.sluice.scheduler.Sluice;
import dev.sluice.scheduler.Worker;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Throughput of no-op flow runs dispatched, run and recorded: one backfill makes N runs due at once;
 * timed from the backfill until every run has finished and every flow run is in the run history. On
 * SQLite one worker in this JVM; on PostgreSQL {@code jvms} worker JVMs (this class's {@code child}
 * main) against an embedded server. Also the time from due to started (p50, p95).
 *
 * <p>With a rate, the runs come due in steps of 100 ms at that many a second instead of all at once
 * (a backfill of rate/10 slots every 100 ms), so due → started measures the delay at that load rather
 * than the queue of a burst.
 *
 * <p>Args: {@code [runs=5000] [sqlite|postgres] [jvms=1] [threadsPerWorker=16] [ratePerSecond=0 (all at once)]}.
 */
public final class Throughput {
    private static int rate;

    private Throughput() {
    }

    static Deployment deployment() {
        // a schedule only to have slots to backfill; paused, so it does not fire by itself
        return Deployment.of(SchedBench.NOOP).withName("noop-bench").withSchedules(Schedule.interval(Duration.ofSeconds(1)))
                .withPaused(true);
    }

    /** A worker JVM: {@code child <url> <user> <threads>}. */
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            Sluice.serve(Worker.builder(HistoryDatabase.of(args[1], args[2], Secret.of(""))).deployments(deployment())
                    .threads(Integer.parseInt(args[3])).name("bench-" + ProcessHandle.current().pid()));
            return;
        }
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        String target = args.length > 1 ? args[1] : "sqlite";
        int jvms = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 16;
        rate = args.length > 4 ? Integer.parseInt(args[4]) : 0;
        System.out.printf(Locale.ROOT, "Throughput: %,d no-op runs on %s, %d worker JVM(s) of %d threads (load %s)%n", n,
                target, jvms, threads, SchedBench.load());
        if (target.equals("postgres")) {
            try (SchedBench.Postgres pg = new SchedBench.Postgres()) {
                HistoryDatabase db = pg.database();
                List<Process> children = new ArrayList<>();
                try (DeploymentClient client = DeploymentClient.open(db)) {
                    for (int i = 0; i < jvms; i++) {
                        children.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-Xmx512m", "-cp", System.getProperty("java.class.path"), Throughput.class.getName(), "child",
                                db.url(), db.user(), Integer.toString(threads)).inheritIO().start());
                    }
                    while (client.workers(Duration.ofSeconds(10)).size() < jvms) {
                        Thread.sleep(100);
                    }
                    measure(db, client, n, target + " x" + jvms);
                } finally {
                    for (Process p : children) {
                        p.destroy();
                    }
                    for (Process p : children) {
                        p.waitFor();
                    }
                }
            }
        } else {
            HistoryDatabase db = SchedBench.sqlite();
            try (Worker worker = Worker.builder(db).deployments(deployment()).threads(threads).start()) {
                measure(db, worker.client(), n, target);
            }
        }
        System.out.println("load average at the end: " + SchedBench.load());
    }

    private static void measure(HistoryDatabase db, DeploymentClient client, int n, String label) throws Exception {
        // warm-up
        run(db, client, Math.min(500, n), Instant.parse("2000-01-01T00:00:00Z"));
        double[] result = run(db, client, n, Instant.parse("2001-01-01T00:00:00Z"));
        System.out.println("| database, workers | runs | due | wall (first due → all recorded) | runs/s | due → started p50 | p95 | p99 |");
        System.out.println("|---|---:|---|---:|---:|---:|---:|---:|");
        System.out.printf(Locale.ROOT, "| %s | %,d | %s | %.2f s | %.0f | %.0f ms | %.0f ms | %.0f ms |%n", label, n,
                rate > 0 ? rate + "/s" : "all at once", result[0], n / result[0], result[1], result[2], result[3]);
        String key = label.replace(' ', '_') + (rate > 0 ? "_at_" + rate : "");
        SchedBench.figure("scheduler.throughput." + key, n / result[0], "runs/s");
        SchedBench.figure("scheduler.due_to_started_p95." + key, result[2], "ms");
    }

    /** Wall seconds, then due → started p50, p95, p99 in ms. */
    private static double[] run(HistoryDatabase db, DeploymentClient client, int n, Instant from) throws Exception {
        long before = SchedBench.count(db, "select count(*) from flow_run where flow_name = 'noop'");
        long t0 = System.nanoTime();
        List<String> ids = new ArrayList<>();
        if (rate <= 0) {
            ids.addAll(client.backfill("noop-bench", from, from.plusSeconds(n), false));
        } else {
            int step = Math.max(1, rate / 10);
            long next = System.nanoTime();
            for (int made = 0; made < n; made += step) {
                int k = Math.min(step, n - made);
                ids.addAll(client.backfill("noop-bench", from.plusSeconds(made), from.plusSeconds(made + k), false));
                next += 100_000_000L;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
        }
        if (ids.size() != n) {
            throw new IllegalStateException("backfill made " + ids.size() + " runs, not " + n);
        }
        String first = ids.stream().min(String::compareTo).orElseThrow();
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (SchedBench.count(db, "select count(*) from sluice_deployment_run where kind = 'BACKFILL' and id >= '" + first
                + "' and state not in ('SCHEDULED', 'RUNNING')") < n
                || SchedBench.count(db, "select count(*) from flow_run where flow_name = 'noop'") < before + n) {
            Thread.sleep(50);
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not done after 300 s: " + SchedBench.count(db, "select count(*) from"
                        + " sluice_deployment_run where kind = 'BACKFILL' and id >= '" + first + "' and state not in"
                        + " ('SCHEDULED', 'RUNNING')") + " of " + n + " finished, "
                        + (SchedBench.count(db, "select count(*) from flow_run where flow_name = 'noop'") - before)
                        + " flow runs recorded");
            }
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        long failed = SchedBench.count(db, "select count(*) from sluice_deployment_run where kind = 'BACKFILL' and id >= '"
                + first + "' and state <> 'COMPLETED'");
        if (failed > 0) {
            throw new IllegalStateException(failed + " runs did not complete");
        }
        double[] lat = new double[n];
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password().reveal());
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select started_at - scheduled_time"
                        + " from sluice_deployment_run where kind = 'BACKFILL' and id >= '" + first + "'")) {
            int i = 0;
            while (rs.next() && i < n) {
                lat[i++] = rs.getLong(1) / 1000.0;
            }
        }
        return new double[] {wall, SchedBench.percentile(lat, 50), SchedBench.percentile(lat, 95), SchedBench.percentile(lat, 99)};
    }
}
