package dev.sluice.history.internal;

import dev.sluice.ErrorInfo;
import dev.sluice.LogLine;
import dev.sluice.State;
import dev.sluice.history.HistoryStats;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background writer of a history: one thread taking records off a bounded queue in batches and
 * folding the records of one run in one batch into one row, and a second one writing each folded batch in
 * one transaction (runs first seen in the batch by plain inserts, on PostgreSQL by {@code COPY}; the
 * others by upserts) while the first folds the next. When the queue is full the recording thread waits (back-pressure) up to a bound; past it, or
 * while the database is unreachable, a record is dropped and counted as lost, with a log line: never
 * silently. A batch that fails because the database is away is kept and written again when it is back.
 */
public final class Writer implements HistoryRecorder.Sink {
    private static final Logger LOG = LoggerFactory.getLogger("dev.sluice.history");
    private static final long LOSS_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    /**
     * A row marked CRASHED because its process was taken for gone (it stopped heartbeating: frozen, or cut off from the
     * database) that the process writes again: it was alive after all, so what it writes now (its next state, and in
     * the end the state its real end writes) replaces the crash mark, with the mark's end time and error; the CRASHED
     * entry stays in the state history, as what was believed then.
     */
    private static final String FLOW_RUN_REVIVED = "(flow_run.state = 'CRASHED' and flow_run.error_type = '"
            + Owners.PROCESS_GONE + "')";
    private static final String TASK_RUN_REVIVED = "(task_run.state = 'CRASHED' and task_run.error_type = '"
            + Owners.PROCESS_GONE + "')";
    private static final String FLOW_INSERT = "insert into flow_run (id, name, flow_name, version, state,"
            + " parent_flow_run_id, root_id, tags, parameters, history, attempts, error_type, error_message, error_stack,"
            + " created_at, start_time, end_time, sort_time, duration_us, owner_id, updated_at) values ";
    private static final int FLOW_WIDTH = 21;
    private static final String FLOW_CONFLICT = " on conflict (id) do update set name = excluded.name,"
            + " state = excluded.state, tags = excluded.tags,"
            + " parameters = coalesce(excluded.parameters, flow_run.parameters),"
            + " history = flow_run.history || excluded.history, attempts = excluded.attempts,"
            + " error_type = case when " + FLOW_RUN_REVIVED + " then excluded.error_type else coalesce(excluded.error_type, flow_run.error_type) end,"
            + " error_message = case when " + FLOW_RUN_REVIVED + " then excluded.error_message else coalesce(excluded.error_message, flow_run.error_message) end,"
            + " error_stack = case when " + FLOW_RUN_REVIVED + " then excluded.error_stack else coalesce(excluded.error_stack, flow_run.error_stack) end,"
            + " start_time = coalesce(flow_run.start_time, excluded.start_time),"
            + " end_time = case when " + FLOW_RUN_REVIVED + " then excluded.end_time else coalesce(excluded.end_time, flow_run.end_time) end,"
            + " sort_time = coalesce(flow_run.start_time, excluded.start_time, flow_run.sort_time),"
            + " duration_us = excluded.duration_us, owner_id = excluded.owner_id, updated_at = excluded.updated_at";
    private static final String TASK_INSERT = "insert into task_run (id, name, task_name, version, state,"
            + " flow_run_id, parent_task_run_id, tags, parameters, history, attempts, cache_key, cached_from_run_id,"
            + " error_type, error_message, error_stack, created_at, start_time, end_time, sort_time, duration_us,"
            + " owner_id, updated_at) values ";
    private static final int TASK_WIDTH = 23;
    private static final String TASK_CONFLICT = " on conflict (id) do update set name = excluded.name,"
            + " state = excluded.state, tags = excluded.tags,"
            + " parameters = coalesce(excluded.parameters, task_run.parameters),"
            + " history = task_run.history || excluded.history, attempts = excluded.attempts,"
            + " cache_key = coalesce(excluded.cache_key, task_run.cache_key),"
            + " cached_from_run_id = coalesce(excluded.cached_from_run_id, task_run.cached_from_run_id),"
            + " error_type = case when " + TASK_RUN_REVIVED + " then excluded.error_type else coalesce(excluded.error_type, task_run.error_type) end,"
            + " error_message = case when " + TASK_RUN_REVIVED + " then excluded.error_message else coalesce(excluded.error_message, task_run.error_message) end,"
            + " error_stack = case when " + TASK_RUN_REVIVED + " then excluded.error_stack else coalesce(excluded.error_stack, task_run.error_stack) end,"
            + " start_time = coalesce(task_run.start_time, excluded.start_time),"
            + " end_time = case when " + TASK_RUN_REVIVED + " then excluded.end_time else coalesce(excluded.end_time, task_run.end_time) end,"
            + " sort_time = coalesce(task_run.start_time, excluded.start_time, task_run.sort_time),"
            + " duration_us = excluded.duration_us, owner_id = excluded.owner_id, updated_at = excluded.updated_at";
    private static final String LOG_INSERT = "insert into log_line (flow_run_id, task_run_id, time, level, logger,"
            + " message, error) values ";
    private static final int LOG_WIDTH = 7;
    /** Rows a multi-row statement holds on PostgreSQL (its limit is 65,535 parameters a statement). */
    private static final int ROWS_PER_STATEMENT = 256;
    /** A SQL NULL of a text column, in a row of values. */
    private static final Object NULL_TEXT = new Object();
    /** A SQL NULL of an integer column, in a row of values. */
    private static final Object NULL_LONG = new Object();

    private final Database db;
    private final String ownerId;
    /** The owner whose row must be written before this writer's rows ({@link Owners#register}); null in tests. */
    private volatile @Nullable Owners owners;
    private final Clock clock;
    private final ArrayBlockingQueue<Event> queue;
    private final int batchSize;
    private final long maxBlockNanos;
    private final long lingerNanos;
    private final Thread thread;

    private final LongAdder recorded = new LongAdder();
    private final AtomicLong written = new AtomicLong();
    private final LongAdder lost = new LongAdder();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong recorderFailures = new AtomicLong();
    private volatile @Nullable String lastError;
    private final AtomicLong lastLossLog = new AtomicLong(System.nanoTime() - LOSS_LOG_INTERVAL_NANOS);
    private final AtomicLong lossesAtLastLog = new AtomicLong();

    /**
     * The last record of runs that ended while their record could not be queued (the database locked or away and the
     * queue full), by run id, up to the queue's capacity (at least {@value #LOST_ENDS_MIN}): written once the queue has been emptied, after every record
     * queued before them, so a run whose records were lost still ends in its state instead of staying RUNNING until
     * another process marks it CRASHED.
     */
    private final java.util.concurrent.ConcurrentHashMap<String, Event.RunEvent> lostEnds =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final int lostEndsCapacity;
    /** The fewest ends of runs kept aside, whatever the queue's capacity (a small queue still keeps every run's end). */
    private static final int LOST_ENDS_MIN = 10_000;

    /** True while the writer cannot write (the database is away): records are dropped at once instead of waiting. */
    private volatile boolean degraded;
    private volatile boolean closed;
    private volatile boolean stopped;
    private volatile boolean stopNow;
    /** Runs written and not ended yet: their tags are written once, when first seen. */
    private final Set<String> live = new HashSet<>();
    /** Used by the SQL thread only. */
    private @Nullable Connection connection;
    /** Folded batches on their way from the folding thread to the SQL thread. */
    private final ArrayBlockingQueue<Rows> folded = new ArrayBlockingQueue<>(1);
    /** Records taken from the queue and folded into rows not yet written or lost (waiting for the SQL thread, or being retried). */
    private final java.util.concurrent.atomic.AtomicLong inFlight = new java.util.concurrent.atomic.AtomicLong();
    private final Thread sqlThread;

    /** Makes every write first write {@code owners}'s row, if it could not be written when the history opened. */
    void registersWith(Owners owners) {
        this.owners = owners;
    }

    public Writer(Database db, String ownerId, Clock clock, int capacity, int batchSize, Duration maxBlock, Duration linger) {
        this.db = db;
        this.ownerId = ownerId;
        this.clock = clock;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.lostEndsCapacity = Math.max(capacity, LOST_ENDS_MIN);
        this.batchSize = batchSize;
        this.maxBlockNanos = maxBlock.toNanos();
        this.lingerNanos = linger.toNanos();
        this.thread = new Thread(this::loop, "sluice-history-writer");
        this.thread.setDaemon(true);
        this.sqlThread = new Thread(this::sqlLoop, "sluice-history-writer-sql");
        this.sqlThread.setDaemon(true);
    }

    /** Starts the writer's threads. */
    public void start() {
        sqlThread.start();
        thread.start();
    }

    /** Queues {@code event}; waits while the queue is full, up to the bound; past it, counts it lost. */
    @Override
    public void offer(Event event) {
        recorded.increment();
        if (stopped) {
            lose(1, "the history is closed"); // the writer is gone: queued now, it would never be written
            return;
        }
        if (queue.offer(event)) {
            if (stopped && queue.remove(event)) {
                lose(1, "the history is closed"); // queued after close() emptied the queue
            }
            return;
        }
        if (closed) {
            lose(1, "the history is closed");
            return;
        }
        if (!degraded) {
            try {
                if (queue.offer(event, maxBlockNanos, TimeUnit.NANOSECONDS)) {
                    return;
                }
                degraded = true; // the next records do not wait: the writer is stuck
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the run was interrupted: keep its flag for it
                if (queue.offer(event)) {
                    return;
                }
            }
        }
        if (keepEnd(event)) {
            return;
        }
        lose(1, "the queue of " + (queue.remainingCapacity() + queue.size()) + " records is full"
                + (lastError != null ? " (last write error: " + lastError + ")" : ""));
    }

    /** Keeps {@code event} aside when it ends a run (see {@link #lostEnds}); false if it does not, or there is no room. */
    private boolean keepEnd(Event event) {
        if (!(event instanceof Event.RunEvent r) || r.change() == null || !r.state().isTerminal() || closed) {
            return false;
        }
        if (lostEnds.size() >= lostEndsCapacity && !lostEnds.containsKey(r.id())) {
            return false;
        }
        Event.RunEvent before = lostEnds.put(r.id(), r);
        if (before != null) {
            lose(1, "a run ended twice while its records could not be queued"); // the earlier end is replaced
        }
        return true;
    }

    /**
     * Adds the kept ends of runs to {@code batch} once the queue is empty (so every record queued before them is in
     * this batch or an earlier one).
     */
    private void addLostEnds(List<Event> batch) {
        if (lostEnds.isEmpty() || !queue.isEmpty()) {
            return;
        }
        for (var it = lostEnds.values().iterator(); it.hasNext(); ) {
            Event.RunEvent end = it.next();
            it.remove();
            int flushAt = firstFlush(batch);
            if (flushAt >= 0) {
                batch.add(flushAt, end); // written before a flush that waits for it
            } else {
                batch.add(end);
            }
        }
    }

    private static int firstFlush(List<Event> batch) {
        for (int i = 0; i < batch.size(); i++) {
            if (batch.get(i) instanceof Event.FlushEvent) {
                return i;
            }
        }
        return -1;
    }

    /** A recorder call failed before reaching the queue (a run whose accessors threw). */
    @Override
    public void recorderFailed(RuntimeException e) {
        if (recorderFailures.getAndIncrement() == 0) {
            LOG.warn("the run history could not take a snapshot of a run; that record is lost", e);
        }
        lose(1, "a snapshot failed: " + e);
    }

    private void lose(long n, String why) {
        lost.add(n);
        long now = System.nanoTime();
        long last = lastLossLog.get();
        if (now - last >= LOSS_LOG_INTERVAL_NANOS && lastLossLog.compareAndSet(last, now)) {
            long total = lost.sum();
            long since = total - lossesAtLastLog.getAndSet(total);
            LOG.warn("run history {}: {} record(s) lost ({} in all so far): {}; they will not be in the database",
                    db.description(), since, total, why);
        }
    }

    /**
     * Waits until everything queued before this call is written (or counted lost).
     *
     * @return false if that took longer than {@code timeout}
     */
    public boolean flush(Duration timeout) throws InterruptedException {
        if (!thread.isAlive() || !sqlThread.isAlive()) {
            return queue.isEmpty() && folded.isEmpty();
        }
        CountDownLatch done = new CountDownLatch(1);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!queue.offer(new Event.FlushEvent(done), 10, TimeUnit.MILLISECONDS)) {
            if (System.nanoTime() > deadline || !thread.isAlive() || !sqlThread.isAlive()) {
                return false;
            }
        }
        return done.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** Stops taking records, writes what is queued (waiting up to {@code timeout}), and stops the thread. */
    public void close(Duration timeout) {
        closed = true;
        try {
            if (!flush(timeout)) {
                LOG.warn("run history {}: could not write the last {} record(s) within {}; they are lost",
                        db.description(), queued(), timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopNow = true;
        thread.interrupt();
        sqlThread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
            sqlThread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopped = true; // from here on, offer() counts a record lost instead of queueing it for nobody
        for (Rows rows = folded.poll(); rows != null; rows = folded.poll()) {
            if (rows.records > 0) {
                inFlight.addAndGet(-rows.records);
                lose(rows.records, "the history was closed before they were written");
            }
            rows.release();
        }
        int left = queue.size();
        for (Event e : queue) {
            if (e instanceof Event.FlushEvent f) {
                f.done().countDown();
                left--;
            }
        }
        queue.clear();
        left += lostEnds.size();
        lostEnds.clear();
        if (left > 0) {
            lose(left, "the history was closed before they were written");
        }
        closeConnection();
    }

    /** The writer's counters now. */
    public HistoryStats stats(long crashedRunsMarked) {
        return new HistoryStats(recorded.sum(), written.get(), lost.sum(), queued(), failures.get(), crashedRunsMarked,
                lastError);
    }

    /** Records waiting to be written: in the queue, and taken from it but not yet written (a batch retried meanwhile). */
    private int queued() {
        return (int) Math.min(Integer.MAX_VALUE, queue.size() + Math.max(0, inFlight.get()) + lostEnds.size());
    }

    /**
     * The folding thread: takes batches of records off the queue and folds them into rows, while the SQL
     * thread writes the previous batch (the two share the work of a record about one to two).
     */
    private void loop() {
        List<Event> batch = new ArrayList<>(batchSize);
        while (!stopNow) {
            Rows rows = null;
            try {
                Event first = queue.poll(lostEnds.isEmpty() ? 1_000 : 50, TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, batchSize - 1);
                    if (batch.size() < batchSize / 8 && lingerNanos > 0 && !closed && !hasFlush(batch)) {
                        TimeUnit.NANOSECONDS.sleep(lingerNanos);
                        queue.drainTo(batch, batchSize - batch.size());
                    }
                }
                addLostEnds(batch);
                if (batch.isEmpty()) {
                    continue;
                }
                try {
                    rows = prepare(batch);
                } catch (RuntimeException | Error e) {
                    LOG.error("run history {}: the writer failed; {} record(s) are lost", db.description(), batch.size(), e);
                    lose(count(batch), "the writer failed: " + e);
                    release(batch);
                    continue;
                }
                inFlight.addAndGet(rows.records);
                folded.put(rows);
                rows = null;
            } catch (InterruptedException e) {
                if (rows != null) {
                    inFlight.addAndGet(-rows.records);
                    lose(rows.records, "the history was closed before they were written");
                    rows.release();
                }
                if (stopNow) {
                    break;
                }
            } finally {
                batch.clear();
            }
        }
    }

    /** The SQL thread: writes the folded batches, in order. */
    private void sqlLoop() {
        while (!stopNow) {
            Rows rows = null;
            try {
                rows = folded.poll(1, TimeUnit.SECONDS);
                if (rows != null) {
                    writeWithRetry(rows);
                }
            } catch (InterruptedException e) {
                if (stopNow) {
                    break;
                }
            } catch (RuntimeException | Error e) {
                if (rows != null) {
                    LOG.error("run history {}: the writer failed; {} record(s) are lost", db.description(), rows.records, e);
                    inFlight.addAndGet(-rows.records);
                    lose(rows.records, "the writer failed: " + e);
                    rows.release();
                }
            }
        }
    }

    private static boolean hasFlush(List<Event> batch) {
        for (Event e : batch) {
            if (e instanceof Event.FlushEvent) {
                return true;
            }
        }
        return false;
    }

    private static int count(List<Event> batch) {
        int n = 0;
        for (Event e : batch) {
            if (!(e instanceof Event.FlushEvent)) {
                n++;
            }
        }
        return n;
    }

    private static void release(List<Event> batch) {
        for (Event e : batch) {
            if (e instanceof Event.FlushEvent f) {
                f.done().countDown();
            }
        }
    }

    private void writeWithRetry(Rows rows) throws InterruptedException {
        int records = rows.records;
        int attempt = 0;
        long backoff = 50;
        boolean upsertOnly = false;
        while (true) {
            try {
                if (records > 0) {
                    write(rows, upsertOnly);
                    written.addAndGet(records);
                    inFlight.addAndGet(-records);
                }
                if (degraded) {
                    degraded = false;
                    if (attempt > 0) {
                        LOG.info("run history {}: writing again", db.description());
                    }
                }
                rows.release();
                return;
            } catch (SQLException | RuntimeException e) {
                if (!upsertOnly && uniqueViolation(e)) {
                    upsertOnly = true; // a run of this batch is there already: written by an earlier attempt
                    LOG.debug("run history {}: writing a batch again with upserts ({})", db.description(), e.toString());
                    continue;
                }
                closeConnection();
                failures.incrementAndGet();
                lastError = Database.rootMessage(e);
                attempt++;
                boolean away = Dialect.isTransient(e);
                if (away && !stopNow && !(closed && attempt > 3)) {
                    if (attempt == 1 || attempt % 50 == 0) {
                        LOG.warn("run history {}: cannot write {} record(s) ({}); keeping them and trying again; new"
                                + " records are dropped (and counted) while the queue is full", db.description(), records,
                                lastError);
                    }
                    degraded = true;
                    Thread.sleep(backoff);
                    backoff = Math.min(backoff * 2, 2_000);
                    continue;
                }
                if (!away && attempt < 3) {
                    continue;
                }
                LOG.error("run history {}: {} record(s) could not be written and are lost", db.description(), records, e);
                inFlight.addAndGet(-records);
                lose(records, "a batch failed: " + lastError);
                rows.release();
                return;
            }
        }
    }

    private static boolean uniqueViolation(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof SQLException s && "23505".equals(s.getSQLState())) {
                return true; // PostgreSQL's unique_violation
            }
            if (c instanceof org.sqlite.SQLiteException lite) {
                int code = lite.getResultCode().code;
                String m = String.valueOf(lite.getMessage());
                return code == 1555 || code == 2067 // SQLITE_CONSTRAINT_PRIMARYKEY, _UNIQUE
                        || code == 19 && (m.contains("UNIQUE") || m.contains("PRIMARY KEY"));
            }
        }
        return false;
    }

    private Connection connection() throws SQLException {
        Connection c = connection;
        if (c == null || c.isClosed()) {
            c = db.connection();
            connection = c;
        }
        return c;
    }

    private void closeConnection() {
        Connection c = connection;
        connection = null;
        if (c != null) {
            db.rollback(c);
            try {
                c.close();
            } catch (SQLException e) {
                LOG.debug("closing a history connection failed", e);
            }
        }
    }

    /** One run's records in one batch, folded. */
    private static final class Fold {
        Event.RunEvent last;
        final StringBuilder history = new StringBuilder();
        final Instant created;
        @Nullable Map<String, ? extends @Nullable Object> parameters;
        @Nullable ErrorInfo error;
        boolean writeTags;
        /** The batch holds the run's first state change, so its row cannot be in the database yet. */
        boolean fresh;

        Fold(Event.RunEvent first, Instant now) {
            this.last = first;
            this.created = first.change() != null ? first.change().at() : first.start() != null ? first.start() : now;
        }
    }

    /** A batch folded into the rows of one transaction; made on the folding thread, written by the SQL thread. */
    private static final class Rows {
        final int records;
        final List<Event.FlushEvent> flushes;
        List<Object[]> newFlows = List.of();
        List<Object[]> flows = List.of();
        List<Object[]> flowTags = List.of();
        List<Object[]> newTasks = List.of();
        List<Object[]> tasks = List.of();
        List<Object[]> taskTags = List.of();
        List<Object[]> logs = List.of();

        Rows(int records, List<Event.FlushEvent> flushes) {
            this.records = records;
            this.flushes = flushes;
        }

        void release() {
            for (Event.FlushEvent f : flushes) {
                f.done().countDown();
            }
        }
    }

    /**
     * Folds {@code batch} into rows: the records of one run into one row, the runs first seen here apart
     * (they are inserted, the others upserted). Runs seen and not ended are remembered, so that their tags
     * are written once.
     */
    private Rows prepare(List<Event> batch) {
        List<Event.FlushEvent> flushes = new ArrayList<>(1);
        for (Event e : batch) {
            if (e instanceof Event.FlushEvent f) {
                flushes.add(f);
            }
        }
        Rows out = new Rows(batch.size() - flushes.size(), flushes);
        if (out.records == 0) {
            return out;
        }
        Instant now = clock.instant();
        Map<String, Fold> flows = new LinkedHashMap<>();
        Map<String, Fold> tasks = new LinkedHashMap<>();
        List<Event.LogEvent> logs = new ArrayList<>();
        for (Event e : batch) {
            if (e instanceof Event.RunEvent r) {
                Map<String, Fold> folds = r.flow() ? flows : tasks;
                Fold f = folds.get(r.id());
                if (f == null) {
                    f = new Fold(r, now);
                    folds.put(r.id(), f);
                    f.writeTags = !live.contains(r.id());
                    f.fresh = f.writeTags && r.change() != null
                            && (r.change().state() == State.PENDING || r.change().state() == State.SCHEDULED);
                }
                f.last = r;
                if (r.tagsChanged()) {
                    f.writeTags = true;
                }
                if (r.change() != null) {
                    f.history.append(Json.historyLine(r.change())).append('\n');
                }
                if (r.parameters() != null) {
                    f.parameters = r.parameters();
                }
                if (r.error() != null) {
                    f.error = r.error();
                }
            } else if (e instanceof Event.LogEvent l) {
                logs.add(l);
            }
        }
        Instant written = now;
        Map<java.util.Set<String>, String> tagJson = new IdentityHashMap<>();
        Map<java.util.Set<String>, List<String>> maskedTags = new IdentityHashMap<>();
        List<Object[]> flowRows = new ArrayList<>(flows.size());
        List<Object[]> newFlowRows = new ArrayList<>(flows.size());
        List<Object[]> flowTags = new ArrayList<>();
        for (Fold f : flows.values()) {
            Event.RunEvent r = f.last;
            Object[] row = new Object[FLOW_WIDTH];
            int i = 0;
            row[i++] = r.id();
            row[i++] = r.name();
            row[i++] = r.definitionName();
            row[i++] = text(r.version());
            row[i++] = r.state().name();
            row[i++] = text(r.parentId());
            row[i++] = r.rootOrParentTask() != null ? r.rootOrParentTask() : r.id();
            row[i++] = tagJson.computeIfAbsent(r.tags(), t -> Masking.mask(Json.tags(t)));
            row[i++] = text(f.parameters == null ? null : Json.parameters(f.parameters));
            row[i++] = f.history.toString();
            row[i++] = (long) r.attempts();
            i = error(row, i, f.error);
            i = times(row, i, f, r);
            row[i++] = ownerId;
            row[i] = Times.micros(written);
            (f.fresh ? newFlowRows : flowRows).add(row);
            tags(flowTags, f, maskedTags);
        }
        List<Object[]> taskRows = new ArrayList<>(tasks.size());
        List<Object[]> newTaskRows = new ArrayList<>(tasks.size());
        List<Object[]> taskTags = new ArrayList<>();
        for (Fold f : tasks.values()) {
            Event.RunEvent r = f.last;
            Object[] row = new Object[TASK_WIDTH];
            int i = 0;
            row[i++] = r.id();
            row[i++] = r.name();
            row[i++] = r.definitionName();
            row[i++] = text(r.version());
            row[i++] = r.state().name();
            row[i++] = text(r.parentId());
            row[i++] = text(r.rootOrParentTask());
            row[i++] = tagJson.computeIfAbsent(r.tags(), t -> Masking.mask(Json.tags(t)));
            row[i++] = text(f.parameters == null ? null : Json.parameters(f.parameters));
            row[i++] = f.history.toString();
            row[i++] = (long) r.attempts();
            row[i++] = text(r.cacheKey());
            row[i++] = text(r.cachedFromRunId());
            i = error(row, i, f.error);
            i = times(row, i, f, r);
            row[i++] = ownerId;
            row[i] = Times.micros(written);
            (f.fresh ? newTaskRows : taskRows).add(row);
            tags(taskTags, f, maskedTags);
        }
        List<Object[]> logRows = new ArrayList<>(logs.size());
        for (Event.LogEvent l : logs) {
            LogLine line = l.line();
            String flowRunId = line.flowRunId() != null ? line.flowRunId() : l.flow() ? l.runId() : null;
            String taskRunId = line.taskRunId() != null ? line.taskRunId() : l.flow() ? null : l.runId();
            logRows.add(new Object[] {text(flowRunId), text(taskRunId), Times.micros(line.time()), line.level(),
                    line.logger(), line.message(), text(line.error())});
        }

        for (Map<String, Fold> folds : List.of(flows, tasks)) {
            for (Fold f : folds.values()) {
                if (f.last.state().isTerminal()) {
                    live.remove(f.last.id());
                } else {
                    live.add(f.last.id());
                }
            }
        }
        out.newFlows = newFlowRows;
        out.flows = flowRows;
        out.flowTags = flowTags;
        out.newTasks = newTaskRows;
        out.tasks = taskRows;
        out.taskTags = taskTags;
        out.logs = logRows;
        return out;
    }

    /** Writes {@code rows} in one transaction; with {@code upsertOnly}, the new runs' rows are upserted too. */
    private void write(Rows rows, boolean upsertOnly) throws SQLException {
        db.requireSameFile();
        Owners o = owners;
        if (o != null) {
            o.ensureRegistered();
        }
        Connection c = connection();
        boolean ok = false;
        db.begin(c);
        try {
            if (upsertOnly) {
                insert(c, FLOW_INSERT, FLOW_CONFLICT, FLOW_WIDTH, rows.newFlows);
            } else {
                insertNew(c, "flow_run", FLOW_INSERT, FLOW_WIDTH, rows.newFlows);
            }
            insert(c, FLOW_INSERT, FLOW_CONFLICT, FLOW_WIDTH, rows.flows);
            insert(c, "insert into flow_run_tag (run_id, tag) values ", " on conflict do nothing", 2, rows.flowTags);
            if (upsertOnly) {
                insert(c, TASK_INSERT, TASK_CONFLICT, TASK_WIDTH, rows.newTasks);
            } else {
                insertNew(c, "task_run", TASK_INSERT, TASK_WIDTH, rows.newTasks);
            }
            insert(c, TASK_INSERT, TASK_CONFLICT, TASK_WIDTH, rows.tasks);
            insert(c, "insert into task_run_tag (run_id, tag) values ", " on conflict do nothing", 2, rows.taskTags);
            insert(c, LOG_INSERT, "", LOG_WIDTH, rows.logs);
            db.commit(c);
            ok = true;
        } finally {
            if (!ok) {
                db.rollback(c);
            }
        }
    }

    private static void tags(List<Object[]> rows, Fold f, Map<java.util.Set<String>, List<String>> masked) {
        if (!f.writeTags || f.last.tags().isEmpty()) {
            return;
        }
        // runs share their tag sets (a flow's tags are its task runs'): mask each set once a batch
        for (String tag : masked.computeIfAbsent(f.last.tags(), t -> t.stream().map(Masking::mask).distinct().toList())) {
            rows.add(new Object[] {f.last.id(), tag});
        }
    }

    private static Object text(@Nullable String s) {
        return s == null ? NULL_TEXT : s;
    }

    private static int error(Object[] row, int i, @Nullable ErrorInfo error) {
        row[i++] = text(error == null ? null : error.type());
        row[i++] = text(error == null ? null : error.message());
        row[i++] = text(error == null ? null : error.stackTrace());
        return i;
    }

    private static int times(Object[] row, int i, Fold f, Event.RunEvent r) {
        long created = Times.micros(f.created);
        Instant start = r.start();
        Instant end = r.end();
        row[i++] = created;
        row[i++] = start == null ? NULL_LONG : (Object) Times.micros(start);
        row[i++] = end == null ? NULL_LONG : (Object) Times.micros(end);
        row[i++] = start == null ? created : Times.micros(start);
        row[i++] = start != null && end != null ? Math.max(0, Times.micros(end) - Times.micros(start)) : 0L;
        return i;
    }

    /** The statements of one multi-row insert size, for PostgreSQL. */
    private final Map<String, String> statements = new java.util.HashMap<>();

    /**
     * Writes {@code rows}: on SQLite as a JDBC batch of one-row statements (cheap there), on PostgreSQL
     * as statements of up to {@value #ROWS_PER_STATEMENT} rows each, which the server plans once and
     * runs as one.
     */
    private void insert(Connection c, String insert, String conflict, int width, List<Object[]> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        if (db.dialect() == Dialect.SQLITE) {
            try (PreparedStatement ps = c.prepareStatement(insert + values(width, 1) + conflict)) {
                for (Object[] row : rows) {
                    bind(ps, 0, row);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return;
        }
        for (int from = 0; from < rows.size(); from += ROWS_PER_STATEMENT) {
            int n = Math.min(ROWS_PER_STATEMENT, rows.size() - from);
            String sql = statements.computeIfAbsent(insert + conflict + n, k -> insert + values(width, n) + conflict);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int r = 0; r < n; r++) {
                    bind(ps, r * width, rows.get(from + r));
                }
                ps.executeUpdate();
            }
        }
    }

    /**
     * Writes the rows of runs first seen in this batch: plain inserts (no conflict to look for), on
     * PostgreSQL by {@code COPY}. Should one be there after all (a batch whose commit was not
     * acknowledged, written again), the insert fails and the batch is written again with upserts only.
     */
    private void insertNew(Connection c, String table, String insert, int width, List<Object[]> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        if (db.dialect() == Dialect.POSTGRESQL) {
            Pg.copy(c, table, insert.substring(insert.indexOf('('), insert.indexOf(')') + 1), rows, NULL_TEXT, NULL_LONG);
            return;
        }
        insert(c, insert, "", width, rows);
    }

    private static String values(int width, int rows) {
        StringBuilder one = new StringBuilder(width * 3).append('(');
        for (int i = 0; i < width; i++) {
            one.append(i == 0 ? "?" : ", ?");
        }
        one.append(')');
        StringBuilder all = new StringBuilder(rows * (one.length() + 2));
        for (int r = 0; r < rows; r++) {
            all.append(r == 0 ? "" : ", ").append(one);
        }
        return all.toString();
    }

    private static void bind(PreparedStatement ps, int offset, Object[] row) throws SQLException {
        for (int i = 0; i < row.length; i++) {
            Object v = row[i];
            int at = offset + i + 1;
            if (v == NULL_TEXT) {
                ps.setNull(at, Types.VARCHAR);
            } else if (v == NULL_LONG) {
                ps.setNull(at, Types.BIGINT);
            } else if (v instanceof Long l) {
                ps.setLong(at, l);
            } else {
                ps.setString(at, (String) v);
            }
        }
    }

}
