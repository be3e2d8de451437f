package dev.sluice.benchmarks.core;

import dev.sluice.Flow;
import dev.sluice.Flow0;
import dev.sluice.SluiceRuntime;
import dev.sluice.Task;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntUnaryOperator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Cost of a task run inside a flow versus calling the same lambda directly. Each invocation makes
 * {@value #RUNS} calls, so the per-operation figures are per task run (the flow's own start and
 * end are spread over them). Runs under a runtime without extensions: the run history module on the
 * benchmarks' class path would otherwise record every run (its cost is measured in its own section).
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class TaskOverheadBenchmark {
    static final int RUNS = 1_000;

    /** The same small body for both: a little real work the JIT cannot fold away. */
    private final IntUnaryOperator body = x -> {
        Blackhole.consumeCPU(1);
        return x + 1;
    };
    private final Task<Integer, Integer> task = Task.of("inc", (Integer x) -> body.applyAsInt(x));
    private final Flow0<Integer> flow = Flow.of("overhead", () -> {
        int x = 0;
        for (int i = 0; i < RUNS; i++) {
            x = task.run(x);
        }
        return x;
    });

    private SluiceRuntime runtime;
    private SluiceRuntime previous;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        runtime = Runtimes.quiet();
        previous = SluiceRuntime.replaceDefault(runtime);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        SluiceRuntime.replaceDefault(previous);
        runtime.close();
    }

    @Benchmark
    @OperationsPerInvocation(RUNS)
    public int directLambda() {
        int x = 0;
        for (int i = 0; i < RUNS; i++) {
            x = body.applyAsInt(x);
        }
        return x;
    }

    @Benchmark
    @OperationsPerInvocation(RUNS)
    public Integer taskRunsInAFlow() {
        return flow.run();
    }
}
