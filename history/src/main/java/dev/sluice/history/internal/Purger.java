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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes runs past their retention in small transactions (a few thousand rows each, with a pause
 * between them), so writers wait at most one small transaction for the database.
 */
public final class Purger {
    private static final Logger LOG = LoggerFactory.getLogger("dev.sluice.history");
    private static final String SUCCESS = "('COMPLETED', 'CACHED')";
    private static final String FAILURE = "('FAILED', 'CRASHED', 'CANCELLED', 'TIMED_OUT')";

    private final Database db;
    private final int roots;
    private final int chunk;
    private final long pauseMillis;

    /**
     * @param roots top-level runs taken per round
     * @param chunk rows deleted per transaction
     * @param pause the wait between two transactions, for writers
     */
    public Purger(Database db, int roots, int chunk, Duration pause) {
        this.db = db;
        this.roots = roots;
        this.chunk = chunk;
        this.pauseMillis = pause.toMillis();
    }

    private long flows;
    private long tasks;
    private long logs;

    /** Deletes every top-level run that ended before its retention period, with what is under it. */
    public synchronized PurgeResult purge(Retention retention, Instant now) throws SQLException, InterruptedException {
        long start = System.nanoTime();
        flows = 0;
        tasks = 0;
        logs = 0;
        if (retention.completed() != null) {
            purgeFlows(SUCCESS, now.minus(retention.completed()));
            purgeTopTasks(SUCCESS, now.minus(retention.completed()));
        }
        if (retention.failed() != null) {
            purgeFlows(FAILURE, now.minus(retention.failed()));
            purgeTopTasks(FAILURE, now.minus(retention.failed()));
        }
        update("delete from sluice_owner where reaped_at is not null and reaped_at < ?",
                Times.micros(now.minus(Duration.ofDays(7)))); // processes long gone, their runs marked
        PurgeResult result = new PurgeResult(flows, tasks, logs, Duration.ofNanos(System.nanoTime() - start));
        if (flows + tasks > 0) {
            LOG.info("run history {}: retention purged {} flow run(s), {} task run(s), {} log line(s) in {} ms",
                    db.description(), flows, tasks, logs, result.took().toMillis());
        }
        return result;
    }

    private void purgeFlows(String states, Instant cutoff) throws SQLException, InterruptedException {
        while (true) {
            List<String> batch = ids("select id from flow_run where parent_flow_run_id is null and end_time < ? and state in "
                    + states + " order by end_time limit " + roots, Times.micros(cutoff));
            if (batch.isEmpty()) {
                return;
            }
            List<String> all = ids("select id from flow_run where root_id in (" + marks(batch.size()) + ")", batch.toArray());
            for (int from = 0; from < all.size(); from += roots) {
                List<String> flowIds = all.subList(from, Math.min(all.size(), from + roots));
                String in = "(" + marks(flowIds.size()) + ")";
                Object[] args = flowIds.toArray();
                while (true) {
                    int n = update("delete from log_line where id in (select id from log_line where flow_run_id in " + in
                            + " limit " + chunk + ")", args);
                    logs += n;
                    if (n < chunk) {
                        break;
                    }
                    pause();
                }
                // the task runs of these flow runs a chunk a transaction, the flow runs with the last chunk
                while (true) {
                    List<String> taskIds = ids("select id from task_run where flow_run_id in " + in + " limit " + chunk, args);
                    boolean last = taskIds.size() < chunk;
                    try (Connection c = db.connection()) {
                        db.begin(c);
                        try {
                            if (!taskIds.isEmpty()) {
                                tasks += deleteRuns(c, "task_run", taskIds);
                            }
                            if (last) {
                                flows += deleteRuns(c, "flow_run", flowIds);
                            }
                            db.commit(c);
                        } catch (SQLException | RuntimeException e) {
                            db.rollback(c);
                            throw e;
                        }
                    }
                    pause();
                    if (last) {
                        break;
                    }
                }
            }
        }
    }

    private void purgeTopTasks(String states, Instant cutoff) throws SQLException, InterruptedException {
        while (true) {
            List<String> batch = ids("select id from task_run where flow_run_id is null and end_time < ? and state in "
                    + states + " order by end_time limit " + Math.min(chunk, roots), Times.micros(cutoff));
            if (batch.isEmpty()) {
                return;
            }
            logs += update("delete from log_line where task_run_id in (" + marks(batch.size()) + ")", batch.toArray());
            try (Connection c = db.connection()) {
                db.begin(c);
                try {
                    tasks += deleteRuns(c, "task_run", batch);
                    db.commit(c);
                } catch (SQLException | RuntimeException e) {
                    db.rollback(c);
                    throw e;
                }
            }
            pause();
        }
    }

    /** Deletes runs and their tags, in the caller's transaction. */
    private static int deleteRuns(Connection c, String table, List<String> ids) throws SQLException {
        String in = "(" + marks(ids.size()) + ")";
        try (PreparedStatement ps = c.prepareStatement("delete from " + table + "_tag where run_id in " + in)) {
            bind(ps, ids.toArray());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("delete from " + table + " where id in " + in)) {
            bind(ps, ids.toArray());
            return ps.executeUpdate();
        }
    }

    private void pause() throws InterruptedException {
        if (pauseMillis > 0) {
            Thread.sleep(pauseMillis);
        }
    }

    private static String marks(int n) {
        StringBuilder sb = new StringBuilder(n * 3);
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "?" : ", ?");
        }
        return sb.toString();
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

    private int update(String sql, Object... args) throws SQLException {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        }
    }
}
