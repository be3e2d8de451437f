package dev.sluice.benchmarks.history;

import dev.sluice.Flow;
import dev.sluice.SluiceRuntime;
import dev.sluice.Task;
import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.history.HistoryStats;
import java.util.List;
import java.util.Locale;

/**
 * Sustained ingest: one flow of N task runs with empty bodies (each with its three state changes),
 * timed until the history has written all of it; the used heap is sampled all along. SQLite (a file in
 * a temporary folder) and an embedded PostgreSQL.
 *
 * <p>Args: {@code [taskRuns=1000000] [sqlite,postgres]}.
 */
public final class HistoryIngest {
    private HistoryIngest() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        List<String> targets = List.of((args.length > 1 ? args[1] : "sqlite,postgres").split(","));
        System.out.printf(Locale.ROOT, "HistoryIngest: one flow of %,d task runs (load %s), max heap %d MB%n", n, Bench.load(),
                Runtime.getRuntime().maxMemory() / 1048576);
        for (String target : targets) {
            if (target.equals("sqlite")) {
                run("sqlite", HistoryDatabase.sqlite(Bench.scratch("sluice-ingest").resolve("sluice.db")), n);
            } else {
                try (Bench.Postgres pg = new Bench.Postgres()) {
                    run("postgres", pg.database(), n);
                }
            }
        }
        System.out.println("load average at the end: " + Bench.load());
    }

    private static void run(String name, HistoryDatabase db, int n) throws Exception {
        Task<Integer, Integer> noop = Task.of("noop", (Integer i) -> i);
        Flow<Integer, Long> flow = Flow.of("ingest", (Integer count) -> {
            long sum = 0;
            for (int i = 0; i < count; i++) {
                sum += noop.run(i);
            }
            return sum;
        });
        try (History history = History.builder(db).linger(java.time.Duration.ofMillis(Long.getLong("linger", 10))).open();
                SluiceRuntime rt = Bench.runtime(history.recorder())) {
            rt.run(flow, 20_000); // warm-up
            history.flush();
            HistoryStats before = history.stats();
            System.gc();
            long t0;
            long flowDone;
            long written;
            double heap;
            long writerCpu0 = Bench.cpuNanos("sluice-history-writer");
            long sqlCpu0 = Bench.cpuNanos("sluice-history-writer-sql");
            long mainCpu0 = Bench.cpuNanos("main");
            long writerCpu;
            long sqlCpu;
            long mainCpu;
            try (Bench.HeapSampler sampler = new Bench.HeapSampler()) {
                t0 = System.nanoTime();
                rt.run(flow, n);
                flowDone = System.nanoTime();
                if (!history.flush(java.time.Duration.ofMinutes(10))) {
                    throw new IllegalStateException("not written within 10 minutes");
                }
                written = System.nanoTime();
                heap = sampler.maxMb();
                writerCpu = Bench.cpuNanos("sluice-history-writer") - writerCpu0;
                sqlCpu = Bench.cpuNanos("sluice-history-writer-sql") - sqlCpu0;
                mainCpu = Bench.cpuNanos("main") - mainCpu0;
            }
            System.gc();
            double retained = (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / 1048576.0;
            HistoryStats after = history.stats();
            double seconds = (written - t0) / 1e9;
            System.out.printf(Locale.ROOT, "%-8s %,d task runs: flow %.2f s, all written after %.2f s: %,.0f task runs/s"
                            + " (%,.0f records/s); max heap used %.0f MB; lost %d (load %s)%n", name, n, (flowDone - t0) / 1e9,
                    seconds, n / seconds, (after.written() - before.written()) / seconds, heap, after.lost(), Bench.load());
            long foldCpu = writerCpu - sqlCpu;
            System.out.printf(Locale.ROOT, "%-8s CPU per task run: writer threads %.2f µs (folding %.2f µs, SQL %.2f µs),"
                    + " flow thread %.2f µs; heap after GC %.0f MB%n", name, writerCpu / 1e3 / n, foldCpu / 1e3 / n,
                    sqlCpu / 1e3 / n, mainCpu / 1e3 / n, retained);
            Bench.figure("history.ingest." + name, n / seconds, "task-runs/s");
            Bench.figure("history.ingest." + name + ".writerCpu", writerCpu / 1e3 / n, "us/task-run");
            // the writer's two threads work side by side: the busier one bounds it when each has a core
            Bench.figure("history.ingest." + name + ".writerBound", 1e9 * n / Math.max(1, Math.max(foldCpu, sqlCpu)),
                    "task-runs/s");
            Bench.figure("history.ingest." + name + ".maxHeap", heap, "MB");
            if (after.lost() != 0) {
                throw new IllegalStateException("records were lost: " + after);
            }
        }
    }
}
