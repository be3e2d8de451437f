package dev.sluice.scheduler.internal;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerBuilder;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.logging.LogLevel;
import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.ExecutionContext;
import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import dev.sluice.FlowRun;
import dev.sluice.RunRecorder;
import dev.sluice.SluiceRuntime;
import dev.sluice.State;
import dev.sluice.block.BlockStore;
import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.history.HistoryException;
import dev.sluice.history.internal.Database;
import dev.sluice.history.internal.Dialect;
import dev.sluice.scheduler.Deployment;
import dev.sluice.scheduler.DeploymentRun;
import dev.sluice.scheduler.InvalidParametersException;
import dev.sluice.scheduler.Overlap;
import dev.sluice.scheduler.RunKind;
import dev.sluice.scheduler.RunStatus;
import dev.sluice.scheduler.Schedule;
import dev.sluice.scheduler.SchedulerDatabaseException;
import dev.sluice.scheduler.WorkerInfo;
import dev.sluice.scheduler.WorkerRefusedException;
import dev.sluice.scheduler.DeploymentConflictException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running worker: registers its deployments, plans their slots, and lets db-scheduler claim, run,
 * heartbeat and revive their runs; keeps its own heartbeat row and renews its concurrency leases.
 */
public final class WorkerEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("dev.sluice.scheduler");
    private static final long PLANNER_LOCK = 0x511CE5C4EDL;
    private static final int PLAN_BATCH = 500;

    /** Everything {@code Worker.Builder} sets. */
    public record Settings(HistoryDatabase database, List<Deployment> deployments, @Nullable String name, int threads,
            Clock clock, Duration pollingInterval, Duration heartbeat, int missedHeartbeats, Duration lateAfter,
            Duration plannerInterval, Duration stopGrace, Map<String, Integer> tagLimits, Duration busyRetry,
            dev.sluice.history.Retention retention, List<RunRecorder> recorders,
            List<dev.sluice.scheduler.WorkerListener> listeners, @Nullable BlockStore blockStore,
            java.nio.file.@Nullable Path home, dev.sluice.cache.@Nullable ResultStore resultStore) {
    }

    private final Settings settings;
    private final Database db;
    private final Store store;
    private final History history;
    /**
     * How long the end of a run waits for the history to write the flow run's records before the run is marked
     * finished: whoever sees it finished ({@code awaitFinished}) then finds the flow run and its task runs in the
     * history as they ended.
     */
    private static final Duration WRITTEN_BEFORE_FINISH = Duration.ofSeconds(5);
    private final SluiceRuntime runtime;
    private final Control control;
    private final Map<String, Deployment> byTask = new HashMap<>();
    private final String id;
    private final String name;
    private final @Nullable FileLock sqliteLock;
    private final @Nullable FileChannel sqliteLockChannel;
    private final ScheduledExecutorService maintenance;
    private final Map<List<String>, List<Schedule>> parsed = new ConcurrentHashMap<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private Scheduler scheduler;
    private Operations operations;
    private volatile boolean stopping;
    /** Set once db-scheduler has stopped (or given up waiting for its runs): writes still retried give up. */
    private volatile boolean released;
    private long ticks;
    /**
     * When this worker's heartbeat reached the database again after failing or hanging (null while it fails): a
     * worker that could not reach the database itself judges no other worker dead until a whole dead-worker period
     * ({@code heartbeat × missedHeartbeats}) and the {@link #RECONNECT_LAG} after it is back, so that the others, cut
     * off by the same outage, have heartbeat again by then.
     */
    private volatile @Nullable Instant databaseBackAt = Instant.EPOCH;
    /** When ({@link System#nanoTime()}) this worker's heartbeat was last written (at start: its registration). */
    private volatile long lastBeatNanos;
    /**
     * How long after this worker reached the database again the others may still be cut off, on top of the dead-worker
     * period: a connection pool whose connections failed tries again only now and then (HikariCP up to 5 s apart), so
     * the others get their connections back up to that much later than this worker did, and heartbeat only then.
     */
    static final Duration RECONNECT_LAG = Duration.ofSeconds(6);
    /**
     * The other workers' heartbeats as this worker saw them change, by this worker's clock: a worker is judged by
     * whether its heartbeat moves, not by comparing the time it wrote with this clock, so JVMs whose clocks disagree
     * (by more than the dead-worker period) do not take each other for dead.
     */
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    /** The runs this worker's threads run now, from their claim until their end is written. */
    private final Set<String> own = ConcurrentHashMap.newKeySet();

    /** A worker's heartbeat as it wrote it, and when (by this worker's clock) it was first seen with that value. */
    private record Seen(long heartbeat, Instant since) {
    }
    /**
     * Stops the worker gracefully when the JVM stops (SIGTERM, Ctrl-C) without {@link #close()}: its runs get
     * the grace period, and its history is closed only after them, so their ends are recorded.
     */
    private final Thread exitHook = new Thread(this::close, "sluice-worker-exit");

    private WorkerEngine(Settings settings, Database db, Store store, History history, String id, String name,
            @Nullable FileChannel lockChannel, @Nullable FileLock lock) {
        this.settings = settings;
        this.db = db;
        this.store = store;
        this.history = history;
        this.id = id;
        this.name = name;
        this.sqliteLockChannel = lockChannel;
        this.sqliteLock = lock;
        this.control = new Control(this::flowRunStarted);
        SluiceRuntime.Builder runtime = SluiceRuntime.builder().withoutExtensions()
                .clock(settings.clock()) // flow runs are timed as their deployment runs and the history are
                .recorder(history.recorder())
                .recorder(control)
                .resultStore(settings.resultStore() != null ? settings.resultStore() : history.resultStore());
        settings.recorders().forEach(runtime::recorder);
        if (settings.blockStore() != null) {
            runtime.blockStore(settings.blockStore());
        }
        if (settings.home() != null) {
            runtime.home(settings.home());
        }
        this.runtime = runtime.build();
        this.maintenance = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sluice-worker-maintenance");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Opens the database, registers the deployments and this worker, and starts taking work.
     *
     * @throws SchedulerDatabaseException if the database cannot be used
     * @throws dev.sluice.scheduler.SchedulerException if a deployment's name is taken by another flow, or another worker serves this SQLite file
     */
    public static WorkerEngine start(Settings settings) {
        checkNames(settings.deployments());
        HistoryDatabase config = settings.database();
        config = config.withPoolSize(Math.max(config.poolSize(), settings.threads() + 4));
        FileChannel channel = null;
        FileLock lock = null;
        Database db;
        try {
            db = Database.open(config);
        } catch (HistoryException e) {
            throw new SchedulerDatabaseException("cannot start the worker: " + e.getMessage(), e);
        }
        History history = null;
        try {
            if (db.dialect() == Dialect.SQLITE) {
                Path file = Objects.requireNonNull(db.file());
                Path lockFile = file.resolveSibling(file.getFileName() + "-worker.lock");
                channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                try {
                    lock = channel.tryLock();
                } catch (java.nio.channels.OverlappingFileLockException e) {
                    lock = null; // a worker of this JVM holds it
                }
                if (lock == null) {
                    channel.close();
                    throw new WorkerRefusedException(describeOther(db, file));
                }
            }
            try {
                // closed by this worker, at exit too, once its runs ended or were handed back (see exitHook)
                history = History.builder(settings.database()).clock(settings.clock()).retention(settings.retention())
                        .closeAtExit(false).open();
            } catch (HistoryException e) {
                throw new SchedulerDatabaseException("cannot start the worker: " + e.getMessage(), e);
            }
            SchedulerSchema.migrate(db);
            Store store = new Store(db);
            Instant now = settings.clock().instant();
            Store.Registration reg = store.register(settings.deployments(), now);
            if (!reg.conflicts().isEmpty()) {
                Store.Conflict c = reg.conflicts().get(0);
                throw new DeploymentConflictException("deployment '" + c.name() + "' is registered for flow '"
                        + c.registeredFlow() + "' in " + db.description() + ", and this worker deploys flow '" + c.newFlow()
                        + "' under the same name; give one of them another name (Deployment.withName)"
                        + (reg.conflicts().size() > 1 ? " (" + (reg.conflicts().size() - 1) + " more such name(s))" : ""));
            }
            for (Map.Entry<String, Integer> e : settings.tagLimits().entrySet()) {
                store.setTagLimit(e.getKey(), e.getValue(), now);
            }
            String host = host();
            long pid = ProcessHandle.current().pid();
            String id = Store.newId();
            String name = settings.name() != null ? settings.name() : host + ":" + pid;
            store.registerWorker(id, name, host, pid, now, settings.deployments().stream().map(Deployment::name).toList());
            WorkerEngine engine = new WorkerEngine(settings, db, store, history, id, name, channel, lock);
            engine.begin(reg.droppedRuns());
            return engine;
        } catch (SQLException e) {
            cleanUp(db, history, channel);
            throw new SchedulerDatabaseException("cannot start the worker on " + db.description() + ": "
                    + Sql.rootMessage(e), e);
        } catch (IOException e) {
            cleanUp(db, history, channel);
            throw new SchedulerDatabaseException("cannot start the worker on " + db.description() + ": " + e, e);
        } catch (RuntimeException e) {
            cleanUp(db, history, channel);
            throw e;
        }
    }

    private static void cleanUp(Database db, @Nullable History history, @Nullable FileChannel channel) {
        if (history != null) {
            history.close();
        }
        db.close();
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // released with the channel
            }
        }
    }

    private static String describeOther(Database db, Path file) {
        String other = "another process";
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("select name, pid, started_at"
                + " from sluice_worker where stopped_at is null order by heartbeat_at desc limit 1")) {
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    other = "worker '" + rs.getString(1) + "' (pid " + rs.getLong(2) + ", started "
                            + Sql.instant(rs.getLong(3)) + ")";
                }
            }
        } catch (SQLException e) {
            // the table may not exist yet: say "another process"
        }
        return other + " already serves the SQLite file " + file + "; one worker JVM serves a SQLite file at a time."
                + " Stop it first, or use PostgreSQL (SLUICE_DATABASE_URL=jdbc:postgresql://...) to run several workers."
                + " Triggers, cancels and pauses from other processes work without a worker of their own.";
    }

    private static void checkNames(List<Deployment> deployments) {
        Map<String, Deployment> seen = new HashMap<>();
        for (Deployment d : deployments) {
            Deployment other = seen.putIfAbsent(d.name(), d);
            if (other != null) {
                throw new IllegalArgumentException("two deployments are named '" + d.name() + "': one of flow '"
                        + other.flow().name() + "' and one of flow '" + d.flow().name()
                        + "'; give one another name (Deployment.withName)");
            }
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    private void begin(List<String> dropped) {
        List<Task<?>> tasks = new ArrayList<>();
        for (Deployment d : settings.deployments()) {
            String taskName = Operations.taskName(d.name());
            byTask.put(taskName, d);
            tasks.add(Tasks.custom(taskName, Void.class)
                    .onFailure(new FailureHandler.OnFailureRetryLater<>(Duration.ofSeconds(5)))
                    .onDeadExecution((complete, ops) -> deadExecution(d, complete.getExecution().taskInstance.getId(),
                            () -> ops.reschedule(complete, settings.clock().instant()), ops::remove))
                    .execute(this::execute));
        }
        SchedulerBuilder b = Scheduler.create(new PoolDataSource(db, store::connect), tasks)
                .tableName(Operations.TABLE)
                .threads(settings.threads())
                .pollingInterval(settings.pollingInterval())
                .heartbeatInterval(settings.heartbeat())
                .missedHeartbeatsLimit(settings.missedHeartbeats())
                .schedulerName(new SchedulerName.Fixed(id))
                .clock(() -> settings.clock().instant())
                .deleteUnresolvedAfter(Duration.ofDays(3650)) // runs of deployments other workers serve
                .shutdownMaxWait(settings.stopGrace())
                .failureLogging(LogLevel.WARN, true)
                .enableImmediateExecution();
        if (db.dialect() == Dialect.POSTGRESQL) {
            b = b.pollUsingLockAndFetch(0.5, 3.0);
        }
        scheduler = b.build();
        operations = new Operations(store, scheduler, settings.clock());
        control.open();
        try {
            // every worker heartbeating now is seen as live from the first claim on, so the leases it holds count
            // whatever its clock wrote as their expiry; not seen yet, they counted until that expiry only, and a worker
            // whose clock is ahead could take a limit's last lease from a live one in its first heartbeat period
            observe(true);
        } catch (SQLException | RuntimeException e) {
            LOG.debug("worker {}: could not read the other workers' heartbeats at start ({}); at the first beat", name,
                    e.toString());
        }
        scheduler.start();
        // the heartbeat written at registration counts as the last one: trouble between it and the first beat (a
        // connection that hung in the first planner pass, which holds the first beat back on the same thread) is seen
        lastBeatNanos = System.nanoTime();
        long beat = Math.max(10, settings.heartbeat().toMillis());
        maintenance.scheduleWithFixedDelay(this::beat, beat, beat, TimeUnit.MILLISECONDS);
        long plan = Math.max(10, settings.plannerInterval().toMillis());
        maintenance.scheduleWithFixedDelay(this::planQuietly, 0, plan, TimeUnit.MILLISECONDS);
        if (!settings.retention().isForever()) {
            maintenance.scheduleWithFixedDelay(this::purgeQuietly, 60, 3600, TimeUnit.SECONDS);
        }
        Runtime.getRuntime().addShutdownHook(exitHook);
        LOG.info("worker {} ({}) serves {} deployment(s) on {}", name, id, settings.deployments().size(), db.description());
        if (!dropped.isEmpty()) {
            LOG.info("worker {}: {} upcoming run(s) of changed or paused schedules dropped", name, dropped.size());
        }
        Instant now = settings.clock().instant();
        for (Deployment d : settings.deployments()) {
            for (Schedule schedule : d.schedules()) {
                if (schedule.next(1, now).isEmpty()) {
                    // an RRULE whose COUNT or UNTIL ended before now (counted from 1970 unless anchored) is valid, and silent
                    LOG.warn("worker {}: schedule '{}' of deployment '{}' has no time after now: it will never fire"
                            + " (its COUNT or UNTIL ended; anchor it with anchoredAt(start) to count from a later start)",
                            name, schedule.description(), d.name());
                }
            }
            if (!d.schedules().isEmpty()) {
                // a scheduled (or backfill) run has the defaults only: one that misses a required parameter fails every slot
                List<dev.sluice.scheduler.ParameterError> errors = d.validate(Map.of()).errors();
                if (!errors.isEmpty()) {
                    LOG.warn("worker {}: deployment '{}' has schedules, but its scheduled runs will fail: their parameters"
                            + " are the deployment's defaults, which miss or break some ({}); give them with"
                            + " withParameters(...) or @Default", name, d.name(),
                            dev.sluice.block.Secret.mask(errors.stream().map(Object::toString)
                                    .collect(java.util.stream.Collectors.joining("; "))));
                }
            }
        }
    }

    /** This worker's id. */
    public String id() {
        return id;
    }

    /** This worker's name. */
    public String name() {
        return name;
    }

    /** The operations, through this worker's db-scheduler. */
    public Operations operations() {
        return operations;
    }

    /** The runtime flows run under. */
    public SluiceRuntime runtime() {
        return runtime;
    }

    /** The history runs are recorded into. */
    public History history() {
        return history;
    }

    // ------------------------------------------------------------------ planning

    private void planQuietly() {
        if (stopping) {
            return;
        }
        try {
            plan(false);
        } catch (SQLException | RuntimeException e) {
            if (Dialect.isTransient(e)) {
                databaseBackAt = null; // cut off: the others likely are too (see mayJudgeOthersDead)
            }
            LOG.warn("worker {}: planning slots failed, trying again: {}", name, e.toString());
        }
    }

    /** One pass of the planner now, waiting for another worker's pass to end first (tests, benchmarks). */
    public void plan() throws SQLException {
        plan(true);
    }

    /**
     * One pass of the planner: slots of due deployments, late marks, executions that went missing. On
     * PostgreSQL one worker plans at a time; with {@code wait} false this pass is skipped while another runs.
     */
    private void plan(boolean wait) throws SQLException {
        Instant now = settings.clock().instant();
        store.heartbeat(id, now, now.plus(deadAfter()));
        try (Connection lockConnection = db.dialect() == Dialect.POSTGRESQL ? store.connect() : null) {
            if (lockConnection != null) {
                // a transaction-scoped lock: however planning ends, the rollback below (or the pool's, or the
                // connection's death) releases it
                lockConnection.setAutoCommit(false);
                try (PreparedStatement ps = lockConnection.prepareStatement(wait
                        ? "select true from (select pg_advisory_xact_lock(?)) l" : "select pg_try_advisory_xact_lock(?)")) {
                    ps.setLong(1, PLANNER_LOCK);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (!rs.getBoolean(1)) {
                            lockConnection.rollback();
                            lockConnection.setAutoCommit(true);
                            return; // another worker is planning right now
                        }
                    }
                }
            }
            try {
                planDue(now);
                store.markLate(now.minus(settings.lateAfter()));
                if (ticks++ % 10 == 0) {
                    for (Store.NewRun r : store.withoutExecution(Operations.TABLE, now.minusSeconds(10), 500)) {
                        operations.scheduleIfMissing(r);
                    }
                }
            } finally {
                if (lockConnection != null) {
                    lockConnection.rollback();
                    lockConnection.setAutoCommit(true);
                }
            }
        }
    }

    private void planDue(Instant now) throws SQLException {
        Instant liveSince = now.minus(settings.heartbeat().multipliedBy(Math.max(2, settings.missedHeartbeats())));
        for (int pass = 0; pass < 100; pass++) {
            List<Store.Due> due = store.due(now, liveSince, PLAN_BATCH);
            if (due.isEmpty()) {
                return;
            }
            List<Store.Plan> plans = new ArrayList<>(due.size());
            for (Store.Due d : due) {
                List<Schedule> schedules = parsed.computeIfAbsent(d.schedules(),
                        k -> k.stream().map(Schedule::parse).toList());
                Instant last = d.lastSlot() == null ? null : Sql.instant(d.lastSlot());
                List<SlotPlanner.PlannedSlot> slots = SlotPlanner.plan(schedules, last, now, d.catchUp(), d.window(), 1_000);
                long newLast = slots.isEmpty() ? Sql.micros(now) : Sql.micros(slots.get(slots.size() - 1).time());
                plans.add(new Store.Plan(d, newLast, slots));
            }
            List<Store.NewRun> created = store.createSlots(plans, now);
            operations.schedule(created);
            if (due.size() < PLAN_BATCH) {
                return;
            }
        }
    }

    // ------------------------------------------------------------------ running

    private static final CompletionHandler<Void> REMOVE = new CompletionHandler.OnCompleteRemove<>();

    private static CompletionHandler<Void> rescheduleAt(Instant at) {
        return (complete, ops) -> ops.reschedule(complete, at);
    }

    private CompletionHandler<Void> execute(TaskInstance<Void> instance, ExecutionContext context) {
        String runId = instance.getId();
        Deployment d = byTask.get(instance.getTaskName());
        Clock clock = settings.clock();
        try {
            DeploymentRun run = store.run(runId).orElse(null);
            if (d == null || run == null || run.status() != RunStatus.SCHEDULED) {
                return REMOVE; // cancelled, dropped by a schedule edit, or already run
            }
            Instant now = clock.instant();
            // a slot run is judged missed only when first picked: one that waited for a slot or its previous run was not missed
            boolean firstPick = Duration.between(run.scheduledTime(), context.getExecution().executionTime).abs()
                    .compareTo(Duration.ofMillis(5)) < 0;
            String missed = run.kind() == RunKind.SCHEDULED && firstPick ? missed(d, run, now) : null;
            if (missed != null) {
                store.finish(runId, RunStatus.SKIPPED, missed, null, now);
                return REMOVE;
            }
            // the overlap policy is decided in the claim's transaction: two slots polled at once cannot both see nothing running
            Overlap overlap = run.kind() == RunKind.SCHEDULED ? d.overlap() : Overlap.ALLOW;
            List<Store.Limit> limits = limits(d);
            Instant leaseExpiry = now.plus(settings.heartbeat().multipliedBy(Math.max(2, settings.missedHeartbeats())));
            own.add(runId); // from the claim on: a run of this worker that no one here runs any more is gone
            Store.Claim claim;
            try {
                Store.Claimed claimed = store.claim(runId, d.name(), id, clock, settings.lateAfter(), limits, leaseExpiry,
                        overlap, run.scheduledTime(), limits.isEmpty() ? Store.Holders.NONE : holders());
                claim = claimed.outcome();
                now = claimed.at();
            } catch (SQLException | RuntimeException e) {
                own.remove(runId);
                throw e;
            }
            if (claim != Store.Claim.CLAIMED) {
                own.remove(runId);
            }
            switch (claim) {
                case BUSY -> {
                    if (overlap == Overlap.CANCEL_PREVIOUS) {
                        cancelFlagged(); // the previous runs of this worker stop now, not at its next heartbeat
                    }
                    return rescheduleAt(now.plus(settings.busyRetry()));
                }
                case SKIPPED, GONE -> {
                    return REMOVE;
                }
                default -> {
                }
            }
            try {
                return runClaimed(d, started(run, now));
            } finally {
                own.remove(runId);
            }
        } catch (SQLException e) {
            throw store.error("run " + runId + " of deployment '" + (d == null ? instance.getTaskName() : d.name()) + "'", e);
        }
    }

    /**
     * Why a slot run that was due more than the late grace ago is not run under the catch-up policy
     * (null: run it): NONE runs no missed slot; LATEST only the latest one due; ALL those within the window.
     */
    private @Nullable String missed(Deployment d, DeploymentRun run, Instant now) throws SQLException {
        if (!run.scheduledTime().isBefore(now.minus(settings.lateAfter()))) {
            return null;
        }
        Duration window = d.catchUpWindow().orElse(null);
        switch (d.catchUp()) {
            case NONE -> {
                return "skipped: slot " + run.scheduledTime() + " was missed (catch-up NONE)";
            }
            case LATEST -> {
                List<Instant> next = d.nextSlots(1, run.scheduledTime());
                if (!next.isEmpty() && !next.get(0).isAfter(now)) {
                    return "skipped: slot " + run.scheduledTime() + " was missed and a later one is due (catch-up LATEST)";
                }
            }
            default -> {
            }
        }
        if (window != null && run.scheduledTime().isBefore(now.minus(window))) {
            return "skipped: slot " + run.scheduledTime() + " was missed by more than the catch-up window " + window;
        }
        return null;
    }

    private List<Store.Limit> limits(Deployment d) throws SQLException {
        List<Store.Limit> out = new ArrayList<>();
        if (d.concurrencyLimit().isPresent()) {
            out.add(new Store.Limit("deployment:" + d.name(), d.concurrencyLimit().getAsInt()));
        }
        Map<String, Integer> tagLimits = tagLimits();
        if (!tagLimits.isEmpty()) {
            Set<String> tags = new HashSet<>(d.tags());
            tags.addAll(d.flow().tags());
            for (String t : tags) {
                Integer l = tagLimits.get(t);
                if (l != null) {
                    out.add(new Store.Limit("tag:" + t, l));
                }
            }
        }
        return out;
    }

    private volatile @Nullable Map<String, Integer> tagLimitCache;
    private volatile long tagLimitsRead;

    /** The tags' limits, read again at most once a heartbeat. */
    private Map<String, Integer> tagLimits() throws SQLException {
        long now = System.nanoTime();
        Map<String, Integer> cached = tagLimitCache;
        if (cached == null || now - tagLimitsRead > settings.heartbeat().toNanos()) {
            cached = Map.copyOf(store.tagLimits());
            tagLimitCache = cached;
            tagLimitsRead = now;
        }
        return cached;
    }

    /**
     * Puts the context run {@code runId} was triggered in (a trace) back in force on this thread, through the
     * {@link dev.sluice.ContextCarrier}s on the class path, so its flow run is part of that trace.
     */
    private dev.sluice.RunRecorder.Scope carriedContext(String runId) throws SQLException {
        String json = store.traceContext(runId).orElse(null);
        if (json == null) {
            return dev.sluice.RunRecorder.Scope.NOOP;
        }
        Map<String, String> carrier = new LinkedHashMap<>();
        try {
            Store.map(json).forEach((k, v) -> {
                if (v instanceof String text) {
                    carrier.put(k, text);
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("worker {}: the stored trace context of run {} cannot be read; the run starts without it", name, runId, e);
            return dev.sluice.RunRecorder.Scope.NOOP;
        }
        return dev.sluice.ContextCarrier.installed().extract(carrier);
    }

    /** Tells the listeners that {@code run} was claimed at {@code now} and starts; the run as it now is (RUNNING here). */
    private DeploymentRun started(DeploymentRun run, Instant now) {
        DeploymentRun running = new DeploymentRun(run.id(), run.deployment(), run.kind(), run.slot(), run.scheduledTime(),
                run.parameters(), RunStatus.RUNNING, run.late() || run.scheduledTime().isBefore(now.minus(settings.lateAfter())),
                run.cancelRequested(), null, id, run.retryOf(), null, run.createdAt(), now, null);
        for (dev.sluice.scheduler.WorkerListener l : settings.listeners()) {
            try {
                l.runStarted(running);
            } catch (RuntimeException e) {
                LOG.warn("worker {}: listener {} failed on the start of run {}; the run goes on", name, l, run.id(), e);
            }
        }
        return running;
    }

    private CompletionHandler<Void> runClaimed(Deployment d, DeploymentRun run) throws SQLException {
        Control.Active active = control.begin(run);
        FlowRun<?> flowRun = null;
        RunStatus status;
        String message = null;
        try {
            Map<String, Object> params = new LinkedHashMap<>(run.parameters());
            try (dev.sluice.RunRecorder.Scope context = carriedContext(run.id())) {
                flowRun = runtime.call(() -> d.runForState(params));
            }
            status = status(flowRun.state());
            message = flowRun.error().map(e -> e.type() + ": " + e.message()).orElse(null);
        } catch (InvalidParametersException e) {
            status = RunStatus.FAILED;
            message = e.getMessage();
        } catch (RuntimeException e) {
            status = RunStatus.FAILED;
            message = e.toString();
        } finally {
            control.end(active);
            Thread.interrupted(); // a cancel's interrupt stays with the run, not with db-scheduler's thread
        }
        Instant end = settings.clock().instant();
        if (stopping && !active.cancelled() && status == RunStatus.CANCELLED) {
            // interrupted because this worker stops: hand the run back for another worker (or this one's restart),
            // unless its cancel was asked for meanwhile (then it ends CANCELLED below)
            boolean[] handedBack = new boolean[1];
            try {
                untilWritten("hand back run " + run.id(), () -> handedBack[0] = store.handBack(run.id(), id));
            } catch (SQLException | RuntimeException e) {
                LOG.warn("worker {}: run {} of deployment '{}' was interrupted because the worker stops, but could not be"
                        + " handed back ({}): lost here; it stays RUNNING until the other workers take this one for dead"
                        + " (then it is CRASHED, or run again under its flow's retries)", name, run.id(), d.name(),
                        Sql.rootMessage(e));
                throw e;
            }
            if (handedBack[0]) {
                LOG.info("worker {}: run {} of deployment '{}' handed back (the worker stops)", name, run.id(), d.name());
                return rescheduleAt(end);
            }
            if (message == null) {
                message = "cancelled";
            }
        }
        if (active.cancelled() && status != RunStatus.COMPLETED) {
            status = RunStatus.CANCELLED;
            if (message == null) {
                message = "cancelled";
            }
        }
        RunStatus ended = status;
        String why = message;
        String flowRunId = flowRun == null ? null : flowRun.id();
        if (flowRunId != null && !history.flush(WRITTEN_BEFORE_FINISH)) {
            // the history's database is slow or down: the run's records follow once they are written
            LOG.debug("worker {}: the history records of run {} were not all written within {}; the run is marked"
                    + " finished now", name, run.id(), WRITTEN_BEFORE_FINISH);
        }
        boolean[] recorded = new boolean[1];
        try {
            untilWritten("record the end of run " + run.id(), () -> recorded[0] = store.finish(run.id(), ended, why,
                    flowRunId, end, id));
        } catch (SQLException | RuntimeException e) {
            if (stopping) {
                LOG.warn("worker {}: run {} of deployment '{}' ended {}, but the worker stops and could not record it ({}):"
                        + " lost here; it stays RUNNING until the other workers take this one for dead (then it is"
                        + " CRASHED, or run again under its flow's retries)", name, run.id(), d.name(), ended,
                        Sql.rootMessage(e));
            }
            throw e;
        }
        if (!recorded[0]) {
            // taken for dead meanwhile (a long pause, an outage): the run was marked CRASHED or is run again elsewhere
            LOG.warn("worker {}: run {} of deployment '{}' ended {} here, but meanwhile it was taken for crashed or run"
                    + " again by another worker; this end is not recorded", name, run.id(), d.name(), ended);
        }
        return REMOVE;
    }

    /** A write to the scheduler's tables. */
    private interface Write {
        void run() throws SQLException;
    }

    /**
     * Does {@code write}, trying again while the database is away (a restart, a fail-over), so that how a run ended
     * is not lost to an outage: meanwhile the run's execution is still this worker's, heartbeat once the database is
     * back, so no other worker takes the run for crashed. Gives up on an error that is not transient, when this
     * thread is interrupted, or once the worker has stopped waiting for its runs ({@code 2 × stopGrace}).
     */
    private void untilWritten(String what, Write write) throws SQLException {
        long backoff = 100;
        int attempt = 0;
        while (true) {
            try {
                write.run();
                if (attempt > 0) {
                    LOG.info("worker {}: could {} after {} attempt(s)", name, what, attempt + 1);
                }
                return;
            } catch (SQLException | RuntimeException e) {
                if (!Dialect.isTransient(e) || released || graceOver()) {
                    // not an outage; or the worker stops, and its grace is over: tried once more, not again
                    throw e;
                }
                attempt++;
                if (attempt == 1 || attempt % 30 == 0) {
                    LOG.warn("worker {}: cannot {} ({}); trying again until the database is back", name, what,
                            Sql.rootMessage(e));
                }
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                backoff = Math.min(backoff * 2, 2_000);
            }
        }
    }

    private static RunStatus status(State state) {
        return switch (state) {
            case COMPLETED, CACHED -> RunStatus.COMPLETED;
            case CANCELLED -> RunStatus.CANCELLED;
            case CRASHED -> RunStatus.CRASHED;
            case TIMED_OUT -> RunStatus.TIMED_OUT;
            default -> RunStatus.FAILED;
        };
    }

    /**
     * An execution whose worker stopped heartbeating: a run that was RUNNING is run again if its flow's
     * retry policy has an attempt left for crashes, else marked CRASHED; one that was picked but not
     * started is run again.
     */
    private void deadExecution(Deployment d, String runId, Runnable revive, Runnable remove) {
        if (!mayJudgeOthersDead()) {
            // this worker was cut off from the database itself a moment ago: so, likely, was the run's worker, which
            // goes on; left alone, the execution is judged again at db-scheduler's next look (after a beat, if alive)
            LOG.debug("worker {}: run {} looks dead, but this worker itself reached the database again only at {};"
                    + " judged later", name, runId, databaseBackAt);
            return;
        }
        try {
            DeploymentRun run = store.run(runId).orElse(null);
            if (run != null && run.status() == RunStatus.RUNNING && !runnerGone(run)) {
                // its execution's heartbeat looks old by this worker's clock, but its worker's heartbeat still moves
                // (their clocks disagree) or it still runs it: not dead; judged again at db-scheduler's next look
                LOG.debug("worker {}: run {} looks dead, but its worker {} still heartbeats", name, runId, run.workerId());
                return;
            }
            int retries = d.flow().retryPolicy().maxRetries();
            if (run != null && run.status() == RunStatus.RUNNING && run.cancelRequested()) {
                // its cancel was asked for: not run again (a claim would never take it), and not a crash to report
                store.finish(runId, RunStatus.CANCELLED, "cancelled; the worker running it (" + run.workerId() + ")"
                        + " stopped heartbeating before it stopped the run", null, settings.clock().instant(), run.workerId());
                LOG.warn("worker {}: run {} of deployment '{}' marked CANCELLED: its cancel was asked for and its worker {}"
                        + " is gone", name, runId, run.deployment(), run.workerId());
                remove.run();
            } else if (run != null && run.status() == RunStatus.RUNNING && retries > 0 && store.crashes(runId) < retries) {
                int crashes = store.crashRetry(runId, Objects.requireNonNull(run.workerId()), "its worker ("
                        + run.workerId() + ") died while running it; run again under the flow's retry policy");
                if (crashes == 0) {
                    return; // another worker judged it first
                }
                LOG.warn("worker {}: run {} of deployment '{}' runs again: its worker {} is gone (crash {} of at most {})",
                        name, runId, run.deployment(), run.workerId(), crashes, retries);
                revive.run();
            } else if (run != null && run.status() == RunStatus.RUNNING) {
                store.finish(runId, RunStatus.CRASHED, "the worker running it (" + run.workerId() + ") stopped"
                        + " heartbeating", null, settings.clock().instant(), run.workerId());
                LOG.warn("worker {}: run {} of deployment '{}' marked CRASHED: its worker {} is gone", name, runId,
                        run.deployment(), run.workerId());
                remove.run();
            } else if (run != null && run.status() == RunStatus.SCHEDULED) {
                revive.run(); // picked, but its worker died before it started: run it
            } else {
                remove.run();
            }
        } catch (SQLException e) {
            throw store.error("mark run " + runId + " crashed", e);
        }
    }

    private void flowRunStarted(String runId, String flowRunId) {
        try {
            maintenance.execute(() -> {
                try {
                    store.setFlowRunId(runId, flowRunId);
                } catch (SQLException | RuntimeException e) {
                    LOG.debug("worker {}: could not record flow run {} of run {}: {}", name, flowRunId, runId, e.toString());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // stopping: the id is written when the run ends
        }
    }

    // ------------------------------------------------------------------ retention

    private void purgeQuietly() {
        if (stopping) {
            return;
        }
        try {
            Store.Purged purged = store.purge(settings.retention(), settings.clock().instant());
            if (purged.runs() > 0 || purged.workers() > 0) {
                LOG.info("worker {}: retention deleted {} finished deployment run(s) and {} worker(s) gone", name,
                        purged.runs(), purged.workers());
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("worker {}: purging finished deployment runs failed, trying again in an hour: {}", name, e.toString());
        }
    }

    /** Purges the run history and the scheduler's finished records now; returns the deployment runs deleted. */
    public long purge() {
        history.purge();
        try {
            return store.purge(settings.retention(), settings.clock().instant()).runs();
        } catch (SQLException e) {
            throw store.error("purge finished deployment runs", e);
        }
    }

    // ------------------------------------------------------------------ heartbeat

    private void beat() {
        if (stopping) {
            return;
        }
        try {
            db.requireSameFile();
        } catch (IllegalStateException e) {
            // its connections would go on in the unlinked file, which nobody else sees, while triggers from other
            // processes go into a new file at the path that no worker serves: stop, visibly (a restart serves the new one)
            LOG.error("worker {}: {}; the worker stops (its heartbeats, claims and runs would go where no other process"
                    + " sees them): start it again to serve the file at that path", name, e.getMessage());
            Thread stop = new Thread(this::close, "sluice-worker-stop");
            stop.setDaemon(true);
            stop.start();
            return;
        }
        try {
            Instant now = settings.clock().instant();
            long startNanos = System.nanoTime();
            try {
                store.heartbeat(id, now, now.plus(deadAfter()));
            } catch (SQLException | RuntimeException e) {
                databaseBackAt = null;
                throw e;
            }
            long beatNanos = System.nanoTime();
            long took = beatNanos - startNanos;
            long previous = lastBeatNanos;
            long sinceLast = beatNanos - previous; // previous: set at start, before the first beat
            lastBeatNanos = beatNanos;
            long trouble = store.troubleNanos();
            // failed; or since the last heartbeat a connection failed or was slow to come (a network blip, a restarting
            // server: other writes saw it, even if this one did not), or this one waited longer than a heartbeat, or
            // came a dead-worker period after the last (this JVM was frozen): the others were likely cut off as well,
            // and may get their connections back later than this worker
            boolean hung = took > settings.heartbeat().toNanos() || sinceLast > deadAfter().toNanos()
                    || (trouble != 0 && trouble - previous > 0);
            boolean back = databaseBackAt == null || hung;
            if (back) {
                databaseBackAt = settings.clock().instant();
                if (hung) {
                    LOG.info("worker {}: the database answers again after trouble ({} ms since the last heartbeat)",
                            name, TimeUnit.NANOSECONDS.toMillis(sinceLast));
                } else {
                    LOG.info("worker {}: the database answers again", name);
                }
            }
            observe(back);
            if (!control.active().isEmpty()) {
                for (String runId : store.cancelRequested(id)) {
                    if (control.cancel(runId)) {
                        LOG.info("worker {}: run {} cancelled from outside; interrupting its flow", name, runId);
                    }
                }
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("worker {}: heartbeat failed: {}", name, e.toString());
        }
    }

    /**
     * Reads the other workers' heartbeats and notes those that moved; {@code afresh} (this worker could not look for a
     * while): every worker's heartbeat counts as moved now.
     */
    private void observe(boolean afresh) throws SQLException {
        Instant now = settings.clock().instant();
        Map<String, Long> beats = store.workerHeartbeats();
        for (Map.Entry<String, Long> e : beats.entrySet()) {
            seen.compute(e.getKey(), (k, old) -> old == null || afresh || old.heartbeat() != e.getValue()
                    ? new Seen(e.getValue(), now) : old);
        }
        seen.keySet().retainAll(beats.keySet());
    }

    /** Whether worker {@code worker}'s heartbeat stood still for a dead-worker period, as this worker saw it. */
    private boolean seenDead(String worker, Instant now) {
        Seen s = seen.get(worker);
        return s != null && !now.isBefore(s.since().plus(deadAfter()));
    }

    /** The holders of leases as this worker sees them (itself live). */
    private Store.Holders holders() {
        Instant now = settings.clock().instant();
        Set<String> live = new HashSet<>();
        Set<String> dead = new HashSet<>();
        live.add(id);
        if (mayJudgeOthersDead()) {
            seen.keySet().forEach(w -> (seenDead(w, now) ? dead : live).add(w));
        } else {
            live.addAll(seen.keySet());
        }
        dead.remove(id);
        return new Store.Holders(live, dead);
    }

    /**
     * Whether the worker running {@code run} is gone: this worker itself, if it does not run it any more; another one,
     * if it is marked stopped, or if its heartbeat has not moved for a dead-worker period as this worker saw it (a
     * worker not seen yet is seen from now).
     */
    private boolean runnerGone(DeploymentRun run) throws SQLException {
        String worker = run.workerId();
        if (worker == null) {
            return true;
        }
        if (worker.equals(id)) {
            return !own.contains(run.id());
        }
        if (!seen.containsKey(worker)) {
            Long beat = store.workerHeartbeats().get(worker);
            if (beat == null) {
                return true; // stopped, or unknown
            }
            seen.putIfAbsent(worker, new Seen(beat, settings.clock().instant()));
        }
        return seenDead(worker, settings.clock().instant());
    }

    /** How long after its last heartbeat a worker, its executions and its leases are dead. */
    private Duration deadAfter() {
        return settings.heartbeat().multipliedBy(Math.max(2, settings.missedHeartbeats()));
    }

    /**
     * Whether this worker can judge other workers dead now: not while its own heartbeat fails, nor within a
     * dead-worker period and the {@link #RECONNECT_LAG} after it came back (the others' heartbeats failed in the same
     * outage, and their connection pools may reconnect later than this worker's did).
     */
    private boolean mayJudgeOthersDead() {
        Instant back = databaseBackAt;
        return back != null && (back.equals(Instant.EPOCH)
                || !settings.clock().instant().isBefore(back.plus(deadAfter()).plus(RECONNECT_LAG)));
    }

    /** Interrupts the runs of this worker whose cancel was asked for. */
    private void cancelFlagged() throws SQLException {
        if (control.active().isEmpty()) {
            return;
        }
        for (String runId : store.cancelRequested(id)) {
            if (control.cancel(runId)) {
                LOG.info("worker {}: run {} cancelled; interrupting its flow", name, runId);
            }
        }
    }

    /** Runs one heartbeat now (tests). */
    public void heartbeatNow() {
        beat();
    }

    /** What this worker looks like in the database. */
    public WorkerInfo info() {
        return operations.workers(null).stream().filter(w -> w.id().equals(id)).findFirst().orElseThrow();
    }

    // ------------------------------------------------------------------ stop

    /** Whether {@link #close()} was called. */
    public boolean isStopping() {
        return stopping;
    }

    /** Waits until the worker has stopped. */
    public boolean await(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * What a stop may take beyond {@code stopGrace}: for the runs interrupted after the grace to be handed back, the
     * worker marked stopped and the run history's last records written. A stop takes at most {@code stopGrace} plus
     * this, whatever the database does; what cannot be written by then is logged as lost.
     */
    public static final Duration STOP_MARGIN = Duration.ofSeconds(5);

    /** {@link System#nanoTime()} when the grace of a stop is over (runs not ended by then are interrupted); 0 before. */
    private volatile long graceOverAt;

    private boolean graceOver() {
        long at = graceOverAt;
        return at != 0 && System.nanoTime() - at >= 0;
    }

    /**
     * Stops taking work, lets running runs finish within the grace period, interrupts and hands back
     * those that do not, and closes everything, within {@code stopGrace} + {@link #STOP_MARGIN} whatever the database
     * does (down, or slow to refuse: from the stop on, a connection is waited for at most 1 s, and a write after the
     * grace is tried once). What could not be written by then is logged as lost. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (stopping) {
            return;
        }
        long start = System.nanoTime();
        graceOverAt = start + settings.stopGrace().toNanos();
        long deadline = graceOverAt + STOP_MARGIN.toNanos();
        stopping = true;
        if (Thread.currentThread() != exitHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(exitHook);
            } catch (IllegalStateException | IllegalArgumentException e) {
                // the JVM is stopping (the hook runs, and waits for this close), or the worker never started
            }
        }
        db.stopBy(deadline);
        Thread stopper = new Thread(() -> stop(deadline), "sluice-worker-stop");
        stopper.setDaemon(true);
        stopper.start();
        try {
            stopper.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())) + 500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (stopper.isAlive()) {
            LOG.error("worker {}: could not stop within stopGrace + {} s ({} s) because the database did not answer; given"
                    + " up: whatever was not written is lost (runs still RUNNING for this worker are taken for dead by the"
                    + " other workers after heartbeat x missedHeartbeats: CRASHED, or run again under their flow's retries;"
                    + " run history records not written are lost)", name, STOP_MARGIN.toSeconds(),
                    Duration.ofNanos(System.nanoTime() - start).toSeconds());
            releaseSqliteLock();
            stopped.countDown();
        }
    }

    private void stop(long deadline) {
        // db-scheduler waits for its threads, which wait for the database: when it is down that takes more than the
        // grace, so db-scheduler is waited for until the grace is over and its interrupted runs had 2 s to be handed
        // back, and no longer: the rest of the margin is for marking this worker stopped and the history's last records
        Thread dbScheduler = new Thread(() -> {
            try {
                scheduler.stop();
            } catch (RuntimeException e) {
                LOG.warn("worker {}: stopping db-scheduler failed: {}", name, e.toString());
            }
        }, "sluice-worker-stop-db-scheduler");
        dbScheduler.setDaemon(true);
        dbScheduler.start();
        try {
            dbScheduler.join(Math.max(1, Math.min(left(deadline), left(graceOverAt) + 2_000)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (dbScheduler.isAlive()) {
            LOG.warn("worker {}: db-scheduler did not stop within the grace + 2 s (the database does not answer); not"
                    + " waited for any longer", name);
        }
        released = true;
        maintenance.shutdownNow(); // a heartbeat or planning pass going on is interrupted: nothing is left to plan
        try {
            maintenance.awaitTermination(Math.max(1, Math.min(500, left(deadline) / 4)), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            store.workerStopped(id, settings.clock().instant());
        } catch (SQLException | RuntimeException e) {
            LOG.warn("worker {}: could not mark itself stopped ({}); the other workers take it for stopped once its"
                    + " heartbeat is heartbeat x missedHeartbeats old", name, Sql.rootMessage(e));
        }
        control.close();
        runtime.close();
        history.close(Duration.ofMillis(Math.max(100, left(deadline) - 1_000))); // the rest: closing the pools
        db.close();
        releaseSqliteLock();
        LOG.info("worker {} stopped", name);
        stopped.countDown();
    }

    /** Milliseconds left until {@code deadline} (a {@link System#nanoTime()}), at least 0. */
    private static long left(long deadline) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    private final java.util.concurrent.atomic.AtomicBoolean lockReleased = new java.util.concurrent.atomic.AtomicBoolean();

    private void releaseSqliteLock() {
        if (sqliteLockChannel != null && lockReleased.compareAndSet(false, true)) {
            try {
                if (sqliteLock != null) {
                    sqliteLock.release();
                }
                sqliteLockChannel.close();
            } catch (IOException e) {
                // released with the channel
            }
        }
    }
}
