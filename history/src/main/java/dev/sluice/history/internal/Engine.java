package dev.sluice.history.internal;

import dev.sluice.RunRecorder;
import dev.sluice.cache.ResultStore;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.history.HistoryException;
import dev.sluice.history.HistoryStats;
import dev.sluice.history.PurgeResult;
import dev.sluice.history.Retention;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** An open history: the database, this process's owner row, the writer, the maintenance thread and the queries. */
public final class Engine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("dev.sluice.history");

    /** Everything {@code History.Builder} sets. */
    public record Settings(HistoryDatabase database, Clock clock, Retention retention, Duration purgeInterval,
            int queueCapacity, int batchSize, Duration maxBlock, Duration linger, Duration heartbeat,
            Duration crashAfter, Duration closeTimeout, int schemaTarget, boolean closeAtExit) {
    }

    private final Settings settings;
    private final Database db;
    private final Owners owners;
    private final Writer writer;
    private final HistoryRecorder recorder;
    private final Queries queries;
    private final Purger purger;
    private final SqlResultStore resultStore;
    private final ScheduledExecutorService maintenance;
    private final AtomicLong crashed = new AtomicLong();
    private final Thread shutdownHook;
    private volatile boolean closed;

    private Engine(Settings settings, Database db, Owners owners) {
        this.settings = settings;
        this.db = db;
        this.owners = owners;
        this.writer = new Writer(db, owners.id(), settings.clock(), settings.queueCapacity(), settings.batchSize(),
                settings.maxBlock(), settings.linger());
        this.writer.registersWith(owners);
        this.recorder = new HistoryRecorder(writer, db.description());
        this.queries = new Queries(db, settings.clock());
        this.purger = new Purger(db, db.dialect() == Dialect.SQLITE ? Duration.ofMillis(60) : Duration.ofMillis(250),
                Duration.ofMillis(2));
        this.resultStore = new SqlResultStore(db, owners, settings.clock());
        this.maintenance = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sluice-history-maintenance");
            t.setDaemon(true);
            return t;
        });
        this.shutdownHook = new Thread(this::close, "sluice-history-flush");
    }

    /**
     * Opens, migrates, registers this process, marks the runs of gone processes crashed, and starts writing.
     *
     * @throws HistoryException if the database cannot be used
     */
    public static Engine open(Settings settings) {
        Database db = Database.open(settings.database());
        try {
            Schema.migrate(db, settings.schemaTarget());
            Owners owners;
            try {
                owners = Owners.register(db, settings.clock(), settings.heartbeat(), settings.crashAfter());
            } catch (SQLException e) {
                throw db.file() != null ? Database.sqliteError(db.file(), e) : new HistoryException("cannot write to the run"
                        + " history database " + db.description() + ": " + Database.rootMessage(e), e);
            }
            Engine engine = new Engine(settings, db, owners);
            engine.start();
            return engine;
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    private void start() {
        if (owners.registered()) { // else at the first heartbeat: reaping writes, and the file is locked now
            reapQuietly();
        }
        writer.start();
        long beat = Math.max(1, settings.heartbeat().toMillis());
        maintenance.scheduleWithFixedDelay(this::beat, beat, beat, TimeUnit.MILLISECONDS);
        if (!settings.retention().isForever()) {
            long every = Math.max(1_000, settings.purgeInterval().toMillis());
            maintenance.scheduleWithFixedDelay(this::purgeQuietly, Math.min(every, 60_000), every, TimeUnit.MILLISECONDS);
        }
        if (settings.closeAtExit()) {
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
        LOG.debug("run history {} open (owner {})", db.description(), owners.id());
    }

    private void beat() {
        try {
            owners.heartbeat();
        } catch (SQLException | RuntimeException e) {
            LOG.debug("run history {}: heartbeat failed: {}", db.description(), e.toString());
        }
        resultStore.releasePending();
        reapQuietly();
    }

    private void reapQuietly() {
        try {
            crashed.addAndGet(owners.reap());
        } catch (SQLException | RuntimeException e) {
            LOG.warn("run history {}: could not look for runs left by processes that are gone: {}", db.description(),
                    e.toString());
        }
    }

    private void purgeQuietly() {
        try {
            purge();
        } catch (RuntimeException e) {
            LOG.warn("run history {}: retention purge failed: {}", db.description(), e.toString());
        }
    }

    /** The recorder to add to a runtime. */
    public RunRecorder recorder() {
        return recorder;
    }

    /** The queries. */
    public Queries queries() {
        return queries;
    }

    /** The result store on this database. */
    public ResultStore resultStore() {
        return resultStore;
    }

    /** What was opened, for messages. */
    public String description() {
        return db.description();
    }

    /** The database. */
    public Database database() {
        return db;
    }

    /** The writer's counters. */
    public HistoryStats stats() {
        return writer.stats(crashed.get());
    }

    /** Waits until everything recorded so far is written. */
    public boolean flush(Duration timeout) throws InterruptedException {
        return writer.flush(timeout);
    }

    /** Marks the runs of gone processes crashed now. */
    public long markCrashed() {
        try {
            long n = owners.reap();
            crashed.addAndGet(n);
            return n;
        } catch (SQLException e) {
            throw new HistoryException("run history " + db.description() + ": cannot mark crashed runs: "
                    + Database.rootMessage(e), e);
        }
    }

    /** Runs the retention purge now. */
    public PurgeResult purge() {
        try {
            return purger.purge(settings.retention(), settings.clock().instant());
        } catch (SQLException e) {
            throw new HistoryException("run history " + db.description() + ": retention purge failed: "
                    + Database.rootMessage(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HistoryException("run history " + db.description() + ": retention purge interrupted", e);
        }
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        close(null);
    }

    /**
     * Closes within {@code timeout} (null: the writer waits up to the close timeout, as {@link #close()}, and the rest
     * takes at most 2 s more), whatever the database does: from now on a connection is waited for at most 1 s and not
     * past the deadline, the writer gets what is left of it but a quarter (for marking this process closed), and
     * records not written by then are counted lost and logged.
     */
    public synchronized void close(@Nullable Duration timeout) {
        if (closed) {
            return;
        }
        closed = true;
        long start = System.nanoTime();
        Duration writeFor = settings.closeTimeout();
        if (timeout != null) {
            db.stopBy(start + timeout.toNanos());
            writeFor = timeout.minus(timeout.dividedBy(4));
        }
        writer.close(writeFor);
        if (timeout == null) {
            // the records had their close timeout; the last writes (this process closed) must not wait a whole connect
            // timeout more for a database that is gone: a second for a connection each, two in all
            db.stopBy(System.nanoTime() + TimeUnit.SECONDS.toNanos(2));
        }
        maintenance.shutdownNow();
        try {
            maintenance.awaitTermination(timeout == null ? 5_000 : Math.max(1, Math.min(5_000,
                    TimeUnit.NANOSECONDS.toMillis(start + timeout.toNanos() - System.nanoTime()))), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            owners.closed();
        } catch (SQLException | RuntimeException e) {
            LOG.warn("run history {}: could not mark this process closed ({}); its unfinished runs are marked CRASHED once"
                    + " another process sees it gone", db.description(), e.toString());
        }
        if (db.dialect() == Dialect.SQLITE && owners.registered()) { // (optimize may write: not by a process that never did)
            try (Connection c = db.connection(); Statement s = c.createStatement()) {
                s.execute("pragma optimize");
            } catch (SQLException | RuntimeException e) {
                LOG.debug("pragma optimize failed", e);
            }
        }
        db.close();
        if (settings.closeAtExit() && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs or ran
            }
        }
        HistoryStats s = stats();
        if (s.lost() > 0) {
            LOG.warn("run history {} closed: {} record(s) written, {} lost", db.description(), s.written(), s.lost());
        } else {
            LOG.debug("run history {} closed: {} record(s) written", db.description(), s.written());
        }
    }
}
