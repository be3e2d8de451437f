package dev.sluice.scheduler;

import dev.sluice.RunRecorder;
import dev.sluice.SluiceRuntime;
import dev.sluice.block.BlockStore;
import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.scheduler.internal.WorkerEngine;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Serves deployments inside an application: registers them in the database, fires their schedules,
 * runs their scheduled and triggered runs, heartbeats, and stops gracefully. {@link Sluice#serve} is
 * the same, blocking until the JVM is told to stop.
 *
 * <pre>{@code
 * try (Worker worker = Worker.builder(HistoryDatabase.sqlite(Path.of("/srv/etl/sluice.db")))
 *         .deployments(daily, hourly)
 *         .start()) {
 *     String runId = worker.client().trigger("daily-report", Map.of("days", 30));
 *     // ... the application goes on; the worker fires schedules and runs triggered runs
 * }                                              // stop: running runs get the grace period to finish
 * }</pre>
 *
 * <p><b>Exactly once.</b> Every (deployment, slot time) is one row under a unique key, so a slot runs
 * once across restarts, redeploys, schedule edits and any number of workers. Claiming due runs,
 * heartbeats while they run and reviving the runs of dead workers are db-scheduler's work.
 *
 * <p><b>Several workers.</b> On PostgreSQL, start the same worker in as many JVMs as wanted: runs
 * spread over them; a JVM that dies has its running runs marked {@link RunStatus#CRASHED} after
 * {@code heartbeat × missedHeartbeats} (default 2 s × 5), or run again elsewhere if the flow has
 * retries, and its schedules keep firing from the others. On a SQLite file one worker serves at a time: a second is refused with a
 * {@link WorkerRefusedException} naming the first.
 *
 * <p>Flow runs are recorded in the run history of the same database ({@link History}).
 */
public final class Worker implements AutoCloseable {
    private final WorkerEngine engine;
    private final DeploymentClient client;

    private Worker(WorkerEngine engine) {
        this.engine = engine;
        this.client = DeploymentClient.over(engine.operations());
    }

    /** A builder of a worker on {@code database}. */
    public static Builder builder(HistoryDatabase database) {
        return new Builder(Objects.requireNonNull(database, "database"));
    }

    /** This worker's id, as in {@link WorkerInfo#id()} and {@link DeploymentRun#workerId()}. */
    public String id() {
        return engine.id();
    }

    /** This worker's name. */
    public String name() {
        return engine.name();
    }

    /** Triggers, backfills, cancels, pauses and look-ups, through this worker's connections. */
    public DeploymentClient client() {
        return client;
    }

    /** The run history the flow runs are recorded in (open while the worker runs). */
    public History history() {
        return engine.history();
    }

    /** The runtime the flows run under. */
    public SluiceRuntime runtime() {
        return engine.runtime();
    }

    /**
     * Waits until the worker has stopped (by {@link #close()}, from any thread).
     *
     * @return false if {@code timeout} passed first
     */
    public boolean awaitStop(Duration timeout) throws InterruptedException {
        return engine.await(Objects.requireNonNull(timeout, "timeout"));
    }

    /**
     * Stops: takes no new run, lets the running ones finish within the grace period, interrupts and
     * hands back (to be run again) those that do not, marks the worker stopped, closes its connections; within
     * {@link Builder#stopGrace stopGrace} + 5 s whatever the database does (what cannot be written by then is logged as
     * lost). Idempotent.
     */
    @Override
    public void close() {
        engine.close();
    }

    /**
     * Deletes now what the {@linkplain Builder#retention retention} no longer keeps: finished flow runs from the
     * run history and finished deployment runs and long-gone workers from the scheduler's tables (this also
     * happens by itself every hour).
     *
     * @return the number of deployment runs deleted
     * @throws SchedulerDatabaseException if the database cannot be reached
     */
    public long purge() {
        return engine.purge();
    }

    /** Plans slots now instead of at the planner's next pass (for tests and benchmarks). */
    void planNow() {
        try {
            engine.plan();
        } catch (java.sql.SQLException e) {
            throw engine.operations().store().error("plan slots", e);
        }
    }

    /** Heartbeats now (for tests). */
    void heartbeatNow() {
        engine.heartbeatNow();
    }

    @Override
    public String toString() {
        return "Worker[" + engine.name() + ", id=" + engine.id() + "]";
    }

    /** How often a worker and its running runs heartbeat unless {@link Builder#heartbeat} says otherwise: 2 s. */
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(2);

    /** How many missed heartbeats make a worker dead unless {@link Builder#heartbeat} says otherwise: 5. */
    public static final int DEFAULT_MISSED_HEARTBEATS = 5;

    /** Settings of a {@link Worker}; every setter checks its value and names it when it is wrong. */
    public static final class Builder {
        private final HistoryDatabase database;
        private final List<Deployment> deployments = new ArrayList<>();
        private @Nullable String name;
        private int threads = 10;
        private Clock clock = Clock.systemUTC();
        private Duration pollingInterval = Duration.ofMillis(100);
        private Duration heartbeat = DEFAULT_HEARTBEAT;
        private int missedHeartbeats = DEFAULT_MISSED_HEARTBEATS;
        private Duration lateAfter = Duration.ofSeconds(15);
        private Duration plannerInterval = Duration.ofMillis(500);
        private Duration stopGrace = Duration.ofSeconds(20);
        private Duration busyRetry = Duration.ofSeconds(1);
        private final Map<String, Integer> tagLimits = new LinkedHashMap<>();
        private dev.sluice.history.Retention retention = dev.sluice.history.Retention.defaults();
        private final List<RunRecorder> recorders = new ArrayList<>();
        private final List<WorkerListener> listeners = new ArrayList<>();
        private @Nullable BlockStore blockStore;
        private java.nio.file.@Nullable Path home;
        private dev.sluice.cache.@Nullable ResultStore resultStore;

        private Builder(HistoryDatabase database) {
            this.database = database;
        }

        private static Duration positive(String field, Duration d) {
            Objects.requireNonNull(d, field);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(field + " must be positive, was " + d);
            }
            return d;
        }

        /** Adds deployments to serve. */
        public Builder deployments(Deployment... deployments) {
            Objects.requireNonNull(deployments, "deployments");
            return deployments(Arrays.asList(deployments));
        }

        /** Adds deployments to serve. */
        public Builder deployments(List<Deployment> deployments) {
            Objects.requireNonNull(deployments, "deployments");
            for (Deployment d : deployments) {
                this.deployments.add(Objects.requireNonNull(d, "deployments must not contain null"));
            }
            return this;
        }

        /** The worker's name, shown with its heartbeats (default: host and pid). */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank");
            }
            this.name = name;
            return this;
        }

        /** How many runs this worker runs at once (default 10). */
        public Builder threads(int threads) {
            if (threads < 1 || threads > 1_000) {
                throw new IllegalArgumentException("threads must be between 1 and 1000, was " + threads);
            }
            this.threads = threads;
            return this;
        }

        /**
         * The clock slots, lateness and heartbeats are judged by, and the flow runs it starts and records are timed by
         * (default: the system clock; tests pass their own).
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How often the database is asked for due runs (default 100 ms): the most a slot waits past its time when idle. */
        public Builder pollingInterval(Duration interval) {
            this.pollingInterval = positive("pollingInterval", interval);
            return this;
        }

        /**
         * How often the worker and its running runs heartbeat (default 2 s), and how many missed beats make
         * it dead (default 5, at least 4): its running runs are then marked CRASHED and its leases expire.
         */
        public Builder heartbeat(Duration interval, int missedBeats) {
            positive("heartbeat", interval);
            if (missedBeats < 4) {
                throw new IllegalArgumentException("missedHeartbeats must be >= 4, was " + missedBeats);
            }
            this.heartbeat = interval;
            this.missedHeartbeats = missedBeats;
            return this;
        }

        /** How long after its slot a run that has not started is marked late (default 15 s, as Prefect). */
        public Builder lateAfter(Duration grace) {
            this.lateAfter = positive("lateAfter", grace);
            return this;
        }

        /** How often due slots are planned (default 500 ms). */
        public Builder plannerInterval(Duration interval) {
            this.plannerInterval = positive("plannerInterval", interval);
            return this;
        }

        /**
         * How long {@link Worker#close()} (and SIGTERM) lets running runs finish before handing them back (default 20 s).
         * A stop takes at most this plus 5 s, whatever the database does: a database that is down makes each write fail
         * within 1 s once the stop began, and what cannot be written by then (a hand-back, the worker's stopped mark, the
         * run history's last records) is logged as lost. With the default, 25 s: within Kubernetes' default 30 s.
         */
        public Builder stopGrace(Duration grace) {
            this.stopGrace = positive("stopGrace", grace);
            return this;
        }

        /** How long a run waits before trying again when a concurrency limit is full or its previous run goes on (default 1 s). */
        public Builder busyRetry(Duration wait) {
            this.busyRetry = positive("busyRetry", wait);
            return this;
        }

        /**
         * How long finished runs are kept (default {@link dev.sluice.history.Retention#defaults()}: 30 days, 90 for
         * failures): the flow runs in the run history, and the scheduler's own records of deployment runs (completed
         * and skipped ones by the completed period, the others by the failed period) and of workers that stopped
         * heartbeating longer ago than the longest period. Purged an hour apart, the first a minute after the start;
         * {@link Worker#purge()} does it now. A backfill over a purged range runs its slots again.
         */
        public Builder retention(dev.sluice.history.Retention retention) {
            this.retention = Objects.requireNonNull(retention, "retention");
            return this;
        }

        /**
         * At most {@code limit} runs at once, across all workers, of deployments carrying {@code tag} (on the
         * deployment or its flow). Stored in the database, so every worker applies it.
         */
        public Builder tagConcurrencyLimit(String tag, int limit) {
            Objects.requireNonNull(tag, "tag");
            if (tag.isBlank()) {
                throw new IllegalArgumentException("tag must not be blank");
            }
            if (limit < 1) {
                throw new IllegalArgumentException("tag concurrency limit must be >= 1, was " + limit);
            }
            tagLimits.put(tag, limit);
            return this;
        }

        /**
         * Adds a recorder to the runtime the worker runs its flows under, told of every state change and log
         * line of their runs after the run history's (metrics, traces: {@code sluice-micrometer},
         * {@code sluice-opentelemetry}; an application's own recorders).
         */
        public Builder recorder(RunRecorder recorder) {
            recorders.add(Objects.requireNonNull(recorder, "recorder"));
            return this;
        }

        /** Adds a listener told when each run of the worker's deployments starts. */
        public Builder listener(WorkerListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** The block store the served flows load blocks from (default: {@link BlockStore#fromConfiguration()}). */
        public Builder blockStore(BlockStore store) {
            this.blockStore = Objects.requireNonNull(store, "blockStore");
            return this;
        }

        /**
         * The folder the served flows' runtime keeps its files in, as {@link SluiceRuntime.Builder#home} says: the
         * key that cache keys of secret arguments are made with ({@code cache-hmac.key}) and results cached in a local
         * store (default: as the default runtime finds it, the system property {@code sluice.home}, else
         * {@code $SLUICE_HOME}, else {@code ~/.sluice}). Give the application runtime's home so that a task cached by
         * the application and by a served flow has one key.
         */
        public Builder home(java.nio.file.Path home) {
            this.home = Objects.requireNonNull(home, "home");
            return this;
        }

        /**
         * Where the served flows' cached task results go unless a task's {@code CachePolicy} names its own store
         * (default: the run history's shared result store, {@link History#resultStore()}, on the worker's database).
         * Give the application runtime's store so that a result cached by the application is found by a served flow.
         */
        public Builder resultStore(dev.sluice.cache.ResultStore store) {
            this.resultStore = Objects.requireNonNull(store, "resultStore");
            return this;
        }

        /**
         * Starts the worker: opens the database (migrating the scheduler's tables), registers the
         * deployments and the worker, and starts taking work.
         *
         * @throws SchedulerDatabaseException if the database cannot be reached or used (the message names it)
         * @throws DeploymentConflictException if a deployment's name is registered for another flow
         * @throws WorkerRefusedException if another worker serves this SQLite file
         * @throws IllegalArgumentException if two of the deployments share a name
         */
        public Worker start() {
            return new Worker(WorkerEngine.start(new WorkerEngine.Settings(database, List.copyOf(deployments), name, threads,
                    clock, pollingInterval, heartbeat, missedHeartbeats, lateAfter, plannerInterval, stopGrace,
                    Map.copyOf(tagLimits), busyRetry, retention, List.copyOf(recorders), List.copyOf(listeners), blockStore,
                    home, resultStore)));
        }
    }
}
