package dev.sluice.benchmarks.history;

import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.history.PurgeResult;
import dev.sluice.history.Retention;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Retention: N generated flow runs (with their task runs and tags) that ended long ago are purged
 * while a probe writes like the history's writer does (a small write transaction every 10 ms) on its
 * own connection; reported are the purge's time and the probe's worst and p99 wait, i.e. how long a
 * writer was held up. SQLite and an embedded PostgreSQL.
 *
 * <p>Args: {@code [flowRuns=1000000] [taskRunsPerFlow=1] [sqlite,postgres]}; {@code -DdropIndexes=a,b} drops
 * those SQLite indexes before the purge (to see what each costs it).
 */
public final class HistoryRetention {
    private HistoryRetention() {
    }

    public static void main(String[] args) throws Exception {
        long flows = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        int tasks = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        List<String> targets = List.of((args.length > 2 ? args[2] : "sqlite,postgres").split(","));
        System.out.printf(Locale.ROOT, "HistoryRetention: purge %,d flow runs with %,d task runs (load %s)%n", flows,
                flows * tasks, Bench.load());
        for (String target : targets) {
            Generated data = new Generated(flows, tasks);
            if (target.equals("sqlite")) {
                Path file = Bench.scratch("sluice-retention").resolve("sluice.db");
                data.fill(HistoryDatabase.sqlite(file), "jdbc:sqlite:" + file, "", false);
                if (System.getProperty("dropIndexes") != null) {
                    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
                        for (String ix : System.getProperty("dropIndexes").split(",")) {
                            s.execute("drop index " + ix);
                        }
                    }
                }
                run("sqlite", HistoryDatabase.sqlite(file), "jdbc:sqlite:" + file, data);
            } else {
                try (Bench.Postgres pg = new Bench.Postgres()) {
                    String url = pg.pg.getJdbcUrl("postgres", "postgres");
                    data.fill(pg.database(), url + (url.contains("?") ? "&" : "?") + "reWriteBatchedInserts=true", "postgres", true);
                    run("postgres", pg.database(), url, data);
                }
            }
        }
        System.out.println("load average at the end: " + Bench.load());
    }

    private static void run(String target, HistoryDatabase db, String probeUrl, Generated data) throws Exception {
        // everything ended within the last 90 days: a clock 200 days on makes it all expired
        Clock later = Clock.fixed(data.now.plus(Duration.ofDays(200)), ZoneOffset.UTC);
        try (History h = History.builder(db).clock(later).retention(Retention.defaults()).open()) {
            List<Double> waits = new ArrayList<>();
            Thread probe = new Thread(() -> {
                try (Connection c = DriverManager.getConnection(probeUrl, "postgres", "");
                        Statement s = c.createStatement();
                        PreparedStatement ps = c.prepareStatement("update sluice_owner set heartbeat_at = ? where id = 'probe'")) {
                    if (target.equals("sqlite")) {
                        // waits for the lock the way the history's own connections do (every 0.5 ms)
                        dev.sluice.history.internal.SqliteBusy.install(c, 60_000);
                        s.execute("pragma synchronous = normal"); // as the history's writer commits (no fsync a commit)
                    }
                    while (!Thread.currentThread().isInterrupted()) {
                        long t0 = System.nanoTime();
                        if (target.equals("sqlite")) {
                            s.execute("begin immediate");
                        } else {
                            c.setAutoCommit(false);
                        }
                        ps.setLong(1, t0);
                        ps.executeUpdate();
                        if (target.equals("sqlite")) {
                            s.execute("commit");
                        } else {
                            c.commit();
                            c.setAutoCommit(true);
                        }
                        synchronized (waits) {
                            waits.add((System.nanoTime() - t0) / 1e6);
                        }
                        Thread.sleep(10);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "writer-probe");
            probe.start();
            Thread.sleep(300);
            PurgeResult result = h.purge();
            probe.interrupt();
            probe.join();
            double[] w;
            synchronized (waits) {
                w = waits.stream().mapToDouble(Double::doubleValue).toArray();
            }
            System.out.printf(Locale.ROOT, "%s: purged %,d flow runs, %,d task runs, %,d log lines in %.1f s (%,.0f flow runs/s);"
                            + " a writer waited at most %.1f ms (p99 %.1f ms, median %.2f ms, %d probes) (load %s)%n", target,
                    result.flowRuns(), result.taskRuns(), result.logLines(), result.took().toMillis() / 1e3,
                    result.flowRuns() / (result.took().toMillis() / 1e3), Bench.percentile(w, 100), Bench.percentile(w, 99),
                    Bench.median(w), w.length, Bench.load());
            Bench.figure("history.retention." + target + ".seconds", result.took().toMillis() / 1e3, "s");
            Bench.figure("history.retention." + target + ".writerMaxWait", Bench.percentile(w, 100), "ms");
            if (result.flowRuns() != data.flows) {
                System.out.println("note: " + (data.flows - result.flowRuns()) + " flow runs kept (1% of the generated"
                        + " top-level runs are still RUNNING, and runs still going are never purged)");
            }
        }
    }
}
