package dev.sluice.benchmarks.core;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RetryPolicy;
import dev.sluice.Flow;
import dev.sluice.Flow0;
import dev.sluice.SluiceRuntime;
import dev.sluice.Task;
import dev.sluice.benchmarks.Interleaved;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.IntUnaryOperator;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Issue 14, overhead of a task run: the same small lambda, with 3 retries configured and succeeding
 * at once, as a Sluice task run inside a flow (recorded: id, states with timestamps, history), through
 * Failsafe's {@code RetryPolicy} ({@code Failsafe.with(policy).get(...)}), through resilience4j's
 * {@code Retry.decorateFunction}, and called directly; interleaved round by round in one JVM.
 * Targets: Sluice at most 1.0x Failsafe; stretch at most 5x resilience4j.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.sluice.benchmarks.core.TaskOverheadComparison [rounds] [warmup]
 * </pre>
 */
public final class TaskOverheadComparison {
    private TaskOverheadComparison() {
    }

    static final int OPS = 1_000;

    public static void main(String[] args) throws Exception {
        if (Interleaved.forked(TaskOverheadComparison.class, args)) {
            return;
        }
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 21;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        IntUnaryOperator body = x -> {
            Blackhole.consumeCPU(1);
            return x + 1;
        };
        RetryPolicy<Integer> failsafePolicy = RetryPolicy.<Integer>builder().withMaxRetries(3).withDelay(Duration.ofSeconds(1)).build();
        FailsafeExecutor<Integer> failsafe = Failsafe.with(failsafePolicy);
        Retry retry = Retry.of("inc", RetryConfig.custom().maxAttempts(4).waitDuration(Duration.ofSeconds(1)).build());
        Function<Integer, Integer> r4j = Retry.decorateFunction(retry, (Integer x) -> body.applyAsInt(x));
        Task<Integer, Integer> task = Task.of("inc", (Integer x) -> body.applyAsInt(x)).withRetries(3, Duration.ofSeconds(1));
        Flow0<Integer> flow = Flow.of("overhead", () -> {
            int x = 0;
            for (int i = 0; i < OPS; i++) {
                x = task.run(x);
            }
            return x;
        });
        try (SluiceRuntime runtime = Runtimes.quiet()) {
            Interleaved bench = new Interleaved()
                    .add("direct lambda call", OPS, n -> {
                        int x = 0;
                        for (int i = 0; i < n; i++) {
                            x = body.applyAsInt(x);
                        }
                        return x;
                    })
                    .add("resilience4j Retry.decorateFunction", OPS, n -> {
                        int x = 0;
                        for (int i = 0; i < n; i++) {
                            x = r4j.apply(x);
                        }
                        return x;
                    })
                    .add("Failsafe RetryPolicy get()", OPS, n -> {
                        int x = 0;
                        for (int i = 0; i < n; i++) {
                            int in = x;
                            x = failsafe.get(() -> body.applyAsInt(in));
                        }
                        return x;
                    })
                    .add("Sluice task run inside a flow (recorded)", OPS, n -> runtime.call(flow::run))
                    .run(warmup, rounds, 100);
            bench.print();
            System.out.println("\nload average after: " + Interleaved.load());
            Interleaved.figureLine("overhead.sluice", bench.median("Sluice task run inside a flow (recorded)"), "ns");
            Interleaved.figureLine("overhead.failsafe", bench.median("Failsafe RetryPolicy get()"), "ns");
            Interleaved.figureLine("overhead.resilience4j", bench.median("resilience4j Retry.decorateFunction"), "ns");
            Interleaved.ratioLine("overhead.sluice/failsafe", bench.ratio("Sluice task run inside a flow (recorded)", "Failsafe RetryPolicy get()"));
            Interleaved.ratioLine("overhead.sluice/resilience4j",
                    bench.ratio("Sluice task run inside a flow (recorded)", "resilience4j Retry.decorateFunction"));
        }
    }
}
