package dev.sluice.scheduler.internal;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.SchedulableInstance;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import dev.sluice.scheduler.DeploymentInfo;
import dev.sluice.scheduler.DeploymentNotFoundException;
import dev.sluice.scheduler.DeploymentRun;
import dev.sluice.scheduler.RunKind;
import dev.sluice.scheduler.RunStatus;
import dev.sluice.scheduler.Schedule;
import dev.sluice.scheduler.WorkerInfo;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What can be done to deployments from any process, with or without a worker: trigger, backfill,
 * cancel, pause, resume, retry, and the look-ups. Runs are written to the scheduler's tables and handed
 * to db-scheduler as executions due at their time.
 */
public final class Operations {
    /** The prefix of the db-scheduler task name of a deployment's runs. */
    public static final String TASK_PREFIX = "sluice-run/";
    /** db-scheduler's table. */
    public static final String TABLE = "sluice_scheduled_tasks";
    /** The most slots one backfill makes. */
    static final int MAX_BACKFILL = 10_000;

    private final Store store;
    private final SchedulerClient executions;
    private final Clock clock;

    public Operations(Store store, SchedulerClient executions, Clock clock) {
        this.store = store;
        this.executions = executions;
        this.clock = clock;
    }

    /** Now, by this client's clock. */
    public Instant now() {
        return clock.instant();
    }

    /** The store. */
    public Store store() {
        return store;
    }

    /** The db-scheduler task name of {@code deployment}'s runs. */
    public static String taskName(String deployment) {
        return TASK_PREFIX + deployment;
    }

    /** Hands new runs to db-scheduler, due at their time. */
    public void schedule(List<Store.NewRun> runs) {
        if (runs.isEmpty()) {
            return;
        }
        List<SchedulableInstance<?>> batch = new ArrayList<>(runs.size());
        for (Store.NewRun r : runs) {
            batch.add(SchedulableInstance.of(new TaskInstance<Void>(taskName(r.deployment()), r.id()), r.scheduledTime()));
        }
        executions.scheduleBatch(batch);
    }

    /** Hands a run to db-scheduler unless it has an execution already. */
    public void scheduleIfMissing(Store.NewRun r) {
        executions.scheduleIfNotExists(new TaskInstance<Void>(taskName(r.deployment()), r.id()), r.scheduledTime());
    }

    private DeploymentInfo require(String name) throws SQLException {
        Optional<DeploymentInfo> d = store.deployment(name);
        if (d.isEmpty()) {
            throw new DeploymentNotFoundException(name, store.deploymentNames());
        }
        return d.get();
    }

    /** See {@code DeploymentClient.trigger}. */
    public String trigger(String name, Map<String, ? extends @Nullable Object> input) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(input, "parameters");
        try {
            DeploymentInfo d = require(name);
            Map<String, @Nullable Object> merged = new LinkedHashMap<>(d.parameters());
            input.forEach((k, v) -> {
                if (v != null) {
                    merged.put(k, v);
                }
            });
            Map<String, Object> values = d.parameterSchema().validate(merged).requireValid("deployment '" + name + "'");
            Instant now = clock.instant();
            Store.NewRun run = store.insertRun(name, RunKind.MANUAL, now, Store.json(values), null, now, traceContext());
            schedule(List.of(run));
            return run.id();
        } catch (SQLException | RuntimeException e) {
            throw wrap("trigger deployment '" + name + "'", e);
        }
    }

    /** See {@code DeploymentClient.backfill}. */
    public List<String> backfill(String name, Instant from, Instant to, boolean force) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (!to.isAfter(from)) {
            throw new IllegalArgumentException("to must be after from, was from=" + from + ", to=" + to);
        }
        try {
            DeploymentInfo d = require(name);
            if (d.schedules().isEmpty()) {
                throw new IllegalArgumentException("deployment '" + name + "' has no schedules, so no slots to backfill;"
                        + " trigger it instead");
            }
            List<Instant> slots = new ArrayList<>();
            Instant cursor = from.minusNanos(1);
            while (true) {
                Instant next = null;
                for (Schedule s : d.schedules()) {
                    Instant n = s.next(cursor).orElse(null);
                    if (n != null && (next == null || n.isBefore(next))) {
                        next = n;
                    }
                }
                if (next == null || !next.isBefore(to)) {
                    break;
                }
                if (slots.size() == MAX_BACKFILL) {
                    throw new IllegalArgumentException("backfill of deployment '" + name + "' from " + from + " to " + to
                            + " has more than " + MAX_BACKFILL + " slots; backfill a shorter range at a time");
                }
                slots.add(next);
                cursor = next;
            }
            Instant now = clock.instant();
            List<Store.NewRun> runs = store.backfill(name, slots, force, Store.json(d.parameters()), now);
            schedule(runs);
            return runs.stream().map(Store.NewRun::id).toList();
        } catch (SQLException | RuntimeException e) {
            throw wrap("backfill deployment '" + name + "'", e);
        }
    }

    /** See {@code DeploymentClient.cancel}. */
    public boolean cancel(String runId) {
        Objects.requireNonNull(runId, "runId");
        try {
            Optional<RunStatus> before = store.requestCancel(runId, clock.instant());
            if (before.isEmpty()) {
                throw new IllegalArgumentException("no deployment run '" + runId + "'");
            }
            return !before.get().isFinished();
        } catch (SQLException | RuntimeException e) {
            throw wrap("cancel run '" + runId + "'", e);
        }
    }

    /** See {@code DeploymentClient.pause}. */
    public void setPaused(String name, boolean paused) {
        Objects.requireNonNull(name, "name");
        try {
            if (store.setPaused(name, paused, clock.instant()).isEmpty()) {
                throw new DeploymentNotFoundException(name, store.deploymentNames());
            }
        } catch (SQLException | RuntimeException e) {
            throw wrap((paused ? "pause" : "resume") + " deployment '" + name + "'", e);
        }
    }

    /**
     * The context current on this thread as the {@link dev.sluice.ContextCarrier}s on the class path write it (a
     * trace this trigger is part of), as a JSON object; null when there is none.
     */
    static @Nullable String traceContext() {
        Map<String, String> carrier = new LinkedHashMap<>();
        dev.sluice.ContextCarrier.installed().inject(carrier);
        return carrier.isEmpty() ? null : Store.json(carrier);
    }

    /** See {@code DeploymentClient.retry}. */
    public String retry(String runId) {
        Objects.requireNonNull(runId, "runId");
        try {
            DeploymentRun old = store.run(runId).orElseThrow(() -> new IllegalArgumentException("no deployment run '" + runId + "'"));
            if (!old.status().isFinished()) {
                throw new IllegalStateException("run '" + runId + "' of deployment '" + old.deployment() + "' is "
                        + old.status() + "; only a finished run can be retried (cancel it first)");
            }
            require(old.deployment());
            Instant now = clock.instant();
            Store.NewRun run = store.insertRun(old.deployment(), RunKind.RETRY, now, Store.json(old.parameters()), runId, now,
                    traceContext());
            schedule(List.of(run));
            return run.id();
        } catch (SQLException | RuntimeException e) {
            throw wrap("retry run '" + runId + "'", e);
        }
    }

    /** The run {@code id}. */
    public Optional<DeploymentRun> run(String id) {
        try {
            return store.run(id);
        } catch (SQLException e) {
            throw store.error("read run '" + id + "'", e);
        }
    }

    /** The run that started flow run {@code flowRunId}. */
    public Optional<DeploymentRun> runOfFlowRun(String flowRunId) {
        try {
            return store.runOfFlowRun(flowRunId);
        } catch (SQLException e) {
            throw store.error("find the run of flow run '" + flowRunId + "'", e);
        }
    }

    /** The latest runs. */
    public List<DeploymentRun> runs(@Nullable String deployment, int limit) {
        try {
            return store.runs(deployment, limit);
        } catch (SQLException e) {
            throw store.error("list runs", e);
        }
    }

    /** The latest run of {@code deployment} that started (or ended without starting). */
    public Optional<DeploymentRun> lastRun(String deployment) {
        try {
            return store.lastRun(deployment);
        } catch (SQLException e) {
            throw store.error("find the last run of '" + deployment + "'", e);
        }
    }

    /** A registered deployment. */
    public Optional<DeploymentInfo> deployment(String name) {
        try {
            return store.deployment(name);
        } catch (SQLException e) {
            throw store.error("read deployment '" + name + "'", e);
        }
    }

    /** Every registered deployment. */
    public List<DeploymentInfo> deployments() {
        try {
            return store.deployments();
        } catch (SQLException e) {
            throw store.error("list deployments", e);
        }
    }

    /** Workers seen since {@code since}. */
    public List<WorkerInfo> workers(@Nullable Instant since) {
        try {
            return store.workers(since);
        } catch (SQLException e) {
            throw store.error("list workers", e);
        }
    }

    /** Sets a tag's concurrency limit. */
    public void setTagLimit(String tag, int limit) {
        try {
            store.setTagLimit(tag, limit, clock.instant());
        } catch (SQLException e) {
            throw store.error("set the concurrency limit of tag '" + tag + "'", e);
        }
    }

    private RuntimeException wrap(String what, Exception e) {
        if (e instanceof RuntimeException r && !(e.getClass().getName().startsWith("com.github.kagkarlsson"))) {
            return r;
        }
        return store.error(what, e);
    }
}
