package dev.sluice.benchmarks.history;

import dev.sluice.Flow;
import dev.sluice.SluiceRuntime;
import dev.sluice.Task;
import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.history.HistoryStats;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Task-run overhead of the SQLite history against the in-memory recorder alone: flows of sequential
 * task runs whose bodies spin about 20 µs (and, second, empty bodies, where the writer's ingest rate is
 * the bound). Rounds alternate the two runtimes; a history round ends when its writer has written
 * everything (the flush is inside the timed span), so the writer's work counts against the history.
 *
 * <p>Args: {@code [tasksPerFlow=2000] [rounds=7] [roundMillis=3000]}.
 */
public final class HistoryOverhead {
    private HistoryOverhead() {
    }

    public static void main(String[] args) throws Exception {
        int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        long roundMillis = args.length > 2 ? Long.parseLong(args[2]) : 3_000;
        Path dir = Bench.scratch("sluice-history-overhead");
        System.out.printf(Locale.ROOT, "HistoryOverhead: %d task runs a flow, %d rounds of %d ms (load %s)%n", tasks, rounds,
                roundMillis, Bench.load());
        History.open(HistoryDatabase.sqlite(dir.resolve("sluice.db"))).close();
        String drop = System.getProperty("drop", "");
        if (!drop.isEmpty()) { // an experiment: the cost of indexes
            try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("sluice.db"));
                    java.sql.Statement s = c.createStatement()) {
                for (String index : drop.split(",")) {
                    s.execute("drop index " + index);
                }
            }
        }
        try (History history = History.open(HistoryDatabase.sqlite(dir.resolve("sluice.db")));
                SluiceRuntime memory = Bench.runtime(null);
                SluiceRuntime recorded = Bench.runtime(history.recorder())) {
            for (long body : new long[] {20_000, 0}) {
                Task<Integer, Long> work = Task.of("work", (Integer i) -> Bench.spin(body));
                Flow<Integer, Long> flow = Flow.of("overhead", (Integer n) -> {
                    long sum = 0;
                    for (int i = 0; i < n; i++) {
                        sum += work.run(i);
                    }
                    return sum;
                });
                double[] mem = new double[rounds];
                double[] hist = new double[rounds];
                double[] ratio = new double[rounds];
                double[] memCpu = new double[rounds];
                double[] histCpu = new double[rounds];
                double[] writerCpu = new double[rounds];
                java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
                for (int r = -1; r < rounds; r++) {
                    for (int k = 0; k < 2; k++) {
                        boolean withHistory = (k + Math.max(r, 0)) % 2 == 1;
                        SluiceRuntime rt = withHistory ? recorded : memory;
                        long done = 0;
                        long cpu0 = mx.getCurrentThreadCpuTime();
                        long w0 = Bench.cpuNanos("sluice-history-writer");
                        long t0 = System.nanoTime();
                        do {
                            rt.run(flow, tasks);
                            done += tasks;
                        } while (System.nanoTime() - t0 < roundMillis * 1_000_000L);
                        if (withHistory && !history.flush()) {
                            throw new IllegalStateException("the writer did not catch up");
                        }
                        double ns = (double) (System.nanoTime() - t0) / done;
                        double cpu = (double) (mx.getCurrentThreadCpuTime() - cpu0) / done;
                        if (r >= 0) {
                            (withHistory ? hist : mem)[r] = ns;
                            (withHistory ? histCpu : memCpu)[r] = cpu;
                            if (withHistory) {
                                writerCpu[r] = (double) (Bench.cpuNanos("sluice-history-writer") - w0) / done;
                            }
                        }
                    }
                    if (r >= 0) {
                        ratio[r] = hist[r] / mem[r];
                        System.out.printf(Locale.ROOT, "  body %5d ns, round %d: in-memory %8.0f ns/task run, history %8.0f"
                                + " ns/task run, ratio %.3f (load %s)%n", body, r + 1, mem[r], hist[r], ratio[r], Bench.load());
                    }
                }
                System.out.printf(Locale.ROOT, "body %d ns: CPU per task run on the flow's thread: in-memory %.0f ns, history %.0f ns"
                        + " (+%.0f ns); the writer thread's CPU per task run: %.0f ns%n", body, Bench.median(memCpu),
                        Bench.median(histCpu), Bench.median(histCpu) - Bench.median(memCpu), Bench.median(writerCpu));
                HistoryStats stats = history.stats();
                String tag = body == 0 ? "empty" : (body / 1000) + "us";
                System.out.printf(Locale.ROOT, "body %s: median in-memory %.0f ns, history %.0f ns per task run; %d records"
                        + " written, %d lost%n", tag, Bench.median(mem), Bench.median(hist), stats.written(), stats.lost());
                Bench.ratio("history.overhead." + tag, Bench.median(ratio));
                Bench.figure("history.overhead." + tag + ".added", Bench.median(hist) - Bench.median(mem), "ns/task-run");
                Bench.figure("history.overhead." + tag + ".flowThreadCpuAdded", Bench.median(histCpu) - Bench.median(memCpu),
                        "ns/task-run");
                Bench.figure("history.overhead." + tag + ".writerCpu", Bench.median(writerCpu), "ns/task-run");
                if (body == 0) {
                    Bench.figure("history.emptyBodies.rate", 1e9 / Bench.median(hist), "task-runs/s");
                }
            }
            if (history.stats().lost() != 0) {
                throw new IllegalStateException("records were lost: " + history.stats());
            }
        }
        System.out.println("load average at the end: " + Bench.load());
    }
}
