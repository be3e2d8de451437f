package dev.sluice.examples;

import dev.sluice.Flow;
import dev.sluice.FlowRun;
import dev.sluice.RunContext;
import dev.sluice.SluiceRuntime;
import dev.sluice.Tags;
import dev.sluice.Task;
import dev.sluice.block.BlockStore;
import dev.sluice.block.Blocks;
import dev.sluice.cache.ResultStore;
import dev.sluice.notify.LogNotifier;
import dev.sluice.notify.Notify;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;

/**
 * The README's "Runtimes, parameters and tags" section: a flow run under a runtime of its own
 * (its own block store, result store and home), tasks whose types come from the variable, a task
 * without a result, parameters from a record with a default run name, tags added at run time, and
 * a notifier used directly.
 */
public final class RuntimeExample {
    private RuntimeExample() {
    }

    /** The flow's parameters: recorded on the run as {@code city} and {@code day}. */
    public record Report(String city, LocalDate day) {
    }

    public static void main(String[] args) throws Exception {
        Path home = Files.createTempDirectory("sluice-runtime-example");
        // runtime-start
        try (SluiceRuntime runtime = SluiceRuntime.builder()
                .home(home)                                  // keys and files here, not in ~/.sluice
                .blockStore(BlockStore.inMemory())
                .resultStore(ResultStore.inMemory())
                .build()) {
            runtime.run(() -> Blocks.save("ops", new LogNotifier("example.ops")));

            // the body comes last, so the types come from the variable
            Task<Report, List<Double>> fetch = Task.named("fetch-temperatures")
                    .withRetries(2, Duration.ofMillis(200))
                    .of((Report r) -> r.city().isEmpty() ? List.of() : List.of(11.5, 13.0, 9.5));
            // a task without a result needs no "return null"
            Task<String, Void> publish = Task.action("publish", (String line) -> System.out.println(line));

            Flow<Report, Double> report = Flow.named("weather-report")
                    .withRunName("report-{city}-{day}")       // record components name the parameters
                    .onFailure(Notify.via(runtime.call(() -> Blocks.load(LogNotifier.class, "ops"))))
                    .of((Report r) -> {
                        RunContext.addTags("city:" + r.city());   // the run's own tags, changed while it runs
                        double avg = fetch.run(r).stream().mapToDouble(Double::doubleValue).average().orElse(0);
                        publish.run(r.city() + ": " + avg);
                        return avg;
                    });

            FlowRun<Double> run = Tags.with("env:dev", "team:data",
                    () -> runtime.runForState(report, new Report("Boston", LocalDate.of(2026, 11, 20))));
            runtime.run(() -> Blocks.load(LogNotifier.class, "ops").notify("report " + run.name() + " " + run.state()));
            // runtime-end
            System.out.printf("run '%s' %s, parameters %s, tags %s%n", run.name(), run.state(), run.parameters(),
                    run.tags());
        }
    }
}
