package dev.sluice.examples.scaleout;

import dev.sluice.Flow;
import dev.sluice.RunContext;
import dev.sluice.Task;
import dev.sluice.scheduler.Default;
import dev.sluice.scheduler.Deployment;
import dev.sluice.scheduler.DeploymentProvider;
import dev.sluice.scheduler.Range;
import dev.sluice.scheduler.Schedule;
import java.time.Duration;
import java.util.List;

/**
 * The deployments of the scale-out walkthrough ({@code docs/scale-out.md}), served by
 * {@code sluice worker start --jar examples/target/sluice-examples-0.1.0-SNAPSHOT.jar} in several JVMs
 * (this class is listed in {@code META-INF/services/dev.sluice.scheduler.DeploymentProvider}):
 * {@code slow-report}, a run that takes a while (one task per second), to kill a worker under; and
 * {@code hourly-report}, on an hourly schedule, to backfill.
 */
public final class ScaleOutDeployments implements DeploymentProvider {
    /**
     * The parameters of a slow report.
     *
     * @param seconds how long it takes: one task run per second
     */
    public record Slow(@Default("20") @Range(min = 1, max = 3600) int seconds) {
    }

    static final Task<Integer, Integer> STEP = Task.of("step", (Integer i) -> {
        Thread.sleep(1_000);
        return i;
    });

    static final Flow<Slow, Integer> SLOW = Flow.of("slow-report", (Slow s) -> {
        int done = 0;
        for (int i = 0; i < s.seconds(); i++) {
            done += STEP.run(1);
        }
        RunContext.logger().info("{} steps done", done);
        return done;
    });

    static final Task<String, Integer> SUMMARIZE = Task.of("summarize", (String hour) -> {
        Thread.sleep(2_000);
        return hour.length();
    });

    static final Flow<Hourly, Integer> HOURLY = Flow.of("hourly-report", (Hourly h) -> SUMMARIZE.run(h.label()));

    /**
     * The parameters of an hourly report.
     *
     * @param label what the report is called
     */
    public record Hourly(@Default("hourly") String label) {
    }

    @Override
    public List<Deployment> deployments() {
        return List.of(
                Deployment.of(SLOW, Slow.class).withDescription("A report that takes a while: one step per second"),
                Deployment.of(HOURLY, Hourly.class).withDescription("A report every hour")
                        .withSchedules(Schedule.interval(Duration.ofHours(1))));
    }
}
