package dev.sluice.history.internal;

import dev.sluice.LogLine;
import dev.sluice.Run;
import dev.sluice.RunRecorder;
import dev.sluice.StateChange;
import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * The history of a runtime whose SQLite file another process holds locked when the runtime starts (a backup tool,
 * the {@code sqlite3} shell in the middle of a transaction): runs are recorded into a bounded buffer in memory while a
 * background thread tries to open the history again (after 1 s, then twice as long each time, up to 30 s). Once it
 * opens, the buffer goes to its writer, in order, and every later record goes straight there. When the buffer is full
 * a run's last record (its end) is still kept, for up to {@value #ENDS} runs; any other record is counted lost and
 * logged (at most every 10 s). Closing tries once more, so a short-lived JVM whose file was freed meanwhile writes its
 * runs on exit; if the file is still locked then, what is buffered is lost, and said so.
 */
public final class DeferredHistory implements RunRecorder, AutoCloseable, HistoryRecorder.Sink {
    private static final Logger LOG = LoggerFactory.getLogger("dev.sluice.history");
    /** Records kept while the history cannot be opened. */
    static final int CAPACITY = 65_536;
    /** Ends of runs kept beyond {@link #CAPACITY}. */
    static final int ENDS = 10_000;
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration LAST_RETRY = Duration.ofSeconds(30);
    /** Every deferred history not opened yet, for {@link #retryNow()}. */
    private static final Set<DeferredHistory> PENDING = ConcurrentHashMap.newKeySet();

    private final HistoryDatabase database;
    private final Clock clock;
    private final Path file;
    private final HistoryRecorder recorder;
    private final ArrayDeque<Event> buffer = new ArrayDeque<>();
    private final Map<String, Event> ends = new LinkedHashMap<>();
    private final ScheduledExecutorService retries;
    private final Object attempting = new Object();
    private long lost;
    private long lostAtLastLog;
    private long lastLossLog = System.nanoTime() - TimeUnit.SECONDS.toNanos(10);
    private Duration nextRetry = FIRST_RETRY;
    private @Nullable ScheduledFuture<?> scheduled;
    private volatile HistoryRecorder.@Nullable Sink target;
    private volatile @Nullable History history;
    private volatile boolean closed;

    private DeferredHistory(HistoryDatabase database, Clock clock, Path file) {
        this.database = database;
        this.clock = clock;
        this.file = file;
        this.recorder = new HistoryRecorder(this, "SQLite file " + file + ", locked by another process at start");
        this.retries = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sluice-history-reopen");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts buffering the runs of {@code database} (a SQLite file) and trying to open it in the background. */
    static DeferredHistory start(HistoryDatabase database, Clock clock, String why) {
        Path file = database.sqliteFile().orElseThrow();
        DeferredHistory deferred = new DeferredHistory(database, clock, file);
        PENDING.add(deferred);
        LOG.warn("run history SQLite file {} is locked by another process ({}); runs are kept in memory (up to {} records)"
                + " and written once it is free, tried again in the background", file, why, CAPACITY);
        deferred.schedule();
        return deferred;
    }

    /**
     * Tries now to open every history waiting for its file (a test hook, so no test waits for the retry delay).
     *
     * @return how many opened
     */
    public static int retryNow() {
        int n = 0;
        for (DeferredHistory d : PENDING) {
            if (d.attempt()) {
                n++;
            }
        }
        return n;
    }

    /** How many histories are still waiting for their file (a test hook). */
    public static int pending() {
        return PENDING.size();
    }

    /**
     * Whether another process holds {@code file}'s lock so that this one cannot write now: a write transaction begun
     * and rolled back, waiting at most 1 s (another process's
     * usual write transactions are far shorter; a lock held longer than that is not waited for here). A file that is not there, or empty, is not locked. A SQLite connection
     * closed here leaves this process's other connections' locks alone (SQLite keeps the descriptor until they close).
     */
    static boolean locked(Path file) {
        try {
            if (!Files.isRegularFile(file) || Files.size(file) == 0) {
                return false;
            }
        } catch (java.io.IOException e) {
            return false;
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(1_000);
        try (Connection c = config.createConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("begin immediate");
            s.execute("rollback");
            return false;
        } catch (SQLException e) {
            return isLock(e);
        }
    }

    /** Whether {@code e} says the database is locked by another connection. */
    static boolean isLock(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (m.contains("SQLITE_BUSY") || m.contains("SQLITE_LOCKED") || m.contains("database is locked")) {
                return true;
            }
        }
        return false;
    }

    private synchronized void schedule() {
        if (closed || target != null) {
            return;
        }
        scheduled = retries.schedule(() -> {
            if (!attempt()) {
                synchronized (this) {
                    nextRetry = nextRetry.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : nextRetry.multipliedBy(2);
                }
                schedule();
            }
        }, nextRetry.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Opens the history if the file is free, and hands it what was buffered; true once it is open. */
    private boolean attempt() {
        synchronized (attempting) {
            if (target != null) {
                return true;
            }
            if (locked(file)) {
                LOG.debug("run history SQLite file {} is still locked", file);
                return false;
            }
            History opened;
            try {
                opened = History.builder(database).clock(clock).closeAtExit(false).open(); // closed by close(), as the runtime's
            } catch (RuntimeException e) {
                if (!isLock(e)) {
                    LOG.warn("run history SQLite file {} could not be opened: {}; trying again", file, e.getMessage());
                }
                return false;
            }
            HistoryRecorder.Sink sink = ((HistoryRecorder) opened.recorder()).sink();
            int handed;
            synchronized (this) {
                handed = buffer.size() + ends.size();
                for (Event e : buffer) {
                    sink.offer(e);
                }
                for (Event e : ends.values()) {
                    sink.offer(e);
                }
                buffer.clear();
                ends.clear();
                history = opened;
                target = sink;
            }
            PENDING.remove(this);
            LOG.info("run history SQLite file {} is free again: {} record(s) kept meanwhile are being written{}", file, handed,
                    lost > 0 ? " (" + lost + " did not fit and are lost)" : "");
            return true;
        }
    }

    @Override
    public void offer(Event event) {
        HistoryRecorder.Sink sink = target;
        if (sink != null) {
            sink.offer(event);
            return;
        }
        synchronized (this) {
            sink = target;
            if (sink == null) {
                keep(event);
                return;
            }
        }
        sink.offer(event); // opened meanwhile: the buffer was handed over first
    }

    /** Buffers {@code event}; called holding this object's lock. */
    private void keep(Event event) {
        if (closed) {
            lose("the history is closed");
            return;
        }
        if (buffer.size() < CAPACITY) {
            buffer.add(event);
            return;
        }
        if (event instanceof Event.RunEvent r && r.change() != null && r.state().isTerminal()
                && (ends.size() < ENDS || ends.containsKey(r.id()))) {
            ends.put(r.id(), event); // after the buffer: every earlier record of the run is in it or lost
            return;
        }
        lose("the buffer of " + CAPACITY + " records kept while the file is locked is full");
    }

    private void lose(String why) {
        lost++;
        long now = System.nanoTime();
        if (now - lastLossLog >= TimeUnit.SECONDS.toNanos(10)) {
            lastLossLog = now;
            LOG.warn("run history SQLite file {}: {} record(s) lost ({} in all so far): {}; the ends of runs are still kept",
                    file, lost - lostAtLastLog, lost, why);
            lostAtLastLog = lost;
        }
    }

    @Override
    public void recorderFailed(RuntimeException e) {
        synchronized (this) {
            lose("a snapshot failed: " + e);
        }
    }

    @Override
    public void stateChanged(Run run, StateChange change) {
        recorder.stateChanged(run, change);
    }

    @Override
    public void logged(Run run, LogLine line) {
        recorder.logged(run, line);
    }

    @Override
    public void tagsChanged(Run run, Set<String> tags) {
        recorder.tagsChanged(run, tags);
    }

    /** Whether the history is open (the file was freed). */
    public boolean isOpen() {
        return target != null;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (scheduled != null) {
                scheduled.cancel(false);
            }
        }
        retries.shutdownNow();
        if (!attempt()) { // a last try: a short-lived JVM whose file was freed meanwhile writes its runs
            int left;
            synchronized (this) {
                closed = true;
                left = buffer.size() + ends.size();
                buffer.clear();
                ends.clear();
            }
            PENDING.remove(this);
            if (left > 0) {
                LOG.warn("run history SQLite file {} was still locked by another process when the runtime closed: {} record(s)"
                        + " kept meanwhile are lost", file, left);
            }
            return;
        }
        closed = true;
        History h = history;
        if (h != null) {
            h.close();
        }
    }

    @Override
    public String toString() {
        return recorder.toString();
    }
}
