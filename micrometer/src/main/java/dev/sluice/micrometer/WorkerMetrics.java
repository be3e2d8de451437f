package dev.sluice.micrometer;

import dev.sluice.scheduler.DeploymentRun;
import dev.sluice.scheduler.Worker;
import dev.sluice.scheduler.WorkerListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A worker's firing lag as a timer: how long after it was due each run of a deployment started. Add the
 * listener to the worker's builder (with the run recorder, for the flow runs it starts); needs
 * {@code sluice-scheduler} on the class path.
 *
 * <pre>{@code
 * Worker worker = Worker.builder(database).deployments(daily)
 *         .recorder(SluiceMetrics.recorder(registry))
 *         .listener(WorkerMetrics.listener(registry))
 *         .start();
 * }</pre>
 *
 * <table>
 * <caption>Meters</caption>
 * <tr><th>name</th><th>type</th><th>tags</th><th>what</th></tr>
 * <tr><td>{@value #LAG}</td><td>timer (percentile histogram)</td><td>deployment, kind ({@code SCHEDULED},
 * {@code MANUAL}, {@code BACKFILL}, {@code RETRY})</td><td>from a run's scheduled time (a slot's time, or when
 * it was triggered) to its start on a worker</td></tr>
 * </table>
 */
public final class WorkerMetrics {
    /** The firing lag timer. */
    public static final String LAG = "sluice.schedule.lag";

    private WorkerMetrics() {
    }

    /** A listener for {@link Worker.Builder#listener} that times each run's firing lag in {@code registry}. */
    public static WorkerListener listener(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        Map<String, Timer> timers = new ConcurrentHashMap<>();
        return new WorkerListener() {
            @Override
            public void runStarted(DeploymentRun run) {
                Instant started = run.startedAt();
                if (started == null) {
                    return;
                }
                Duration lag = Duration.between(run.scheduledTime(), started);
                Timer timer = timers.computeIfAbsent(run.deployment() + '\u0000' + run.kind().name(), k -> Timer.builder(LAG)
                        .description("From a deployment run's scheduled time to its start on a worker")
                        .tag("deployment", run.deployment()).tag("kind", run.kind().name())
                        .publishPercentileHistogram()
                        .register(registry));
                timer.record(lag.isNegative() ? Duration.ZERO : lag);
            }

            @Override
            public String toString() {
                return "WorkerMetrics[" + registry.getClass().getSimpleName() + "]";
            }
        };
    }
}
