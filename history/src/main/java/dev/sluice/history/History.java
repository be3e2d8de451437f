package dev.sluice.history;

import dev.sluice.RunRecorder;
import dev.sluice.SluiceRuntime;
import dev.sluice.cache.ResultStore;
import dev.sluice.history.internal.Engine;
import dev.sluice.history.internal.Schema;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A run history on one database: records runs (through {@link #recorder()}), answers queries about
 * them, deletes old ones ({@link Retention}) and shares cached results ({@link #resultStore()}).
 *
 * <p><b>With no code</b>, {@code sluice-history} on the class path makes every {@link SluiceRuntime}
 * record into {@code $SLUICE_HOME/sluice.db} (SQLite, WAL mode). Set
 * {@code SLUICE_DATABASE_URL=jdbc:postgresql://...} (with {@code SLUICE_DATABASE_USER} and
 * {@code SLUICE_DATABASE_PASSWORD}), or {@code SLUICE_DATABASE_BLOCK} to the name of a saved
 * {@link HistoryDatabase} block, for another database; {@code -Dsluice.history=off} or
 * {@code SLUICE_HISTORY=off} turns it off, as does {@link SluiceRuntime.Builder#withoutExtensions()}.
 * If the default file cannot be used, flows run as usual without it (a warning says why). A SQLite file another
 * process holds locked when the runtime starts does not turn the history off: runs are kept in memory (bounded; the
 * history module's README says what is dropped first when that fills) and written once the file is free, tried again
 * in the background.
 *
 * <p><b>Explicitly</b>, open one and plug its recorder (and, to share cached results, its result store)
 * into a runtime built without extensions, so runs are not recorded twice:
 *
 * <pre>{@code
 * try (History history = History.open(HistoryDatabase.sqlite(Path.of("/srv/etl/runs.db")));
 *      SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions()
 *              .recorder(history.recorder())
 *              .resultStore(history.resultStore())
 *              .build()) {
 *     runtime.run(etl, "Boston");
 * }
 * }</pre>
 *
 * <p><b>Writing</b> never slows a run down beyond a queue offer: a background thread writes batches,
 * one transaction each. The queue is bounded: when it is full the run waits (up to
 * {@link Builder#maxBlock}); records that still do not fit, or arrive while the database is
 * unreachable and the queue full, are counted in {@link HistoryStats#lost()} and logged, never dropped
 * silently. The record that ends a run (its terminal state, error and end time) is the exception: one that does not
 * fit is kept aside (for up to 10,000 runs, or the queue's capacity if larger) and written once the queue has been
 * emptied, so a run whose other records were lost still ends in its state rather than staying {@code RUNNING} until
 * it is marked {@code CRASHED}. Everything queued is written on {@link #close()} and when the JVM exits.
 *
 * <p><b>Several processes</b> may write and read one database at once (SQLite's WAL mode lets readers
 * see runs while they happen). Each open history registers its process (host, pid, start time) and
 * beats a heart; a history being opened, and every open one at each heartbeat, marks {@code CRASHED}
 * the unfinished runs of processes that are gone. A process on another host is gone when its heartbeat in the database
 * has not changed for {@link Builder#heartbeat crashAfter}, as the observing process sees it by its own clock: the time
 * the other host wrote is never compared with this host's clock, so hosts whose clocks disagree (by more than
 * {@code crashAfter}, even) do not take each other's live runs for crashed. So a process just opened marks the runs of a
 * process on another host that died earlier only once it has watched its heartbeat stand still for {@code crashAfter};
 * processes on this host are checked by pid at once.
 *
 * <p><b>A run marked {@code CRASHED} whose process was alive after all</b> (frozen, or cut off from the database, for
 * longer than {@code crashAfter}) is not {@code CRASHED} any more once that process writes it again: what the process
 * writes (its next state, and in the end the state its real end writes, e.g. {@code COMPLETED}) replaces the crash
 * mark, with the mark's end time and error; the {@code CRASHED} entry stays in the run's state history, with its reason,
 * as what was believed meanwhile. The state a run ends in is the one its process wrote last, never a false crash.
 *
 * <p><b>A SQLite file deleted or replaced</b> while a history has it open is not used any more: queries throw
 * {@link HistoryUnavailableException} saying so (its connections would answer from the file that is gone) and records
 * are counted lost; open a new history to use the file now there.
 *
 * <p>Thread-safe.
 */
public final class History implements AutoCloseable {
    private final Engine engine;
    private final Clock clock;

    private History(Engine engine, Clock clock) {
        this.engine = engine;
        this.clock = clock;
    }

    /**
     * Opens the history on {@code database} with the default settings, creating or migrating its schema.
     *
     * @throws HistoryException if the database cannot be reached or used; the message names it (password masked)
     */
    public static History open(HistoryDatabase database) {
        return builder(database).open();
    }

    /** A builder for a history on {@code database}. */
    public static Builder builder(HistoryDatabase database) {
        return new Builder(Objects.requireNonNull(database, "database"));
    }

    /**
     * The recorder writing runs into this history: pass it to {@link SluiceRuntime.Builder#recorder}.
     * Never throws; closing the runtime does not close the history.
     */
    public RunRecorder recorder() {
        return engine.recorder();
    }

    /**
     * Cached task results kept in this database, so every process using it shares them; two processes
     * computing the same key compute it once. Pass it to {@link SluiceRuntime.Builder#resultStore} or
     * {@code CachePolicy.storedIn(...)}. Usable until the history is closed.
     */
    public ResultStore resultStore() {
        return engine.resultStore();
    }

    /**
     * One page of flow runs matching {@code query}.
     *
     * @throws IllegalArgumentException if the query's cursor is not one of this query's pages
     * @throws HistoryException if the database cannot be read
     */
    public Page<FlowRunSummary> flowRuns(FlowRunQuery query) {
        Objects.requireNonNull(query, "query");
        return read("list flow runs", () -> engine.queries().flowRuns(query));
    }

    /**
     * One page of task runs matching {@code query}.
     *
     * @throws IllegalArgumentException if the query's cursor is not one of this query's pages
     * @throws HistoryException if the database cannot be read
     */
    public Page<TaskRunSummary> taskRuns(TaskRunQuery query) {
        Objects.requireNonNull(query, "query");
        return read("list task runs", () -> engine.queries().taskRuns(query));
    }

    /** Everything kept about flow run {@code id}: state history, parameters, error, first pages of task runs, subflow runs and logs. */
    public Optional<FlowRunDetail> flowRun(String id) {
        Objects.requireNonNull(id, "id");
        return read("read flow run " + id, () -> engine.queries().flowRun(id));
    }

    /** Everything kept about task run {@code id}. */
    public Optional<TaskRunDetail> taskRun(String id) {
        Objects.requireNonNull(id, "id");
        return read("read task run " + id, () -> engine.queries().taskRun(id));
    }

    /**
     * Log lines of a run, oldest first: {@code history.logs(LogQuery.of(runId).afterLine(last))} follows
     * a run that is still going. The page's cursor is the last line number.
     */
    public Page<LogEntry> logs(LogQuery query) {
        Objects.requireNonNull(query, "query");
        return read("read logs of run " + query.runId(), () -> engine.queries().logs(query));
    }

    /**
     * How many flow runs matching {@code query}'s conditions (its order, page size and cursor are
     * ignored) started in each {@code bucket} from {@code from} (inclusive) to {@code to} (exclusive),
     * by state: the data of an activity chart. Buckets without runs are left out. Buckets are spans of elapsed
     * time laid from {@code from} ({@code from}, {@code from + bucket}, ...), not calendar days of a time zone: for
     * days that follow a zone's midnights across a daylight-saving change, ask once per day.
     */
    public List<StateCount> stateCounts(FlowRunQuery query, Instant from, Instant to, Duration bucket) {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(bucket, "bucket");
        if (!to.isAfter(from)) {
            throw new IllegalArgumentException("to must be after from, was from=" + from + ", to=" + to);
        }
        if (bucket.compareTo(Duration.ofNanos(1_000)) < 0) {
            throw new IllegalArgumentException("bucket must be at least 1 microsecond, was " + bucket);
        }
        return read("count flow runs", () -> engine.queries().stateCounts(query, from, to, bucket));
    }

    /**
     * The latest run of flow {@code flowName} that succeeded ({@code COMPLETED} or {@code CACHED}) and
     * ended within {@code within} of now (by the {@link Builder#clock clock} of this history; a run that ended
     * exactly {@code within} ago counts).
     *
     * @throws IllegalArgumentException if {@code within} is zero or negative (a window that holds no run)
     */
    public Optional<FlowRunSummary> lastCompleted(String flowName, Duration within) {
        Objects.requireNonNull(flowName, "flowName");
        Objects.requireNonNull(within, "within");
        if (within.isNegative() || within.isZero()) {
            throw new IllegalArgumentException("within must be positive (how far back to look), was " + within);
        }
        Instant now = clock.instant();
        // a window longer than the time since the earliest instant reaches back to it (no ArithmeticException)
        Instant since = within.compareTo(Duration.between(Instant.MIN, now)) >= 0 ? Instant.MIN : now.minus(within);
        return read("look up the last run of flow " + flowName, () -> engine.queries().lastCompleted(flowName, since));
    }

    /**
     * Whether flow {@code flowName} succeeded within {@code within} of now: one indexed look-up, for
     * "run only if it has not already succeeded today".
     *
     * <pre>{@code
     * if (!history.hasCompleted("daily-etl", Duration.ofDays(1))) {
     *     etl.run(today);
     * }
     * }</pre>
     *
     * @throws IllegalArgumentException if {@code within} is zero or negative
     */
    public boolean hasCompleted(String flowName, Duration within) {
        return lastCompleted(flowName, within).isPresent();
    }

    /**
     * Deletes the runs past their retention now, in small transactions (it also runs by itself every
     * {@link Builder#purgeInterval}).
     */
    public PurgeResult purge() {
        return engine.purge();
    }

    /**
     * Marks {@code CRASHED} the unfinished runs of every process that is gone, now (this also happens
     * when a history is opened and at every heartbeat).
     *
     * @return how many runs were marked
     */
    public long markCrashedRuns() {
        return engine.markCrashed();
    }

    /**
     * Waits until every record handed to {@link #recorder()} before this call is written (or counted lost).
     *
     * @return false if that took longer than {@code timeout}
     */
    public boolean flush(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        try {
            return engine.flush(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@link #flush(Duration)} with 30 seconds. */
    public boolean flush() {
        return flush(Duration.ofSeconds(30));
    }

    /** What the writer has done so far, lost records included. */
    public HistoryStats stats() {
        return engine.stats();
    }

    /** The database, for messages: the SQLite file, or the URL without parameters and the user. */
    public String description() {
        return engine.description();
    }

    /**
     * Writes what is queued (waiting up to {@link Builder#closeTimeout}), stops the threads and closes the
     * connections: with the database gone, about 2 s more than the close timeout (the last writes wait a second each
     * for a connection, not the connect timeout). Runs this process left unfinished are marked crashed by the next
     * process that looks.
     * Idempotent. Queries on a closed history throw {@link IllegalStateException}.
     */
    @Override
    public void close() {
        engine.close();
    }

    /**
     * Closes as {@link #close()} does, but within {@code timeout} whatever the database does (down, or slow to refuse):
     * from now on a connection is waited for at most 1 s, what is queued gets three quarters of {@code timeout} to be
     * written, and what is not written by then is counted in {@link HistoryStats#lost()} and logged as lost. For a
     * process that must stop in a bounded time (a worker told to stop). Idempotent.
     *
     * @param timeout the longest the close takes (a little more for threads to notice)
     */
    public void close(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        engine.close(timeout);
    }

    @Override
    public String toString() {
        return "History[" + engine.description() + "]";
    }

    @FunctionalInterface
    private interface Read<T> {
        T run() throws SQLException;
    }

    private <T> T read(String what, Read<T> read) {
        if (engine.isClosed()) {
            throw new IllegalStateException("the run history " + engine.description() + " is closed");
        }
        try {
            engine.database().requireSameFile(); // its connections would answer from the file that is gone
        } catch (IllegalStateException e) {
            throw new HistoryUnavailableException("run history " + engine.description() + ": cannot " + what + ": "
                    + e.getMessage() + "; open the history again to use the file now there", e);
        }
        try {
            return read.run();
        } catch (SQLException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String message = "run history " + engine.description() + ": cannot " + what + ": " + root.getMessage();
            throw unavailable(e) ? new HistoryUnavailableException(message, e) : new HistoryException(message, e);
        }
    }

    /** Whether {@code e} says the database cannot be reached (no connection from the pool, a lost connection). */
    static boolean unavailable(SQLException e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof java.sql.SQLTransientConnectionException || t instanceof java.sql.SQLNonTransientConnectionException
                    || t instanceof java.net.ConnectException) {
                return true;
            }
            // 08: connection exceptions; 57P: the server is shutting down or restarting (PostgreSQL's operator intervention)
            if (t instanceof SQLException s && s.getSQLState() != null
                    && (s.getSQLState().startsWith("08") || s.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }

    /** Settings of a {@link History}; every setter validates its value and names it when it is wrong. */
    public static final class Builder {
        private final HistoryDatabase database;
        private Clock clock = Clock.systemUTC();
        private Retention retention = Retention.defaults();
        private Duration purgeInterval = Duration.ofHours(1);
        private int queueCapacity = 65_536;
        private int batchSize = 4_096;
        private Duration maxBlock = Duration.ofSeconds(5);
        private Duration linger = Duration.ofMillis(10);
        private Duration heartbeat = Duration.ofSeconds(10);
        private Duration crashAfter = Duration.ofSeconds(60);
        private Duration closeTimeout = Duration.ofSeconds(30);
        private boolean closeAtExit = true;
        private int schemaVersion = Schema.LATEST;

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

        /** The clock for heartbeats, retention and crash marking (default: the system clock; tests pass their own). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How long finished runs are kept (default {@link Retention#defaults()}: 30 days, 90 for failures). */
        public Builder retention(Retention retention) {
            this.retention = Objects.requireNonNull(retention, "retention");
            return this;
        }

        /** How often the retention purge runs by itself (default 1 hour; the first one a minute after opening). */
        public Builder purgeInterval(Duration interval) {
            this.purgeInterval = positive("purgeInterval", interval);
            return this;
        }

        /** How many records may wait for the writer (default 65,536); the bound that keeps the heap flat. */
        public Builder queueCapacity(int capacity) {
            if (capacity < 16) {
                throw new IllegalArgumentException("queueCapacity must be >= 16, was " + capacity);
            }
            this.queueCapacity = capacity;
            return this;
        }

        /** The most records written in one transaction (default 4,096). */
        public Builder batchSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("batchSize must be >= 1, was " + size);
            }
            this.batchSize = size;
            return this;
        }

        /**
         * How long a run waits for room in a full queue before its record is counted lost (default 5 s).
         * While the database is unreachable, records are counted lost at once when the queue is full.
         */
        public Builder maxBlock(Duration wait) {
            this.maxBlock = positive("maxBlock", wait);
            return this;
        }

        /**
         * How long the writer waits for more records when it has only a few (default 10 ms): fewer,
         * larger transactions, at the price of that much delay before readers see them.
         */
        public Builder linger(Duration linger) {
            Objects.requireNonNull(linger, "linger");
            if (linger.isNegative() || linger.compareTo(Duration.ofSeconds(1)) > 0) {
                throw new IllegalArgumentException("linger must be between 0 and 1s, was " + linger);
            }
            this.linger = linger;
            return this;
        }

        /**
         * How often this process tells others it is alive (default 10 s), and after how long without a
         * heartbeat a process on another host is taken for gone (default 60 s): the runs it has going on are
         * marked CRASHED. The period is measured by the observing process's own clock, from when it saw the other's
         * heartbeat last change (so clocks that disagree do not matter). Processes on this host are checked by pid at once. A process taken for gone that
         * heartbeats again (it was frozen, or cut off from the database) is watched again, so runs it starts
         * after are marked CRASHED if it dies.
         */
        public Builder heartbeat(Duration interval, Duration crashAfter) {
            positive("heartbeat", interval);
            positive("crashAfter", crashAfter);
            if (crashAfter.compareTo(interval.multipliedBy(2)) < 0) {
                throw new IllegalArgumentException("crashAfter must be at least twice the heartbeat (" + interval
                        + "), was " + crashAfter);
            }
            this.heartbeat = interval;
            this.crashAfter = crashAfter;
            return this;
        }

        /**
         * Whether a JVM shutdown hook writes what is queued and closes the history when the JVM stops
         * without {@link History#close()} having been called (default true). An owner that closes it
         * itself at exit, once the runs it records have ended (as a worker does after its grace period),
         * turns this off, so the history is not closed under runs that are still being recorded.
         */
        public Builder closeAtExit(boolean close) {
            this.closeAtExit = close;
            return this;
        }

        /** How long {@link History#close()} waits for the queue to be written (default 30 s). */
        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = positive("closeTimeout", timeout);
            return this;
        }

        /**
         * Migrates the schema only up to {@code version} instead of the latest (for tests of upgrades;
         * this code needs the latest to run, so opening stops there).
         */
        Builder schemaVersion(int version) {
            if (version < 1 || version > Schema.LATEST) {
                throw new IllegalArgumentException("schemaVersion must be between 1 and " + Schema.LATEST + ", was " + version);
            }
            this.schemaVersion = version;
            return this;
        }

        /**
         * Opens the history: connects, creates or migrates the schema (refusing one newer than this code),
         * registers this process, marks the runs of gone processes crashed, and starts the writer.
         *
         * @throws HistoryException if the database cannot be reached or used; the message names it
         */
        public History open() {
            Engine engine = Engine.open(new Engine.Settings(database, clock, retention, purgeInterval, queueCapacity,
                    batchSize, maxBlock, linger, heartbeat, crashAfter, closeTimeout, schemaVersion, closeAtExit));
            return new History(engine, clock);
        }
    }
}
