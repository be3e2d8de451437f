package dev.sluice.benchmarks.core;

import dev.sluice.Flow;
import dev.sluice.Flow0;
import dev.sluice.FlowRun;
import dev.sluice.Task;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * A flow of 100,000 sequential task runs: wall time per run and the heap it leaves behind.
 * Prints a table; run with {@code java -cp benchmarks/target/benchmarks.jar dev.sluice.benchmarks.core.SequentialFlowRun}.
 */
public final class SequentialFlowRun {
    private SequentialFlowRun() {
    }

    public static void main(String[] args) throws java.io.IOException {
        // no extensions: the run history module on the benchmarks' class path would record every run
        dev.sluice.SluiceRuntime.replaceDefault(Runtimes.quiet());
        int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Task<Integer, Integer> inc = Task.of("inc", (Integer x) -> x + 1);
        Flow0<Integer> flow = Flow.of("sequential", () -> {
            int x = 0;
            for (int i = 0; i < tasks; i++) {
                x = inc.run(x);
            }
            return x;
        });
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        flow.run(); // warm-up
        System.out.printf("%-6s %10s %12s %18s %18s%n", "run", "tasks", "wall ms", "heap before (MB)", "heap after (MB)");
        for (int r = 1; r <= repeats; r++) {
            long before = usedAfterGc(memory);
            long start = System.nanoTime();
            FlowRun<Integer> run = flow.runForState();
            long ms = (System.nanoTime() - start) / 1_000_000;
            long after = usedAfterGc(memory);
            if (run.result() != tasks) {
                throw new IllegalStateException("wrong result " + run.result());
            }
            System.out.printf("%-6d %10d %12d %18.1f %18.1f   (kept %d of %d task runs)%n", r, tasks, ms,
                    before / 1e6, after / 1e6, run.taskRuns().size(), run.taskRunCount());
        }
    }

    private static long usedAfterGc(MemoryMXBean memory) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
