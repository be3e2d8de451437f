package dev.sluice.history.internal;

import dev.sluice.cache.CachedResult;
import dev.sluice.cache.ResultStore;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Cached task results in the history database, shared by every process that opens it. The lock that
 * makes two processes compute a key once is a row in {@code result_lock}, owned by this process's
 * history; a lock whose owner is gone (killed, or closed) is taken over, so a crash never leaves a key
 * locked for good. A release the database refused (down, or busy past the connect timeout) leaves the row
 * behind while this process lives: it is deleted again at this store's next lock and at each heartbeat of
 * the history, and a run of this process taking the key meanwhile takes the row over, so a lost release
 * never keeps a key locked for good either.
 */
public final class SqlResultStore implements ResultStore {
    private final Database db;
    private final Owners owners;
    private final Clock clock;
    /** Keys whose lock this owner holds now (taken and not released); guarded by {@code this} with the rows. */
    private final java.util.Set<String> held = new java.util.HashSet<>();
    /** Keys whose release the database refused: their rows are deleted again later. */
    private final java.util.Set<String> unreleased = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public SqlResultStore(Database db, Owners owners, Clock clock) {
        this.db = db;
        this.owners = owners;
        this.clock = clock;
    }

    private IOException io(String what, String key, SQLException e) {
        return new IOException("run history " + db.description() + ": cannot " + what + " cached result " + key + ": "
                + Database.rootMessage(e), e);
    }

    @Override
    public Optional<CachedResult> read(String key) throws IOException {
        Objects.requireNonNull(key, "key");
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("select key, task_name,"
                + " task_version, run_id, created_at, type, json from result_entry where key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new CachedResult(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        Times.instant(rs.getLong(5)), rs.getString(6), rs.getString(7)));
            }
        } catch (SQLException e) {
            throw io("read", key, e);
        }
    }

    @Override
    public void write(CachedResult entry) throws IOException {
        Objects.requireNonNull(entry, "entry");
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("insert into result_entry (key,"
                + " task_name, task_version, run_id, created_at, type, json) values (?, ?, ?, ?, ?, ?, ?)"
                + " on conflict (key) do update set task_name = excluded.task_name, task_version = excluded.task_version,"
                + " run_id = excluded.run_id, created_at = excluded.created_at, type = excluded.type, json = excluded.json")) {
            ps.setString(1, entry.key());
            ps.setString(2, entry.taskName());
            if (entry.taskVersion() == null) {
                ps.setNull(3, Types.VARCHAR);
            } else {
                ps.setString(3, entry.taskVersion());
            }
            ps.setString(4, entry.runId());
            ps.setLong(5, Times.micros(entry.createdAt()));
            ps.setString(6, entry.type());
            ps.setString(7, entry.json());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw io("write", entry.key(), e);
        }
    }

    @Override
    public boolean delete(String key) throws IOException {
        Objects.requireNonNull(key, "key");
        try (Connection c = db.connection();
                PreparedStatement ps = c.prepareStatement("delete from result_entry where key = ?")) {
            ps.setString(1, key);
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw io("delete", key, e);
        }
    }

    @Override
    public Lock lock(String key) throws IOException, InterruptedException {
        Objects.requireNonNull(key, "key");
        long sleep = 20;
        releasePending();
        while (true) {
            try {
                String holder;
                synchronized (this) {
                    if (tryLock(key)) {
                        held.add(key);
                        unreleased.remove(key); // its row is this lock's now
                        return () -> unlock(key);
                    }
                    holder = holder(key);
                    if (owners.id().equals(holder) && !held.contains(key)) {
                        // this process's row, though no run here holds it: a release the database refused
                        deleteRow(key);
                        unreleased.remove(key);
                        continue;
                    }
                }
                if (holder != null && !holder.equals(owners.id()) && owners.isGone(holder)) {
                    try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
                            "delete from result_lock where key = ? and owner_id = ?")) {
                        ps.setString(1, key);
                        ps.setString(2, holder);
                        ps.executeUpdate();
                    }
                    continue;
                }
            } catch (SQLException e) {
                throw io("lock", key, e);
            }
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting for the cache lock of " + key);
            }
            Thread.sleep(sleep + ThreadLocalRandom.current().nextLong(sleep / 2 + 1));
            sleep = Math.min(sleep * 2, 250);
        }
    }

    private boolean tryLock(String key) throws SQLException {
        owners.ensureRegistered(); // a lock of an owner with no row is taken for a gone owner's
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("insert into result_lock (key,"
                + " owner_id, acquired_at) values (?, ?, ?) on conflict (key) do nothing")) {
            ps.setString(1, key);
            ps.setString(2, owners.id());
            ps.setLong(3, Times.micros(clock.instant()));
            return ps.executeUpdate() == 1;
        }
    }

    private @org.jspecify.annotations.Nullable String holder(String key) throws SQLException {
        try (Connection c = db.connection();
                PreparedStatement ps = c.prepareStatement("select owner_id from result_lock where key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private synchronized void unlock(String key) throws IOException {
        held.remove(key);
        try {
            deleteRow(key);
        } catch (SQLException e) {
            unreleased.add(key); // deleted again at the next lock or heartbeat
            throw io("unlock", key, e);
        }
    }

    /** Deletes this owner's lock row of {@code key}. */
    private void deleteRow(String key) throws SQLException {
        try (Connection c = db.connection();
                PreparedStatement ps = c.prepareStatement("delete from result_lock where key = ? and owner_id = ?")) {
            ps.setString(1, key);
            ps.setString(2, owners.id());
            ps.executeUpdate();
        }
    }

    /**
     * Deletes the lock rows whose release the database refused, so that other processes waiting for those keys go
     * on; called at each lock and at the history's heartbeat. Never throws: what still fails is tried again later.
     */
    public void releasePending() {
        if (unreleased.isEmpty()) {
            return;
        }
        for (String key : unreleased) {
            synchronized (this) {
                if (held.contains(key) || !unreleased.contains(key)) {
                    continue; // taken again here meanwhile: its release is that run's
                }
                try {
                    deleteRow(key);
                    unreleased.remove(key);
                } catch (SQLException | RuntimeException e) {
                    return; // still down: the next heartbeat tries again
                }
            }
        }
    }

    @Override
    public String toString() {
        return "ResultStore[" + db.description() + "]";
    }
}
