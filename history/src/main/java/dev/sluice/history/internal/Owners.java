package dev.sluice.history.internal;

import dev.sluice.State;
import dev.sluice.StateChange;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processes writing to a history database ("owners": host, pid, process start time, heartbeat),
 * and the marking of runs left behind by one that is gone. An owner is gone when it closed its
 * history, when it ran on this host and its process is no longer there (or the pid now belongs to
 * another process), or when it ran elsewhere and its heartbeat in the database has not changed for {@code crashAfter}
 * as this process watched it, by this process's own clock: the time the other host wrote is never compared with this
 * host's clock, so clocks that disagree do not make live processes look gone. A period in which this process did not
 * look (it was frozen, or could not read the database) starts the watch again.
 */
public final class Owners {
    private static final Logger LOG = LoggerFactory.getLogger("dev.sluice.history");
    /** The error type of a run marked CRASHED because the process running it was taken for gone. */
    static final String PROCESS_GONE = "dev.sluice.history.ProcessGone";
    static final String UNFINISHED = "('SCHEDULED', 'PENDING', 'RUNNING', 'RETRYING')";
    private static final String HOST = hostName();

    private final Database db;
    private final Clock clock;
    private final Duration crashAfter;
    private final String id;
    private final long pid;
    private final @Nullable Instant processStart;
    /** Longest gap between two looks at the owners that still counts as watching them without a break. */
    private final long watchGapMicros;
    /** Other owners' heartbeat values as last read, and since when (local clock) each has not changed. */
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    /** Whether this process's row is in {@code sluice_owner} (not yet when the file was locked at open). */
    private volatile boolean registered;
    /** When (local clock, micros) the owners were last read; {@code Long.MIN_VALUE} before the first look. */
    private long lastLook = Long.MIN_VALUE;

    private record Seen(long heartbeatAt, long since) {
    }

    private Owners(Database db, Clock clock, Duration heartbeat, Duration crashAfter, String id) {
        this.db = db;
        this.clock = clock;
        this.crashAfter = crashAfter;
        this.watchGapMicros = Math.max(Times.micros(heartbeat) * 2, Times.micros(crashAfter) / 2);
        this.id = id;
        ProcessHandle self = ProcessHandle.current();
        this.pid = self.pid();
        this.processStart = self.info().startInstant().orElse(null);
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.strip();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }

    /**
     * Registers this process as an owner of {@code db}. When another process holds a SQLite file's write lock (a
     * script's long transaction, a backup) the row is written later instead, before this process's first write or at
     * its next heartbeat, so a history opened to read (the CLI's {@code runs ls}) reads at once, as SQLite's WAL
     * lets readers do beside a writer.
     */
    public static Owners register(Database db, Clock clock, Duration heartbeat, Duration crashAfter) throws SQLException {
        Owners o = new Owners(db, clock, heartbeat, crashAfter, UUID.randomUUID().toString());
        java.nio.file.Path file = db.file();
        if (file != null && DeferredHistory.locked(file)) {
            LOG.info("run history SQLite file {} is locked by another process: this process reads it now and registers"
                    + " as a writer once the lock is let go", file);
            return o;
        }
        o.insert();
        return o;
    }

    private void insert() throws SQLException {
        long now = Times.micros(clock.instant());
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("insert into sluice_owner"
                + " (id, host, pid, process_start, opened_at, heartbeat_at) values (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, HOST);
            ps.setLong(3, pid);
            if (processStart == null) {
                ps.setNull(4, Types.BIGINT);
            } else {
                ps.setLong(4, Times.micros(processStart));
            }
            ps.setLong(5, now);
            ps.setLong(6, now);
            ps.executeUpdate();
        }
        registered = true;
    }

    /** Whether this process's row is written (see {@link #register}). */
    public boolean registered() {
        return registered;
    }

    /** Writes this process's row if {@link #register} could not yet; called before every write of this process. */
    public void ensureRegistered() throws SQLException {
        if (!registered) {
            synchronized (this) {
                if (!registered) {
                    insert();
                }
            }
        }
    }

    /** This owner's id. */
    public String id() {
        return id;
    }

    /**
     * Tells other processes this one is still there. A process taken for gone meanwhile (it did not heartbeat for the
     * crash period: frozen, or cut off from the database), whose runs then going on were marked CRASHED, is watched
     * again from now on, so the runs it starts after are marked CRASHED if it dies.
     */
    public void heartbeat() throws SQLException {
        ensureRegistered();
        long now = Times.micros(clock.instant());
        try (Connection c = db.connection()) {
            int beat;
            try (PreparedStatement ps = c.prepareStatement("update sluice_owner set heartbeat_at = ? where id = ?"
                    + " and reaped_at is null")) {
                ps.setLong(1, now);
                ps.setString(2, id);
                beat = ps.executeUpdate();
            }
            if (beat == 0) {
                try (PreparedStatement ps = c.prepareStatement("update sluice_owner set heartbeat_at = ?, reaped_at = null"
                        + " where id = ?")) {
                    ps.setLong(1, now);
                    ps.setString(2, id);
                    if (ps.executeUpdate() == 1) {
                        LOG.warn("run history {}: this process (pid {}) did not heartbeat for longer than the crash period"
                                + " and was taken for gone: the runs it had going on then were marked CRASHED", db.description(),
                                pid);
                    }
                }
            }
        }
    }

    /** Marks this owner closed: runs it leaves unfinished are marked crashed by the next process that looks. */
    public void closed() throws SQLException {
        if (!registered) {
            return; // it never wrote: nothing to mark, and no lock to wait for
        }
        try (Connection c = db.connection();
                PreparedStatement ps = c.prepareStatement("update sluice_owner set closed_at = ?, heartbeat_at = ? where id = ?")) {
            long now = Times.micros(clock.instant());
            ps.setLong(1, now);
            ps.setLong(2, now);
            ps.setString(3, id);
            ps.executeUpdate();
        }
    }

    private record Row(String id, String host, long pid, @Nullable Long processStart, long heartbeatAt, @Nullable Long closedAt) {
        String who() {
            return "pid " + pid + " on " + host;
        }
    }

    private static Row row(ResultSet rs) throws SQLException {
        long ps = rs.getLong(4);
        Long processStart = rs.wasNull() ? null : ps;
        long heartbeat = rs.getLong(5);
        long closed = rs.getLong(6);
        Long closedAt = rs.wasNull() ? null : closed;
        return new Row(rs.getString(1), rs.getString(2), rs.getLong(3), processStart, heartbeat, closedAt);
    }

    /** Why owner {@code row} is gone, or empty while it is still there. */
    private Optional<String> gone(Row row, Instant now) {
        if (row.closedAt() != null) {
            return Optional.of("the runtime that ran it (" + row.who() + ") was closed before the run ended");
        }
        if (row.host().equals(HOST)) {
            Optional<ProcessHandle> p = ProcessHandle.of(row.pid());
            if (p.isEmpty() || !p.get().isAlive()) {
                return Optional.of("the process that ran it (" + row.who() + ") is gone");
            }
            if (row.processStart() != null) {
                Optional<Instant> started = p.get().info().startInstant();
                if (started.isPresent()
                        && Math.abs(Times.micros(started.get()) - row.processStart()) > 2_000_000L) {
                    return Optional.of("the process that ran it (" + row.who() + ") is gone (the pid is another process's now)");
                }
            }
            return Optional.empty();
        }
        Seen s = seen.get(row.id());
        if (s != null && s.heartbeatAt() == row.heartbeatAt() && Times.micros(now) - s.since() > Times.micros(crashAfter)) {
            return Optional.of("the process that ran it (" + row.who() + ") stopped beating its heart (its last heartbeat,"
                    + " written at " + Times.instant(row.heartbeatAt()) + " by its clock, has not changed for "
                    + Duration.ofNanos((Times.micros(now) - s.since()) * 1_000).toSeconds() + " s)");
        }
        return Optional.empty();
    }

    /**
     * Notes the heartbeats just read (at {@code now}, local clock): one that changed, or is seen for the first time, is
     * watched from now. After a gap in looking (this process frozen, the database unreadable) or a clock that went
     * back, every owner is watched again from now: a heartbeat that did not change while nobody looked proves nothing.
     */
    private synchronized void observe(List<Row> rows, Instant now) {
        long t = Times.micros(now);
        if (lastLook == Long.MIN_VALUE || t - lastLook > watchGapMicros || t < lastLook) {
            seen.clear();
        }
        lastLook = t;
        java.util.Set<String> present = new java.util.HashSet<>();
        for (Row r : rows) {
            present.add(r.id());
            Seen before = seen.get(r.id());
            if (before == null || before.heartbeatAt() != r.heartbeatAt()) {
                seen.put(r.id(), new Seen(r.heartbeatAt(), t));
            }
        }
        seen.keySet().retainAll(present);
    }

    /** Whether owner {@code ownerId} is gone (an unknown owner is). */
    public boolean isGone(String ownerId) throws SQLException {
        if (ownerId.equals(id)) {
            return false;
        }
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("select id, host, pid,"
                + " process_start, heartbeat_at, closed_at from sluice_owner where id = ?")) {
            ps.setString(1, ownerId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return true;
                }
                Row r = row(rs);
                Instant now = clock.instant();
                synchronized (this) {
                    Seen s = seen.get(r.id());
                    if (s == null || s.heartbeatAt() != r.heartbeatAt()) {
                        seen.put(r.id(), new Seen(r.heartbeatAt(), Times.micros(now)));
                    }
                }
                return gone(r, now).isPresent();
            }
        }
    }

    /**
     * Marks {@code CRASHED} every unfinished run of every owner that is gone, and those owners reaped.
     *
     * @return how many runs were marked
     */
    public long reap() throws SQLException {
        Instant now = clock.instant();
        List<Row> rows = new ArrayList<>();
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("select id, host, pid,"
                + " process_start, heartbeat_at, closed_at from sluice_owner where reaped_at is null and id <> ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(row(rs));
                }
            }
        }
        observe(rows, now);
        long marked = 0;
        for (Row r : rows) {
            Optional<String> why = gone(r, now);
            if (why.isPresent()) {
                marked += markCrashed(r, why.get(), now);
            }
        }
        return marked;
    }

    private long markCrashed(Row owner, String why, Instant now) throws SQLException {
        long t = Times.micros(now);
        String line = Json.historyLine(new StateChange(State.CRASHED, now, why)) + "\n";
        long marked = 0;
        try (Connection c = db.connection()) {
            db.begin(c);
            try {
                for (String table : new String[] {"flow_run", "task_run"}) {
                    try (PreparedStatement ps = c.prepareStatement("update " + table + " set state = 'CRASHED',"
                            + " end_time = ?,"
                            + " duration_us = case when start_time is null then 0 else ? - start_time end,"
                            + " history = history || ?, error_type = coalesce(error_type, ?),"
                            + " error_message = coalesce(error_message, ?), error_stack = coalesce(error_stack, ?),"
                            + " updated_at = ? where owner_id = ? and state in " + UNFINISHED)) {
                        ps.setLong(1, t);
                        ps.setLong(2, t);
                        ps.setString(3, line);
                        ps.setString(4, PROCESS_GONE);
                        ps.setString(5, why);
                        ps.setString(6, why);
                        ps.setLong(7, t);
                        ps.setString(8, owner.id());
                        marked += ps.executeUpdate();
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("update sluice_owner set reaped_at = ? where id = ?")) {
                    ps.setLong(1, t);
                    ps.setString(2, owner.id());
                    ps.executeUpdate();
                }
                db.commit(c);
            } catch (SQLException | RuntimeException e) {
                db.rollback(c);
                throw e;
            }
        }
        if (marked > 0) {
            LOG.warn("run history {}: {} run(s) left unfinished were marked CRASHED: {}", db.description(), marked, why);
        }
        return marked;
    }
}
