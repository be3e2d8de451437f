package dev.sluice.benchmarks.cache;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The operations of {@link CacheBenchmark} timed by the CPU time of the calling thread rather than
 * by the wall clock, so that the figures hold on a machine shared with other busy processes (where
 * JMH's wall-clock averages mostly measure time spent descheduled). Prints the best of several
 * rounds, in microseconds per operation.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.sluice.benchmarks.cache.CacheCpuTime</pre>
 */
public final class CacheCpuTime {
    private static final int ROUNDS = 7;
    private static final int OPS = 20_000;

    private CacheCpuTime() {
    }

    public static void main(String[] args) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        CacheBenchmark b = new CacheBenchmark();
        b.setUp();
        try {
            Map<String, Supplier<Object>> ops = new LinkedHashMap<>();
            ops.put("body", b::body);
            ops.put("uncachedRun", b::uncachedRun);
            ops.put("key", b::key);
            ops.put("inMemoryHit", b::inMemoryHit);
            ops.put("fileStoreHit", b::fileStoreHit);
            Object sink = null;
            System.out.printf("%-14s %14s %14s%n", "operation", "cpu us/op", "wall us/op");
            for (Map.Entry<String, Supplier<Object>> op : ops.entrySet()) {
                double bestCpu = Double.MAX_VALUE;
                double bestWall = Double.MAX_VALUE;
                for (int round = 0; round < ROUNDS; round++) {
                    long cpu0 = threads.getCurrentThreadCpuTime();
                    long wall0 = System.nanoTime();
                    for (int i = 0; i < OPS; i++) {
                        sink = op.getValue().get();
                    }
                    long wall = System.nanoTime() - wall0;
                    long cpu = threads.getCurrentThreadCpuTime() - cpu0;
                    if (round >= 2) { // the first rounds warm up the JIT
                        bestCpu = Math.min(bestCpu, cpu / 1_000.0 / OPS);
                        bestWall = Math.min(bestWall, wall / 1_000.0 / OPS);
                    }
                }
                System.out.printf("%-14s %14.3f %14.3f%n", op.getKey(), bestCpu, bestWall);
            }
            if (sink == null) {
                System.out.println();
            }
        } finally {
            b.tearDown();
        }
    }
}
