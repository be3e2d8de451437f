package dev.sluice.scheduler;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One run of a deployment as the scheduler keeps it: why and when it is due, its parameters, where it
 * is, and (once started) the id of its flow run in the run history.
 *
 * @param id the run's id, returned by a trigger at once
 * @param deployment the deployment's name
 * @param kind why it was made
 * @param slot the slot it runs (scheduled and backfill runs)
 * @param scheduledTime when it is due
 * @param parameters the parameter values it runs with (JSON-ready: text, numbers, booleans)
 * @param status where it is
 * @param late whether it started, or is still waiting, more than the grace period after it was due
 * @param cancelRequested whether a cancel was asked for
 * @param flowRunId the run history's flow run, once started
 * @param workerId the worker that claimed it
 * @param retryOf the run this one retries
 * @param message why it ended as it did (an error's summary, "skipped: ..."), if anything
 * @param createdAt when it was made
 * @param startedAt when a worker started it
 * @param endedAt when it ended
 */
public record DeploymentRun(String id, String deployment, RunKind kind, @Nullable Instant slot, Instant scheduledTime,
        Map<String, Object> parameters, RunStatus status, boolean late, boolean cancelRequested, @Nullable String flowRunId,
        @Nullable String workerId, @Nullable String retryOf, @Nullable String message, Instant createdAt,
        @Nullable Instant startedAt, @Nullable Instant endedAt) {
    /** Checks the required fields and copies the parameters. */
    public DeploymentRun {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(deployment, "deployment");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(scheduledTime, "scheduledTime");
        parameters = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(parameters));
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** The slot, for scheduled and backfill runs. */
    public Optional<Instant> slotTime() {
        return Optional.ofNullable(slot);
    }

    /**
     * The deployment run the calling code is part of: inside a flow run that a {@link Worker} of this JVM started
     * for a deployment (its body, its hooks, and the task runs and subflow runs it starts, on whichever thread they
     * run), that run as the worker claimed it ({@link RunStatus#RUNNING}); elsewhere (a flow called directly, as in
     * a test or a one-off {@code main}) empty. This is how a flow learns the slot it runs for: a scheduled,
     * caught-up or backfill run has its {@link #slotTime()}, so a daily job processes the day of its slot, not the
     * day it happens to run on:
     *
     * <pre>{@code
     * LocalDate day = DeploymentRun.current().flatMap(DeploymentRun::slotTime)
     *         .map(slot -> LocalDate.ofInstant(slot, zone).minusDays(1)) // the day before the slot
     *         .orElse(LocalDate.now(zone).minusDays(1));                 // run directly: yesterday
     * }</pre>
     */
    public static Optional<DeploymentRun> current() {
        return Optional.ofNullable(dev.sluice.scheduler.internal.Control.current());
    }

    /** The run history's flow run id, once it started. */
    public Optional<String> flowRun() {
        return Optional.ofNullable(flowRunId);
    }
}
