package dev.sluice.examples;

import dev.sluice.Flow;
import dev.sluice.FlowRun;
import dev.sluice.RunContext;
import dev.sluice.Task;
import dev.sluice.TaskRun;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The README's quickstart: a flow with two tasks, one of which fails once and is retried.
 * Run it with {@code ./mvnw -q -pl examples -am package exec:exec -DskipTests -Dexample.main=dev.sluice.examples.Quickstart}.
 */
public final class Quickstart {
    private Quickstart() {
    }

    public static void main(String[] args) {
        // quickstart-start
        AtomicInteger calls = new AtomicInteger();
        Task<String, List<Double>> fetch = Task.of("fetch-temperatures", (String city) -> {
                    if (calls.incrementAndGet() == 1) {
                        throw new java.io.IOException("weather service busy"); // fails once: see the retry
                    }
                    return List.of(11.5, 13.0, 9.5, 12.0);
                })
                .withRetries(2, Duration.ofMillis(200))
                .withTimeout(Duration.ofSeconds(10));

        Task<List<Double>, Double> average = Task.of("average",
                (List<Double> temps) -> temps.stream().mapToDouble(Double::doubleValue).average().orElseThrow());

        Flow<String, Double> report = Flow.of("weather-report", (String city) -> {
                    double avg = average.run(fetch.run(city));
                    RunContext.logger().info("average temperature in {}: {}", city, avg);
                    return avg;
                })
                .withParameterNames("city")
                .withRunName("report-{city}");

        FlowRun<Double> run = report.runForState("Boston");
        // quickstart-end

        System.out.printf("%nflow run '%s' %s in %d ms, result %.2f%n", run.name(), run.state(),
                run.duration().toMillis(), run.result());
        System.out.printf("%-20s %-10s %8s %10s%n", "task", "state", "attempts", "ms");
        for (TaskRun t : run.taskRuns()) {
            System.out.printf("%-20s %-10s %8d %10d%n", t.definitionName(), t.state(), t.attempts(),
                    t.duration().toMillis());
        }
    }
}
