/**
 * Micrometer meters for Sluice: flow runs and task runs started and ended (by flow or task and state, with
 * their durations as timers with percentile histograms), retries, cache hits and misses, the run history's
 * writer (queue and losses) and a worker's firing lag.
 *
 * <pre>{@code
 * SluiceRuntime runtime = SluiceRuntime.builder().recorder(SluiceMetrics.recorder(registry)).build();
 * HistoryMetrics.of(history).bindTo(registry);
 * Worker worker = Worker.builder(database).deployments(daily)
 *         .recorder(SluiceMetrics.recorder(registry)).listener(WorkerMetrics.listener(registry)).start();
 * }</pre>
 *
 * <p>Tags are {@code flow}, {@code task}, {@code state}, {@code result}, {@code deployment} and {@code kind}:
 * names and states, never run ids, so the number of series stays bounded by the code (names made from data are
 * capped: {@link dev.sluice.micrometer.SluiceMetrics#MAX_NAMES}).
 */
@NullMarked
package dev.sluice.micrometer;

import org.jspecify.annotations.NullMarked;
