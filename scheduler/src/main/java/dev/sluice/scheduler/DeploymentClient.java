package dev.sluice.scheduler;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.history.HistoryException;
import dev.sluice.history.internal.Database;
import dev.sluice.scheduler.internal.Operations;
import dev.sluice.scheduler.internal.PoolDataSources;
import dev.sluice.scheduler.internal.SchedulerSchema;
import dev.sluice.scheduler.internal.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Deployments from any process, worker or not (the CLI, the dashboard, a test): trigger a run by name,
 * backfill, cancel, pause and resume, retry, and look at deployments, runs and workers. A trigger only
 * writes the run: whichever worker serves the deployment runs it.
 *
 * <pre>{@code
 * try (DeploymentClient client = DeploymentClient.open(HistoryDatabase.sqlite(Path.of("/srv/etl/sluice.db")))) {
 *     String runId = client.trigger("daily-report", Map.of("city", "Berlin", "days", 30));
 *     client.backfill("daily-report", Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-02-01T00:00:00Z"), false);
 *     client.cancel(runId);
 *     client.pause("daily-report");
 * }
 * }</pre>
 *
 * <p>Thread-safe. Errors: {@link DeploymentNotFoundException} (listing the deployments there are),
 * {@link InvalidParametersException} (listing every wrong field), {@link SchedulerDatabaseException}.
 */
public final class DeploymentClient implements AutoCloseable {
    private final Operations operations;
    private final @Nullable Database owned;

    private DeploymentClient(Operations operations, @Nullable Database owned) {
        this.operations = operations;
        this.owned = owned;
    }

    static DeploymentClient over(Operations operations) {
        return new DeploymentClient(operations, null);
    }

    /**
     * A client on {@code database} (creating or migrating the scheduler's tables if needed).
     *
     * @throws SchedulerDatabaseException if the database cannot be reached or used; the message names it
     */
    public static DeploymentClient open(HistoryDatabase database) {
        return open(database, Clock.systemUTC());
    }

    /** {@link #open(HistoryDatabase)} with a clock for "now" (tests). */
    public static DeploymentClient open(HistoryDatabase database, Clock clock) {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(clock, "clock");
        Database db;
        try {
            db = Database.open(database);
        } catch (HistoryException e) {
            throw new SchedulerDatabaseException("cannot open the deployment client: " + e.getMessage(), e);
        }
        try {
            SchedulerSchema.migrate(db);
            SchedulerClient executions = SchedulerClient.Builder.create(PoolDataSources.of(db))
                    .tableName(Operations.TABLE).build();
            return new DeploymentClient(new Operations(new Store(db), executions, clock), db);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /**
     * Triggers a run of deployment {@code name} now, with {@code parameters} over its defaults, checked
     * against its stored schema; returns the run's id at once (the run history's flow run id is
     * {@link DeploymentRun#flowRunId()} once a worker started it). Manual runs ignore the overlap policy
     * but not the concurrency limits.
     *
     * @throws DeploymentNotFoundException listing the registered deployments
     * @throws InvalidParametersException listing every wrong field
     */
    public String trigger(String name, Map<String, ? extends @Nullable Object> parameters) {
        return operations.trigger(name, parameters);
    }

    /** {@link #trigger(String, Map)} with the default parameters. */
    public String trigger(String name) {
        return operations.trigger(name, Map.of());
    }

    /**
     * Makes one run per slot of the deployment's schedules from {@code from} (inclusive) to {@code to}
     * (exclusive), due now, with its default parameters. A slot whose run completed is skipped unless
     * {@code force}; a slot whose run is still going is always skipped.
     *
     * @return the ids of the runs made, oldest slot first
     * @throws IllegalArgumentException if the range is empty, the deployment has no schedules, or it has more than 10,000 slots
     */
    public List<String> backfill(String name, Instant from, Instant to, boolean force) {
        return operations.backfill(name, from, to, force);
    }

    /**
     * Cancels run {@code runId}: one not started yet never starts; a running one is interrupted by its
     * worker within a heartbeat and ends CANCELLED at its flow's next task boundary.
     *
     * @return false if it had finished already
     * @throws IllegalArgumentException if there is no such run
     */
    public boolean cancel(String runId) {
        return operations.cancel(runId);
    }

    /** Pauses the schedules of deployment {@code name} (its upcoming scheduled runs are dropped; triggers still work). */
    public void pause(String name) {
        operations.setPaused(name, true);
    }

    /**
     * Resumes the schedules of deployment {@code name} from now: slots missed while paused are not run, the next one
     * is. Resuming a deployment that is not paused changes nothing.
     */
    public void resume(String name) {
        operations.setPaused(name, false);
    }

    /**
     * Runs a finished run again, with the same parameters, now.
     *
     * @return the new run's id
     * @throws IllegalStateException if the run has not finished
     */
    public String retry(String runId) {
        return operations.retry(runId);
    }

    /** Sets the most runs at once of deployments tagged {@code tag}, across all workers; 0 removes the limit. */
    public void setTagConcurrencyLimit(String tag, int limit) {
        Objects.requireNonNull(tag, "tag");
        if (tag.isBlank()) {
            throw new IllegalArgumentException("tag must not be blank");
        }
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, was " + limit);
        }
        operations.setTagLimit(tag, limit);
    }

    /** The run {@code id}. */
    public Optional<DeploymentRun> run(String id) {
        return operations.run(Objects.requireNonNull(id, "id"));
    }

    /**
     * The deployment run that started flow run {@code flowRunId} of the run history (its
     * {@link DeploymentRun#flowRunId()}); empty for a flow run no deployment started, such as one run by hand.
     */
    public Optional<DeploymentRun> runOfFlowRun(String flowRunId) {
        return operations.runOfFlowRun(Objects.requireNonNull(flowRunId, "flowRunId"));
    }

    /** The latest {@code limit} runs of deployment {@code name}, newest first. */
    public List<DeploymentRun> runs(String name, int limit) {
        return operations.runs(Objects.requireNonNull(name, "name"), checkLimit(limit));
    }

    /**
     * The latest run of deployment {@code name} that is no longer waiting (running or ended), however many
     * runs wait after it: a slot still {@link RunStatus#SCHEDULED} has not run yet, so it is not the "last run".
     */
    public Optional<DeploymentRun> lastRun(String name) {
        return operations.lastRun(Objects.requireNonNull(name, "name"));
    }

    /** The latest {@code limit} runs of all deployments, newest first. */
    public List<DeploymentRun> runs(int limit) {
        return operations.runs(null, checkLimit(limit));
    }

    private static int checkLimit(int limit) {
        if (limit < 1 || limit > 10_000) {
            throw new IllegalArgumentException("limit must be between 1 and 10000, was " + limit);
        }
        return limit;
    }

    /** The deployment registered as {@code name}. */
    public Optional<DeploymentInfo> deployment(String name) {
        return operations.deployment(Objects.requireNonNull(name, "name"));
    }

    /** Every registered deployment, by name. */
    public List<DeploymentInfo> deployments() {
        return operations.deployments();
    }

    /** The workers that heartbeat within {@code within} of now, newest first, with what they serve and run. */
    public List<WorkerInfo> workers(Duration within) {
        Objects.requireNonNull(within, "within");
        return operations.workers(operations.now().minus(within));
    }

    /**
     * Waits until run {@code id} has finished, polling; empty if {@code timeout} passed first.
     *
     * @throws IllegalArgumentException if there is no such run (rather than waiting out the timeout for it)
     */
    public Optional<DeploymentRun> awaitFinished(String id, Duration timeout) throws InterruptedException {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(timeout, "timeout");
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean first = true;
        while (true) {
            Optional<DeploymentRun> run = run(id);
            if (first && run.isEmpty()) {
                throw new IllegalArgumentException("no deployment run '" + id + "'");
            }
            first = false;
            if (run.isPresent() && run.get().status().isFinished()) {
                return run;
            }
            if (System.nanoTime() > deadline) {
                return Optional.empty();
            }
            Thread.sleep(20);
        }
    }

    /** Closes the client's connections (a worker's own client is closed with the worker). */
    @Override
    public void close() {
        if (owned != null) {
            owned.close();
        }
    }

    @Override
    public String toString() {
        return "DeploymentClient[" + operations.store().description() + "]";
    }
}
