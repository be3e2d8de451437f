package dev.sluice.examples;

import dev.sluice.cache.CachePolicy;
import dev.sluice.Task;
import dev.sluice.TaskFuture;
import dev.sluice.TaskRun;
import java.time.Duration;
import java.util.List;

/**
 * Caching by input hash: the second run with the same input is served from the result store
 * ({@code $SLUICE_HOME/results}, default {@code ~/.sluice/results}) and ends CACHED without running
 * the body. Run it twice: the second program reuses the first one's result too.
 * {@code ./mvnw -q -pl examples -am package exec:exec -DskipTests -Dexample.main=dev.sluice.examples.CachingExample}
 */
public final class CachingExample {
    private CachingExample() {
    }

    public static void main(String[] args) {
        // caching-start
        Task<String, List<Double>> fetch = Task.of("fetch-temperatures", (String city) -> {
                    Thread.sleep(500); // a slow API call
                    return List.of(11.5, 13.0, 9.5, 12.0);
                })
                .withCache(CachePolicy.inputs().expireAfter(Duration.ofHours(1)));

        TaskFuture<List<Double>> first = fetch.submit("Boston");
        first.join();
        TaskFuture<List<Double>> second = fetch.submit("Boston");
        List<Double> temperatures = second.join();
        // caching-end

        for (TaskRun run : List.of(first.run(), second.run())) {
            System.out.printf("run %s: %s in %d ms%s%n", run.name(), run.state(), run.duration().toMillis(),
                    run.cachedFromRunId().map(id -> ", result of run " + id).orElse(""));
        }
        System.out.println("temperatures: " + temperatures);
    }
}
