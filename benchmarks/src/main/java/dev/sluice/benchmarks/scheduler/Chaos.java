package dev.sluice.benchmarks.scheduler;

import dev.sluice.block.Secret;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.scheduler.CatchUp;
import dev.sluice.scheduler.Deployment;
import dev.sluice.scheduler.DeploymentClient;
import dev.sluice.scheduler.Schedule;
import dev.sluice.scheduler.Sluice;
import dev.sluice.scheduler.Worker;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The chaos run: 3 worker JVMs on one PostgreSQL serve D deployments firing every second; every K
 * seconds one JVM, picked at random, is killed with SIGKILL and a new one started. At the end: how many
 * slots ran more than once (must be 0) and how many slots of the measured span have no run at all (must
 * be 0: catch-up ALL with a 10-minute window covers the gaps).
 *
 * <p>Args: {@code [seconds=300] [killEverySeconds=20] [deployments=4]}.
 */
public final class Chaos {
    private Chaos() {
    }

    static Deployment[] deployments(int n) {
        Deployment[] out = new Deployment[n];
        for (int i = 0; i < n; i++) {
            out[i] = Deployment.of(SchedBench.NOOP).withName("chaos-" + i)
                    .withSchedules(Schedule.interval(Duration.ofSeconds(1))).withCatchUp(CatchUp.ALL, Duration.ofMinutes(10));
        }
        return out;
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            Sluice.serve(Worker.builder(HistoryDatabase.of(args[1], args[2], Secret.of(""))).name(args[3])
                    .deployments(deployments(Integer.parseInt(args[4]))).threads(8).heartbeat(Duration.ofSeconds(1), 5));
            return;
        }
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int killEvery = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int n = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        System.out.printf(Locale.ROOT, "Chaos: 3 JVMs, %d deployments every second, one JVM killed every %d s for %d s (load %s)%n",
                n, killEvery, seconds, SchedBench.load());
        try (SchedBench.Postgres pg = new SchedBench.Postgres(); DeploymentClient client = DeploymentClient.open(pg.database())) {
            HistoryDatabase db = pg.database();
            List<Process> children = new ArrayList<>();
            int started = 0;
            int kills = 0;
            try {
                for (int i = 0; i < 3; i++) {
                    children.add(child(db, "chaos-w" + (++started), n));
                }
                while (client.workers(Duration.ofSeconds(5)).size() < 3) {
                    Thread.sleep(100);
                }
                Thread.sleep(5_000);
                Instant from = Instant.now();
                long end = System.nanoTime() + seconds * 1_000_000_000L;
                while (System.nanoTime() < end) {
                    Thread.sleep(killEvery * 1000L);
                    int victim = ThreadLocalRandom.current().nextInt(children.size());
                    children.get(victim).destroyForcibly().waitFor();
                    kills++;
                    children.set(victim, child(db, "chaos-w" + (++started), n));
                }
                Instant to = Instant.now().minusSeconds(2);
                Thread.sleep(30_000); // catch-up of the last gaps, crashes detected
                report(db, n, from, to, kills);
            } finally {
                for (Process p : children) {
                    p.destroy();
                }
                for (Process p : children) {
                    p.waitFor();
                }
            }
        }
        System.out.println("load average at the end: " + SchedBench.load());
    }

    private static Process child(HistoryDatabase db, String name, int n) throws Exception {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-XX:TieredStopAtLevel=1", "-Dorg.slf4j.simpleLogger.defaultLogLevel=error", "-cp",
                System.getProperty("java.class.path"), Chaos.class.getName(), "child", db.url(), db.user(), name,
                Integer.toString(n)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static void report(HistoryDatabase db, int n, Instant from, Instant to, int kills) throws Exception {
        long fromUs = from.getEpochSecond() * 1_000_000L + from.getNano() / 1000;
        long toUs = to.getEpochSecond() * 1_000_000L + to.getNano() / 1000;
        Map<String, Long> states = new HashMap<>();
        long duplicates = 0;
        long slotsWithRuns = 0;
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password().reveal());
                PreparedStatement ps = c.prepareStatement("select deployment, slot_time, count(*),"
                        + " sum(case when started_at is not null then 1 else 0 end), max(state) from sluice_deployment_run"
                        + " where kind = 'SCHEDULED' and slot_time >= ? and slot_time <= ? group by deployment, slot_time")) {
            ps.setLong(1, fromUs);
            ps.setLong(2, toUs);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    slotsWithRuns++;
                    if (rs.getLong(3) > 1 || rs.getLong(4) > 1) {
                        duplicates++;
                    }
                    states.merge(rs.getString(5), 1L, Long::sum);
                }
            }
        }
        long expected = 0;
        for (int i = 0; i < n; i++) {
            expected += Math.max(0, to.getEpochSecond() - (from.getEpochSecond() + (from.getNano() > 0 ? 1 : 0)) + 1);
        }
        long missed = expected - slotsWithRuns;
        System.out.println("| span | kills | slots expected | slots with a run | duplicates | missed | by state |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---|");
        System.out.printf(Locale.ROOT, "| %d s | %d | %,d | %,d | %d | %d | %s |%n", Duration.between(from, to).toSeconds(), kills,
                expected, slotsWithRuns, duplicates, missed, states);
        SchedBench.figure("scheduler.chaos_duplicates", duplicates, "slots");
        SchedBench.figure("scheduler.chaos_missed", missed, "slots");
    }
}
