package dev.sluice.benchmarks.history;

import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;

/**
 * Fills a history database with generated runs, straight through JDBC (the recorder is measured
 * elsewhere): flow runs over the last 90 days across 100 flows, one in ten a subflow, with tags,
 * states, durations, and task runs under each. Indexes are dropped during the load and made again
 * after it, then the database is analyzed, as a restored backup would be.
 */
final class Generated {
    static final String[] STATES = {"COMPLETED", "FAILED", "CRASHED", "CACHED", "CANCELLED", "RUNNING"};
    final Instant now = Instant.now();
    final long flows;
    final int tasksPerFlow;
    /** A few ids to query for: flow runs with subflows and task runs. */
    final List<String> parentIds = new ArrayList<>();

    Generated(long flows, int tasksPerFlow) {
        this.flows = flows;
        this.tasksPerFlow = tasksPerFlow;
    }

    static long micros(Instant t) {
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
    }

    static String flowName(long i) {
        int k = (int) (i * 7 % 100);
        return k < 50 ? "etl.orders." + k : "vtasks.job." + k;
    }

    /** A time-ordered id for run {@code seq} starting at {@code startMicros}. */
    static String id(long startMicros, long seq, int kind) {
        long ms = startMicros / 1000;
        long msb = (ms << 16) | 0x7000L | (seq & 0x0FFFL);
        long lsb = 0x8000000000000000L | ((long) kind << 56) | (seq & 0x00FFFFFFFFFFFFFFL);
        return new UUID(msb, lsb).toString();
    }

    /** Creates the schema with a history, then loads the rows; returns seconds taken. */
    double fill(HistoryDatabase db, String jdbcUrl, String user, boolean postgres) throws Exception {
        History.open(db).close();
        long t0 = System.nanoTime();
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, "")) {
            List<String> indexes = dropIndexes(c, postgres);
            if (!postgres) {
                try (Statement s = c.createStatement()) {
                    s.execute("pragma synchronous = off");
                    s.execute("pragma cache_size = -1000000");
                }
            }
            c.setAutoCommit(false);
            load(c);
            c.commit();
            c.setAutoCommit(true);
            long loaded = System.nanoTime();
            System.out.printf(Locale.ROOT, "  loaded %,d flow runs and %,d task runs in %.0f s; making %d indexes%n", flows,
                    flows * tasksPerFlow, (loaded - t0) / 1e9, indexes.size());
            try (Statement s = c.createStatement()) {
                for (String ddl : indexes) {
                    s.execute(ddl);
                }
                s.execute("analyze");
            }
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private static List<String> dropIndexes(Connection c, boolean postgres) throws SQLException {
        List<String> ddl = new ArrayList<>();
        List<String> names = new ArrayList<>();
        String q = postgres
                ? "select indexname, indexdef from pg_indexes where schemaname = current_schema() and indexname not like '%_pkey'"
                        + " and tablename in ('flow_run', 'task_run', 'flow_run_tag', 'task_run_tag', 'log_line')"
                : "select name, sql from sqlite_master where type = 'index' and sql is not null";
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(q)) {
            while (rs.next()) {
                names.add(rs.getString(1));
                ddl.add(rs.getString(2));
            }
        }
        try (Statement s = c.createStatement()) {
            for (String n : names) {
                s.execute("drop index " + n);
            }
        }
        return ddl;
    }

    private void load(Connection c) throws SQLException {
        Random random = new Random(42);
        long span = Duration.ofDays(90).toNanos() / 1000;
        long origin = micros(now) - span;
        String flowSql = "insert into flow_run (id, name, flow_name, version, state, parent_flow_run_id, root_id, tags,"
                + " parameters, history, attempts, created_at, start_time, end_time, sort_time, duration_us, owner_id,"
                + " updated_at) values (?, ?, ?, null, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, 'generated', ?)";
        String taskSql = "insert into task_run (id, name, task_name, version, state, flow_run_id, tags, parameters, history,"
                + " attempts, created_at, start_time, end_time, sort_time, duration_us, owner_id, updated_at)"
                + " values (?, ?, ?, null, ?, ?, ?, '{}', ?, 1, ?, ?, ?, ?, ?, 'generated', ?)";
        try (PreparedStatement fr = c.prepareStatement(flowSql);
                PreparedStatement ft = c.prepareStatement("insert into flow_run_tag (run_id, tag) values (?, ?)");
                PreparedStatement tr = c.prepareStatement(taskSql);
                PreparedStatement tt = c.prepareStatement("insert into task_run_tag (run_id, tag) values (?, ?)")) {
            String previousId = null;
            String previousRoot = null;
            int pending = 0;
            for (long i = 0; i < flows; i++) {
                long start = origin + (long) (span * (i / (double) flows)) + random.nextInt(1_000_000);
                double p = random.nextDouble();
                String state = p < 0.90 ? STATES[0] : p < 0.95 ? STATES[1] : p < 0.97 ? STATES[2] : p < 0.98 ? STATES[3]
                        : p < 0.99 ? STATES[4] : STATES[5];
                long duration = (long) (-Math.log(1 - random.nextDouble()) * 30_000_000L);
                boolean running = state.equals("RUNNING");
                String id = id(start, i, 1);
                boolean subflow = i % 10 == 9 && previousId != null;
                String parent = subflow ? previousId : null;
                String root = subflow ? previousRoot : id;
                String env = random.nextDouble() < 0.7 ? "env:prod" : "env:dev";
                String team = "team:" + random.nextInt(10);
                boolean critical = random.nextDouble() < 0.05;
                String tags = "[\"" + env + "\",\"" + team + "\"" + (critical ? ",\"critical\"" : "") + "]";
                String flowName = flowName(i);
                String history = "{\"s\":\"PENDING\",\"t\":" + start + "}\n{\"s\":\"RUNNING\",\"t\":" + start + "}\n"
                        + (running ? "" : "{\"s\":\"" + state + "\",\"t\":" + (start + duration) + "}\n");
                int k = 1;
                fr.setString(k++, id);
                fr.setString(k++, flowName + "-" + i);
                fr.setString(k++, flowName);
                fr.setString(k++, state);
                fr.setString(k++, parent);
                fr.setString(k++, root);
                fr.setString(k++, tags);
                fr.setString(k++, "{\"day\":\"2026-11-" + (1 + i % 28) + "\",\"limit\":" + (i % 1000) + "}");
                fr.setString(k++, history);
                fr.setLong(k++, start);
                fr.setLong(k++, start);
                if (running) {
                    fr.setNull(k++, java.sql.Types.BIGINT);
                } else {
                    fr.setLong(k++, start + duration);
                }
                fr.setLong(k++, start);
                fr.setLong(k++, running ? 0 : duration);
                fr.setLong(k, start + duration);
                fr.addBatch();
                for (String tag : critical ? new String[] {env, team, "critical"} : new String[] {env, team}) {
                    ft.setString(1, id);
                    ft.setString(2, tag);
                    ft.addBatch();
                }
                for (int t = 0; t < tasksPerFlow; t++) {
                    long ts = start + t * (duration / Math.max(1, tasksPerFlow));
                    long td = duration / Math.max(1, tasksPerFlow);
                    String taskState = t == tasksPerFlow - 1 && !state.equals("COMPLETED") ? (running ? "RUNNING" : state)
                            : "COMPLETED";
                    String tid = id(ts, i * tasksPerFlow + t, 2);
                    String taskName = "task." + ((t * 7 + i) % 200);
                    int j = 1;
                    tr.setString(j++, tid);
                    tr.setString(j++, taskName + "-" + t);
                    tr.setString(j++, taskName);
                    tr.setString(j++, taskState);
                    tr.setString(j++, id);
                    tr.setString(j++, tags);
                    tr.setString(j++, "{\"s\":\"PENDING\",\"t\":" + ts + "}\n{\"s\":\"RUNNING\",\"t\":" + ts + "}\n{\"s\":\""
                            + taskState + "\",\"t\":" + (ts + td) + "}\n");
                    tr.setLong(j++, ts);
                    tr.setLong(j++, ts);
                    if (taskState.equals("RUNNING")) {
                        tr.setNull(j++, java.sql.Types.BIGINT);
                    } else {
                        tr.setLong(j++, ts + td);
                    }
                    tr.setLong(j++, ts);
                    tr.setLong(j++, taskState.equals("RUNNING") ? 0 : td);
                    tr.setLong(j, ts + td);
                    tr.addBatch();
                    for (String tag : critical ? new String[] {env, team, "critical"} : new String[] {env, team}) {
                        tt.setString(1, tid);
                        tt.setString(2, tag);
                        tt.addBatch();
                    }
                }
                if (i % 10 == 8 && parentIds.size() < 200 && random.nextInt(1000) < 50) {
                    parentIds.add(id);
                }
                previousId = subflow ? null : id;
                previousRoot = root;
                pending += 1 + tasksPerFlow;
                if (pending >= 20_000) {
                    fr.executeBatch();
                    ft.executeBatch();
                    tr.executeBatch();
                    tt.executeBatch();
                    c.commit();
                    pending = 0;
                }
                if (i > 0 && i % 100_000 == 0) {
                    System.out.printf(Locale.ROOT, "  %,d flow runs... (load %s)%n", i, Bench.load());
                }
            }
            fr.executeBatch();
            ft.executeBatch();
            tr.executeBatch();
            tt.executeBatch();
        }
    }
}
