package dev.sluice.benchmarks.core;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RetryPolicy;
import dev.sluice.SluiceRuntime;
import dev.sluice.Task;
import dev.sluice.benchmarks.Interleaved;
import java.util.Locale;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Issue 14, many threads: throughput of standalone task runs (outside any flow, each recorded by the
 * runtime's in-memory recorder) with 1, 2, 8 and 64 threads, next to a control workload without
 * shared state (the same lambda through a Failsafe retry policy, which allocates about as much per
 * call), which shows how far this machine can scale at the time. Thread counts are interleaved round by round. Target: at least 1.8x one
 * thread's throughput at 2 threads (on 2 cores; read it together with the control's scaling).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.sluice.benchmarks.core.StandaloneScaling [rounds] [millis]
 * </pre>
 */
public final class StandaloneScaling {
    private StandaloneScaling() {
    }

    static final int[] THREADS = {1, 2, 8, 64};
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    interface Work {
        long op(int i);
    }

    public static void main(String[] args) throws Exception {
        if (Interleaved.forked(StandaloneScaling.class, args)) {
            return;
        }
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 9;
        long millis = args.length > 1 ? Long.parseLong(args[1]) : 400;
        Task<Integer, Integer> task = Task.of("standalone", (Integer x) -> x + 1);
        try (SluiceRuntime runtime = Runtimes.quiet()) {
            Work sluice = i -> task.run(i);
            FailsafeExecutor<Integer> failsafe = Failsafe.with(RetryPolicy.<Integer>builder().withMaxRetries(3).build());
            Work control = i -> failsafe.get(() -> i + 1);
            double[][][] tput = new double[2][THREADS.length][rounds];
            double[][][] cpu = new double[2][THREADS.length][rounds];
            String loadBefore = Interleaved.load();
            for (int r = -2; r < rounds; r++) {
                for (int k = 0; k < THREADS.length * 2; k++) {
                    int slot = Math.floorMod(k + r, THREADS.length * 2);
                    int w = slot % 2;
                    int t = slot / 2;
                    double[] m = measure(runtime, w == 0 ? sluice : control, THREADS[t], millis);
                    if (r >= 0) {
                        tput[w][t][r] = m[0];
                        cpu[w][t][r] = m[1];
                    }
                }
                if (r >= 0) {
                    System.out.printf(Locale.ROOT, "round %d/%d done (load %s)%n", r + 1, rounds, Interleaved.load());
                }
            }
            System.out.printf(Locale.ROOT, "%n%-8s %22s %10s %16s %22s %10s %16s%n", "threads", "Sluice runs/s (median)",
                    "x 1 thread", "CPU ns / run", "control ops/s", "x 1 thread", "CPU ns / op");
            for (int t = 0; t < THREADS.length; t++) {
                System.out.printf(Locale.ROOT, "%-8d %22.0f %10.2f %16.1f %22.0f %10.2f %16.1f%n", THREADS[t],
                        Interleaved.percentile(tput[0][t], 50), scaling(tput[0], t), Interleaved.percentile(cpu[0][t], 50),
                        Interleaved.percentile(tput[1][t], 50), scaling(tput[1], t), Interleaved.percentile(cpu[1][t], 50));
            }
            System.out.println("\nload average before: " + loadBefore + "; after: " + Interleaved.load());
            for (int t = 0; t < THREADS.length; t++) {
                Interleaved.figureLine("standalone.threads" + THREADS[t], Interleaved.percentile(tput[0][t], 50), "runs/s");
            }
            for (int t = 0; t < THREADS.length; t++) {
                Interleaved.figureLine("standalone.cpu-per-run.threads" + THREADS[t], Interleaved.percentile(cpu[0][t], 50), "ns");
            }
            for (int t = 1; t < THREADS.length; t++) {
                Interleaved.ratioLine("standalone.scaling" + THREADS[t], scaling(tput[0], t));
                Interleaved.ratioLine("control.scaling" + THREADS[t], scaling(tput[1], t));
                // load-independent: how much more CPU a run costs with more threads (1.00 = none: it scales with free cores)
                Interleaved.ratioLine("standalone.cpu-per-run.threads" + THREADS[t] + "/threads1", scaling(cpu[0], t));
                Interleaved.ratioLine("control.cpu-per-op.threads" + THREADS[t] + "/threads1", scaling(cpu[1], t));
            }
        }
    }

    /** The median over rounds of (throughput at {@code t} threads / at 1 thread, same round). */
    private static double scaling(double[][] tput, int t) {
        double[] r = new double[tput[t].length];
        for (int i = 0; i < r.length; i++) {
            r[i] = tput[t][i] / tput[0][i];
        }
        return Interleaved.percentile(r, 50);
    }

    /** Runs/s over all threads, and CPU nanoseconds the threads spent per run. */
    private static double[] measure(SluiceRuntime runtime, Work work, int threads, long millis) throws Exception {
        LongAdder total = new LongAdder();
        LongAdder cpuNanos = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        CyclicBarrier start = new CyclicBarrier(threads + 1);
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            ts[t] = new Thread(() -> runtime.run(() -> {
                long n = 0;
                long sink = 0;
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                long cpu0 = CPU.getCurrentThreadCpuTime();
                while (!stop.get()) {
                    for (int i = 0; i < 64; i++) {
                        sink += work.op(i);
                    }
                    n += 64;
                }
                cpuNanos.add(CPU.getCurrentThreadCpuTime() - cpu0);
                total.add(n + (sink == 42 ? 1 : 0));
            }));
            ts[t].start();
        }
        start.await();
        long t0 = System.nanoTime();
        Thread.sleep(millis);
        stop.set(true);
        for (Thread t : ts) {
            t.join();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new double[] {total.sum() / seconds, (double) cpuNanos.sum() / total.sum()};
    }
}
