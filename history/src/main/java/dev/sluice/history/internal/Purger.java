package dev.sluice.history.internal;

import dev.sluice.history.PurgeResult;
import dev.sluice.history.Retention;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes runs past their retention in small transactions, oldest first. Each transaction deletes a
 * set of runs with everything under them by a handful of set-based statements; its size adapts to the
 * time the last ones took, so that on SQLite (one writer at a time) a writer waits at most about
 * {@code target} for the file, with a short pause between two transactions for it to get in. On
 * PostgreSQL a purge never locks a row a writer writes, so its transactions are larger.
 */
public final class Purger {
    private static final Logger LOG = LoggerFactory.getLogger("dev.sluice.history");
    private static final String SUCCESS = "('COMPLETED', 'CACHED')";
    private static final String FAILURE = "('FAILED', 'CRASHED', 'CANCELLED', 'TIMED_OUT')";
    /** The fewest and most runs a transaction deletes. */
    private static final int MIN_ROWS = 20;
    private static final int MAX_ROWS = 20_000;

    /** The SQLite purge connection's page cache: 128 MiB, for the purge only. */
    private static final int SQLITE_CACHE_KIB = 128 * 1024;
    /** WAL pages after which the SQLite purge connection's own commit checkpoints (the default is 1,000). */
    private static final int SQLITE_WAL_PAGES = 50_000;

    private final Database db;
    /** The connection of a SQLite purge while it goes on. */
    private @Nullable Connection own;
    private final long targetNanos;
    private final long pauseNanos;
    /** Runs the next transaction deletes: adapted to how long the last ones took. */
    private int size = 500;

    /**
     * @param target how long one transaction should hold the database
     * @param pause the wait between two transactions, for writers
     */
    public Purger(Database db, Duration target, Duration pause) {
        this.db = db;
        this.targetNanos = target.toNanos();
        this.pauseNanos = pause.toNanos();
    }

    private long flows;
    private long tasks;
    private long logs;

    /** Deletes every top-level run that ended before its retention period, with what is under it. */
    public synchronized PurgeResult purge(Retention retention, Instant now) throws SQLException, InterruptedException {
        if (db.dialect() != Dialect.SQLITE) {
            return purgeWith(retention, now);
        }
        // SQLite: a connection of its own for the purge, with a page cache that keeps the pages of the indexes in
        // an order unrelated to time (run name, duration) between transactions, and that leaves checkpoints of the
        // WAL to the other connections' commits instead of making one at each of its own; closed (its memory freed)
        // when the purge ends
        java.nio.file.Path file = java.util.Objects.requireNonNull(db.file());
        try (Connection c = Database.sqliteSource(file, org.sqlite.SQLiteConfig.TransactionMode.DEFERRED, db.config())
                .getConnection()) {
            try (java.sql.Statement st = c.createStatement()) {
                st.execute("pragma cache_size = -" + SQLITE_CACHE_KIB);
                st.execute("pragma wal_autocheckpoint = " + SQLITE_WAL_PAGES);
            }
            own = c;
            try {
                return purgeWith(retention, now);
            } finally {
                own = null;
                try (java.sql.Statement st = c.createStatement()) {
                    st.execute("pragma wal_checkpoint(passive)"); // what it left in the WAL, without blocking anyone
                } catch (SQLException e) {
                    LOG.debug("run history {}: checkpoint after the purge failed: {}", db.description(), e.toString());
                }
            }
        }
    }

    private PurgeResult purgeWith(Retention retention, Instant now) throws SQLException, InterruptedException {
        long start = System.nanoTime();
        flows = 0;
        tasks = 0;
        logs = 0;
        if (retention.completed() != null) {
            purgeFlows(SUCCESS, cutoff(now, retention.completed()));
            purgeTopTasks(SUCCESS, cutoff(now, retention.completed()));
        }
        if (retention.failed() != null) {
            purgeFlows(FAILURE, cutoff(now, retention.failed()));
            purgeTopTasks(FAILURE, cutoff(now, retention.failed()));
        }
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
                "delete from sluice_owner where reaped_at is not null and reaped_at < ?")) {
            ps.setLong(1, Times.micros(now.minus(Duration.ofDays(7)))); // processes long gone, their runs marked
            ps.executeUpdate();
        }
        PurgeResult result = new PurgeResult(flows, tasks, logs, Duration.ofNanos(System.nanoTime() - start));
        if (flows + tasks > 0) {
            LOG.info("run history {}: retention purged {} flow run(s), {} task run(s), {} log line(s) in {} ms",
                    db.description(), flows, tasks, logs, result.took().toMillis());
        }
        return result;
    }

    /** {@code period} before {@code now}; the earliest instant for a period reaching back further (nothing is that old). */
    static Instant cutoff(Instant now, Duration period) {
        return period.compareTo(Duration.between(Instant.MIN, now)) >= 0 ? Instant.MIN : now.minus(period);
    }

    /**
     * Top-level flow runs, oldest first: a transaction takes up to {@link #size} of them with their subflow
     * runs, and deletes their task runs, tags and log lines, then them. A flow run with more task runs than
     * that has them deleted in transactions of their own first. While one batch is deleted, a second thread
     * reads which runs the next one holds (reads never wait for SQLite's write lock, and it keeps the second
     * core busy while the first holds the lock): the next batch starts after the last of this one in
     * (end time, id) order, and the search starts from the oldest once more before the purge ends, so a run
     * that expired meanwhile is not left behind.
     */
    private void purgeFlows(String states, Instant cutoff) throws SQLException, InterruptedException {
        long cut = Times.micros(cutoff);
        ExecutorService ahead = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sluice-history-purge-ahead");
            t.setDaemon(true);
            return t;
        });
        try {
            Batch next = batch(states, cut, null, size);
            while (next != null) {
                Batch current = next;
                int limit = size;
                Future<@Nullable Batch> following = ahead.submit(() -> batch(states, cut, current, limit));
                purgeBatch(current);
                next = await(following);
                if (next == null) {
                    next = batch(states, cut, null, size); // once more from the oldest: nothing left behind
                }
            }
        } finally {
            ahead.shutdownNow();
        }
    }

    /** The flow runs of one batch: the roots and every run under them, roots last. */
    private record Batch(List<String> flowIds, long lastEnd, String lastId) {
    }

    /** The next {@code limit} expired top-level runs after {@code after} (from the oldest when null), with their subflow runs. */
    private @Nullable Batch batch(String states, long cut, @Nullable Batch after, int limit) throws SQLException {
        List<String> roots = new ArrayList<>();
        long lastEnd = 0;
        String lastId = "";
        String sql = "select id, end_time from flow_run where parent_flow_run_id is null and end_time < ? and state in "
                + states + (after == null ? "" : " and end_time >= ? and (end_time > ? or id > ?)")
                + " order by end_time, id limit " + limit;
        Object[] args = after == null ? new Object[] {cut} : new Object[] {cut, after.lastEnd, after.lastEnd, after.lastId};
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    lastId = rs.getString(1);
                    lastEnd = rs.getLong(2);
                    roots.add(lastId);
                }
            }
        }
        if (roots.isEmpty()) {
            return null;
        }
        // subflow runs before their roots: a purge stopped half way leaves roots that find the rest next time
        List<String> all = ids("select id from flow_run where root_id in " + marks(roots.size())
                + " and parent_flow_run_id is not null", roots.toArray());
        all.addAll(roots);
        return new Batch(all, lastEnd, lastId);
    }

    private static @Nullable Batch await(Future<@Nullable Batch> f) throws SQLException, InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException s) {
                throw s;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Deletes one batch in transactions of equal size, each at most about {@link #size} flow runs. */
    private void purgeBatch(Batch batch) throws SQLException, InterruptedException {
        List<String> all = batch.flowIds();
        int chunks = (all.size() + size - 1) / size;
        int per = (all.size() + chunks - 1) / chunks;
        for (int from = 0; from < all.size(); ) {
            List<String> flowIds = all.subList(from, Math.min(all.size(), from + per));
            from += flowIds.size();
            String in = marks(flowIds.size());
            Object[] args = flowIds.toArray();
            int limit = size * 4;
            // their log lines first when there are more than a transaction's worth
            while (count("select count(*) from (select 1 from log_line where flow_run_id in " + in + " limit " + (limit + 1)
                    + ") x", args) > limit) {
                transaction(size, c -> logs += update(c, "delete from log_line where id in (select id from log_line"
                        + " where flow_run_id in " + in + " limit " + limit + ")", args));
            }
            while (true) { // their task runs, when there are more than a transaction's worth
                List<String> taskIds = ids("select id from task_run where flow_run_id in " + in + " limit " + (size + 1),
                        args);
                if (taskIds.size() <= size) {
                    break;
                }
                List<String> some = taskIds.subList(0, size);
                transaction(some.size(), c -> tasks += deleteRuns(c, "task_run", some));
            }
            transaction(flowIds.size(), c -> {
                logs += update(c, "delete from log_line where flow_run_id in " + in, args);
                update(c, "delete from task_run_tag where run_id in (select id from task_run where flow_run_id in " + in
                        + ")", args);
                tasks += update(c, "delete from task_run where flow_run_id in " + in, args);
                flows += deleteRuns(c, "flow_run", flowIds);
            });
        }
    }

    private void purgeTopTasks(String states, Instant cutoff) throws SQLException, InterruptedException {
        long cut = Times.micros(cutoff);
        while (true) {
            List<String> batch = ids("select id from task_run where flow_run_id is null and end_time < ? and state in "
                    + states + " order by end_time limit " + size, cut);
            if (batch.isEmpty()) {
                return;
            }
            transaction(batch.size(), c -> {
                logs += update(c, "delete from log_line where task_run_id in " + marks(batch.size()), batch.toArray());
                tasks += deleteRuns(c, "task_run", batch);
            });
        }
    }

    private interface Work {
        void run(Connection c) throws SQLException;
    }

    /** Runs {@code work} in one write transaction, adapts {@link #size} to its time, and pauses. */
    private void transaction(int rows, Work work) throws SQLException, InterruptedException {
        long t0 = System.nanoTime();
        Connection own = this.own;
        Connection c = own != null ? own : db.connection();
        try {
            db.begin(c);
            try {
                work.run(c);
                db.commit(c);
            } catch (SQLException | RuntimeException e) {
                db.rollback(c);
                throw e;
            }
        } finally {
            if (own == null) {
                c.close();
            }
        }
        long took = Math.max(1, System.nanoTime() - t0);
        // aim at the target from the time per run just seen, moving half way there
        long next = (long) ((double) targetNanos * rows / took);
        size = (int) Math.max(MIN_ROWS, Math.min(MAX_ROWS, (size + Math.min(next, 4L * size)) / 2));
        if (pauseNanos > 0) {
            Thread.sleep(pauseNanos / 1_000_000, (int) (pauseNanos % 1_000_000));
        }
    }

    /** Deletes runs and their tags, in the caller's transaction. */
    private static int deleteRuns(Connection c, String table, List<String> ids) throws SQLException {
        String in = marks(ids.size());
        Object[] args = ids.toArray();
        update(c, "delete from " + table + "_tag where run_id in " + in, args);
        return update(c, "delete from " + table + " where id in " + in, args);
    }

    private static String marks(int n) {
        StringBuilder sb = new StringBuilder(n * 3 + 2).append('(');
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "?" : ", ?");
        }
        return sb.append(')').toString();
    }

    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            if (args[i] instanceof Long l) {
                ps.setLong(i + 1, l);
            } else {
                ps.setString(i + 1, (String) args[i]);
            }
        }
    }

    private List<String> ids(String sql, Object... args) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private long count(String sql, Object... args) throws SQLException {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    private static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        }
    }
}
