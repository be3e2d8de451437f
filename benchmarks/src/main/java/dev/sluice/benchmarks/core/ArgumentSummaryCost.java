package dev.sluice.benchmarks.core;

import dev.sluice.Flow;
import dev.sluice.Flow0;
import dev.sluice.SluiceRuntime;
import dev.sluice.Task;
import dev.sluice.Task2;
import dev.sluice.benchmarks.Interleaved;
import java.util.ArrayList;
import java.util.List;

/**
 * Issue 14, argument summaries: what an argument adds to a task run, since a finished run keeps a
 * summary of its arguments. The same two-argument task runs inside a flow with a small argument, a
 * record wrapping a 100,000-element list, and a record whose {@code toString()} is about 900
 * characters; the figure is the difference to the small argument in the same round (target: at most
 * 1 µs). Run it against an older core too (its classes first on the class path) for before/after.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.sluice.benchmarks.core.ArgumentSummaryCost [rounds] [warmup]
 * </pre>
 */
public final class ArgumentSummaryCost {
    private ArgumentSummaryCost() {
    }

    /** One row of the big argument. */
    public record Row(int id, String sku, double price) {
    }

    /** A record wrapping a 100,000-element list. */
    public record Batch(String source, List<Row> rows) {
    }

    /** A record of about 900 characters of {@code toString()}. */
    public record Customer(String id, String name, String email, String street, String city, String country,
            String notes, String segment, String owner, String tags) {
    }

    static final int RUNS_PER_FLOW = 100;

    public static void main(String[] args) throws Exception {
        if (Interleaved.forked(ArgumentSummaryCost.class, args)) {
            return;
        }
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            rows.add(new Row(i, "SKU-" + i, i * 0.5));
        }
        Batch batch = new Batch("extract-2026-11-21", rows);
        String pad = "x".repeat(80);
        Customer customer = new Customer("C-000042", "Ada Lovelace " + pad, "ada@example.org " + pad,
                "12 Analytical Engine Way " + pad, "London " + pad, "United Kingdom " + pad, "prefers email " + pad,
                "enterprise " + pad, "sales-emea " + pad, "vip,early-adopter " + pad);
        int length = customer.toString().length();
        if (length < 850 || length > 950) {
            throw new IllegalStateException("the customer record should print about 900 characters, prints " + length);
        }
        Task2<Object, Integer, Integer> task = Task.of("summarized", (Object arg, Integer i) -> i + 1);
        try (SluiceRuntime runtime = Runtimes.quiet()) {
            Interleaved bench = new Interleaved()
                    .add("task run, small argument (Integer)", RUNS_PER_FLOW, n -> runs(runtime, task, 7))
                    .add("task run, record wrapping a 100,000-element list", RUNS_PER_FLOW, n -> runs(runtime, task, batch))
                    .add("task run, record of 900 characters", RUNS_PER_FLOW, n -> runs(runtime, task, customer))
                    .run(warmup, rounds, 100);
            bench.print();
            System.out.println("\nload average after: " + Interleaved.load());
            Interleaved.figureLine("summary.small.per-run", bench.median("task run, small argument (Integer)"), "ns");
            Interleaved.figureLine("summary.added.list100k",
                    bench.difference("task run, record wrapping a 100,000-element list", "task run, small argument (Integer)"), "ns");
            Interleaved.figureLine("summary.added.record900",
                    bench.difference("task run, record of 900 characters", "task run, small argument (Integer)"), "ns");
        }
    }

    private static long runs(SluiceRuntime runtime, Task2<Object, Integer, Integer> task, Object arg) {
        Flow0<Integer> flow = Flow.of("summaries", () -> {
            int x = 0;
            for (int i = 0; i < RUNS_PER_FLOW; i++) {
                x += task.run(arg, i);
            }
            return x;
        });
        return runtime.call(flow::run);
    }
}
