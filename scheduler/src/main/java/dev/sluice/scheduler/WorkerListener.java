package dev.sluice.scheduler;

/**
 * Told by a {@link Worker} what it does with the runs of its deployments, for metrics
 * ({@code sluice-micrometer}'s {@code WorkerMetrics}) and the like; add one with
 * {@link Worker.Builder#listener(WorkerListener)}. Called on the worker's threads: an implementation
 * must be fast and thread-safe; one that throws is logged and changes nothing.
 */
@FunctionalInterface
public interface WorkerListener {
    /**
     * {@code run} was claimed by this worker and its flow run starts now: its status is
     * {@link RunStatus#RUNNING} and {@link DeploymentRun#startedAt()} is set, so
     * {@code startedAt - scheduledTime} is how late it starts (its firing lag).
     */
    void runStarted(DeploymentRun run);
}
