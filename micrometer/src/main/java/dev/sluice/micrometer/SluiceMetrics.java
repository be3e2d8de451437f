package dev.sluice.micrometer;

import dev.sluice.RunRecorder;
import dev.sluice.micrometer.internal.MetricsRecorder;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;

/**
 * Metrics of the flow runs and task runs of a runtime, as a {@link RunRecorder} to add to it:
 *
 * <pre>{@code
 * SluiceRuntime runtime = SluiceRuntime.builder().recorder(SluiceMetrics.recorder(registry)).build();
 * }</pre>
 *
 * <table>
 * <caption>Meters</caption>
 * <tr><th>name</th><th>type</th><th>tags</th><th>what</th></tr>
 * <tr><td>{@value #FLOW_RUNS_STARTED}</td><td>counter</td><td>flow</td><td>flow runs made</td></tr>
 * <tr><td>{@value #FLOW_RUNS}</td><td>timer</td><td>flow, state</td><td>flow runs ended, by terminal state, with
 * their durations (first start to end)</td></tr>
 * <tr><td>{@value #FLOW_RETRIES}</td><td>counter</td><td>flow</td><td>failed flow attempts retried</td></tr>
 * <tr><td>{@value #TASK_RUNS_STARTED}</td><td>counter</td><td>task</td><td>task runs made</td></tr>
 * <tr><td>{@value #TASK_RUNS}</td><td>timer</td><td>task, state</td><td>task runs ended, by terminal state, with
 * their durations</td></tr>
 * <tr><td>{@value #TASK_RETRIES}</td><td>counter</td><td>task</td><td>failed task attempts retried</td></tr>
 * <tr><td>{@value #TASK_CACHE_GETS}</td><td>counter</td><td>task, result ({@code hit}, {@code miss})</td><td>runs
 * of cached tasks: hits ended {@code CACHED}, misses computed their result and ended {@code COMPLETED}</td></tr>
 * </table>
 *
 * <p>The timers publish percentile histograms. Tags hold task and flow names (the definitions', never run
 * names or ids) and state names, so the number of series is bounded by the code. The recorder keeps the meters
 * it made in a map by name and state: recording a state change looks one up and allocates nothing else.
 *
 * <p>Names made from data ({@code Task.of("fetch-" + city, ...)}) would make series without bound: a recorder
 * makes meters for the first {@value #MAX_NAMES} distinct flow names and the first {@value #MAX_NAMES} distinct
 * task names it sees, and counts the runs of any further name under the name {@value #OTHER_NAME} (logged
 * once, as a warning).
 */
public final class SluiceMetrics {
    /** Flow runs made. */
    public static final String FLOW_RUNS_STARTED = "sluice.flow.runs.started";
    /** Flow runs ended, with their durations. */
    public static final String FLOW_RUNS = "sluice.flow.runs";
    /** Flow attempts retried. */
    public static final String FLOW_RETRIES = "sluice.flow.retries";
    /** Task runs made. */
    public static final String TASK_RUNS_STARTED = "sluice.task.runs.started";
    /** Task runs ended, with their durations. */
    public static final String TASK_RUNS = "sluice.task.runs";
    /** Task attempts retried. */
    public static final String TASK_RETRIES = "sluice.task.retries";
    /** Cache hits and misses of cached tasks. */
    public static final String TASK_CACHE_GETS = "sluice.task.cache.gets";

    /** The most distinct flow names, and the most distinct task names, one recorder makes meters for. */
    public static final int MAX_NAMES = 1_000;
    /** The {@code flow} or {@code task} tag of the runs of names past {@link #MAX_NAMES}. */
    public static final String OTHER_NAME = "_other";

    private SluiceMetrics() {
    }

    /** A recorder that keeps the meters of every run it is told of in {@code registry}. */
    public static RunRecorder recorder(MeterRegistry registry) {
        return new MetricsRecorder(Objects.requireNonNull(registry, "registry"));
    }
}
