package dev.sluice.benchmarks.core;

import dev.sluice.Flow;
import dev.sluice.Flow0;
import dev.sluice.SluiceRuntime;
import dev.sluice.Task;
import dev.sluice.TaskFuture;
import dev.sluice.benchmarks.Interleaved;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

/**
 * Issue 14, fan-out: {@code n} tasks submitted from one flow ({@code task.submit} in a loop, and
 * {@code task.map}) and joined, against {@code CompletableFuture.supplyAsync} on a fixed pool of the
 * same size as Sluice's own pool on JDK 17 (256 threads, {@code sluice.workerThreads}), for 10k, 100k
 * and 1M tasks. Time rounds are interleaved (rotating order); then heap rounds measure the live heap
 * (after a full GC) once everything is submitted and once everything is joined, with the futures
 * held, above the live heap before the round; the peak of the two is reported.
 * Targets: at most 2x the time and 1.5x the peak heap of {@code CompletableFuture}.
 *
 * <pre>
 * java -Xms3g -Xmx3g -cp benchmarks/target/benchmarks.jar dev.sluice.benchmarks.core.FanOutComparison [rounds] [sizes]
 * </pre>
 */
public final class FanOutComparison {
    private FanOutComparison() {
    }

    static final String[] VARIANTS = {"CompletableFuture.supplyAsync", "Sluice submit in a flow", "Sluice map in a flow"};
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int[] sizes = args.length > 1 ? java.util.Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] {10_000, 100_000, 1_000_000};
        int threads = Integer.getInteger("sluice.workerThreads", 256);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        Task<Integer, Integer> task = Task.of("fan-out", (Integer x) -> x + 1);
        String loadBefore = Interleaved.load();
        List<String> lines = new ArrayList<>();
        try (SluiceRuntime runtime = Runtimes.quiet()) {
            for (int n : sizes) {
                List<Integer> inputs = IntStream.range(0, n).boxed().toList();
                double[][] ms = new double[VARIANTS.length][rounds];
                double[] peak = new double[VARIANTS.length];
                for (int r = -1; r < rounds; r++) {
                    for (int k = 0; k < VARIANTS.length; k++) {
                        int v = Math.floorMod(k + r, VARIANTS.length);
                        System.gc();
                        long t0 = System.nanoTime();
                        long sum = once(v, n, inputs, pool, task, runtime, null);
                        double took = (System.nanoTime() - t0) / 1e6;
                        if (sum != (long) n * (n + 1) / 2) {
                            throw new IllegalStateException("wrong sum " + sum);
                        }
                        if (r >= 0) {
                            ms[v][r] = took;
                        }
                    }
                }
                for (int r = 0; r < 2; r++) {
                    for (int v = 0; v < VARIANTS.length; v++) {
                        long[] marks = new long[3];
                        System.gc();
                        marks[0] = usedAfterGc();
                        once(v, n, inputs, pool, task, runtime, marks);
                        peak[v] = Math.max(peak[v], (Math.max(marks[1], marks[2]) - marks[0]) / 1048576.0);
                    }
                }
                System.out.printf(Locale.ROOT, "%n%,d tasks (%d rounds, load %s)%n", n, rounds, Interleaved.load());
                System.out.printf(Locale.ROOT, "%-32s %12s %12s %16s %10s%n", "variant", "median ms", "x CF", "peak heap MB", "x CF");
                for (int v = 0; v < VARIANTS.length; v++) {
                    double[] ratio = new double[rounds];
                    for (int r = 0; r < rounds; r++) {
                        ratio[r] = ms[v][r] / ms[0][r];
                    }
                    double timeRatio = Interleaved.percentile(ratio, 50);
                    System.out.printf(Locale.ROOT, "%-32s %12.1f %12.2f %16.1f %10.2f%n", VARIANTS[v],
                            Interleaved.percentile(ms[v], 50), timeRatio, peak[v], peak[v] / peak[0]);
                    String tag = v == 0 ? "cf" : v == 1 ? "submit" : "map";
                    lines.add(String.format(Locale.ROOT, "FIGURE fanout.%s.%d.time %.1f ms", tag, n, Interleaved.percentile(ms[v], 50)));
                    lines.add(String.format(Locale.ROOT, "FIGURE fanout.%s.%d.peakheap %.1f MB", tag, n, peak[v]));
                    if (v > 0) {
                        lines.add(String.format(Locale.ROOT, "RATIO fanout.%s/cf.%d.time %.3f", tag, n, timeRatio));
                        lines.add(String.format(Locale.ROOT, "RATIO fanout.%s/cf.%d.peakheap %.3f", tag, n, peak[v] / peak[0]));
                    }
                }
            }
        } finally {
            pool.shutdown();
        }
        System.out.println("\nload average before: " + loadBefore + "; after: " + Interleaved.load());
        lines.forEach(System.out::println);
    }

    private static long usedAfterGc() {
        System.gc();
        return MEMORY.getHeapMemoryUsage().getUsed();
    }

    /** One run of variant {@code v}; with {@code marks}, records the live heap after submitting ([1]) and after joining ([2]). */
    private static long once(int v, int n, List<Integer> inputs, ExecutorService pool, Task<Integer, Integer> task,
            SluiceRuntime runtime, long[] marks) {
        if (v == 0) {
            List<CompletableFuture<Integer>> futures = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int in = i;
                futures.add(CompletableFuture.supplyAsync(() -> in + 1, pool));
            }
            if (marks != null) {
                marks[1] = usedAfterGc();
            }
            long sum = 0;
            for (CompletableFuture<Integer> f : futures) {
                sum += f.join();
            }
            if (marks != null) {
                marks[2] = usedAfterGc();
            }
            return sum + (futures.size() == 0 ? 1 : 0);
        }
        List<List<TaskFuture<Integer>>> held = new ArrayList<>(1);
        Flow0<Long> flow = Flow.of("fan-out", () -> {
            List<TaskFuture<Integer>> futures;
            if (v == 1) {
                futures = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    futures.add(task.submit(i));
                }
            } else {
                futures = task.map(inputs);
            }
            held.add(futures);
            if (marks != null) {
                marks[1] = usedAfterGc();
            }
            long sum = 0;
            for (TaskFuture<Integer> f : futures) {
                sum += f.join();
            }
            return sum;
        });
        long sum = runtime.call(flow::run);
        if (marks != null) {
            marks[2] = usedAfterGc();
        }
        return sum + (held.get(0).size() == 0 ? 1 : 0);
    }

}
