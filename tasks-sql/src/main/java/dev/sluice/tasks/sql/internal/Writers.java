package dev.sluice.tasks.sql.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/** The ways a load writes one batch of rows: COPY, JDBC batches, PostgreSQL and MERGE upserts. */
final class Writers {
    private static final int FLUSH_BYTES = 1 << 18;

    private Writers() {
    }

    /** Rows inserted and updated by one batch. */
    record Counts(long inserted, long updated) {
    }

    /** An input row that cannot be written as it is (missing column, wrong shape, NUL in text). */
    static final class BadRowException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadRowException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Writes one batch inside the caller's transaction. */
    interface Writer extends AutoCloseable {
        /** Writes the rows of the cursor's current batch. */
        Counts write(Cursor batch) throws SQLException;

        /** True if one batch can be as large as the whole input (COPY streams it). */
        boolean streams();

        /** How it writes, for the log: "COPY", "batched INSERT", ... */
        String method();

        /**
         * The statement a batch runs, to cancel when the loading thread is interrupted; null where
         * the connection itself is cancelled instead (PostgreSQL).
         */
        default @Nullable Statement statement() {
            return null;
        }

        @Override
        void close() throws SQLException;
    }

    static BadRowException badRow(long index, String column, IllegalArgumentException e) {
        String where = column == null ? "input row " + index + " " : "input row " + index + ", column '" + column + "': ";
        return new BadRowException(where + e.getMessage(), e);
    }

    /** {@code COPY table (cols) FROM STDIN} of every row of the batch. */
    static long copy(Connection conn, String quotedTable, Target target, Values.Reader reader, CopyEncoder enc,
                     Cursor batch) throws SQLException {
        CopySink sink = PgCopy.open(conn, "COPY " + quotedTable + " (" + target.columnList() + ") FROM STDIN");
        boolean done = false;
        try {
            int n = target.quotedColumns().size();
            boolean[] utc = target.utcWallTime();
            enc.reset();
            while (batch.hasNext()) {
                Object row = batch.next();
                for (int c = 0; c < n; c++) {
                    if (c > 0) {
                        enc.tab();
                    }
                    Object v;
                    try {
                        v = reader.get(row, c);
                    } catch (IllegalArgumentException e) {
                        throw badRow(batch.index(), null, e);
                    }
                    try {
                        // a timestamp column (no zone) keeps an instant as its UTC wall time, as a JDBC batch binds it
                        Object instant = utc[c] ? Values.asInstant(v) : null;
                        enc.value(instant != null ? instant : v);
                    } catch (IllegalArgumentException e) {
                        throw badRow(batch.index(), target.inputColumns().get(c), e);
                    }
                }
                enc.endRow();
                if (enc.length() >= FLUSH_BYTES) {
                    sink.write(enc.buffer(), 0, enc.length());
                    enc.reset();
                }
            }
            if (enc.length() > 0) {
                sink.write(enc.buffer(), 0, enc.length());
                enc.reset();
            }
            long rows = sink.end();
            done = true;
            return rows;
        } finally {
            if (!done) {
                sink.cancel();
            }
        }
    }

    /** Adds every row of the batch to {@code ps} and executes it. */
    static long jdbcBatch(PreparedStatement ps, Target target, Values.Reader reader, Cursor batch) throws SQLException {
        int n = target.quotedColumns().size();
        int[] types = target.sqlTypes();
        boolean[] utc = target.utcWallTime();
        long rows = 0;
        while (batch.hasNext()) {
            Object row = batch.next();
            for (int c = 0; c < n; c++) {
                Object v;
                try {
                    v = reader.get(row, c);
                } catch (IllegalArgumentException e) {
                    throw badRow(batch.index(), null, e);
                }
                Values.bind(ps, c + 1, v, types[c], utc[c]);
            }
            ps.addBatch();
            rows++;
        }
        ps.executeBatch();
        return rows;
    }

    static Writer insert(Connection conn, Dialect dialect, boolean useCopy, Target target, Values.Reader reader)
            throws SQLException {
        if (useCopy && dialect.canCopy(conn)) {
            CopyEncoder enc = new CopyEncoder(FLUSH_BYTES + 4096);
            return new Writer() {
                @Override
                public Counts write(Cursor batch) throws SQLException {
                    long rows = copy(conn, target.quotedTable(), target, reader, enc, batch);
                    return new Counts(rows, 0);
                }

                @Override
                public boolean streams() {
                    return true;
                }

                @Override
                public String method() {
                    return "COPY";
                }

                @Override
                public void close() {
                }
            };
        }
        PreparedStatement ps = conn.prepareStatement(insertSql(target.quotedTable(), target));
        return new Writer() {
            @Override
            public Counts write(Cursor batch) throws SQLException {
                return new Counts(jdbcBatch(ps, target, reader, batch), 0);
            }

            @Override
            public boolean streams() {
                return false;
            }

            @Override
            public String method() {
                return "batched INSERT";
            }

            @Override
            public Statement statement() {
                return ps;
            }

            @Override
            public void close() throws SQLException {
                ps.close();
            }
        };
    }

    static String insertSql(String quotedTable, Target target) {
        return "INSERT INTO " + quotedTable + " (" + target.columnList() + ") VALUES (" + placeholders(target) + ")";
    }

    private static String prefixed(String prefix, List<String> names) {
        List<String> out = new ArrayList<>(names.size());
        for (String n : names) {
            out.add(prefix + n);
        }
        return String.join(", ", out);
    }

    private static String placeholders(Target target) {
        return String.join(", ", java.util.Collections.nCopies(target.quotedColumns().size(), "?"));
    }

    /**
     * PostgreSQL upsert: each batch goes into a temporary table (by COPY, or batched INSERT), then an
     * {@code UPDATE ... FROM} updates the rows whose keys exist and an {@code INSERT ... SELECT ...
     * WHERE NOT EXISTS ... ON CONFLICT (keys) DO UPDATE} adds the others, counting both.
     */
    static Writer pgUpsert(Connection conn, boolean useCopy, Target target, List<String> keys, Values.Reader reader)
            throws SQLException {
        boolean copy = useCopy && Dialect.POSTGRESQL.canCopy(conn);
        String temp = Identifiers.quote("sluice_load_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE));
        String create = "CREATE TEMPORARY TABLE IF NOT EXISTS " + temp + " ON COMMIT DROP AS SELECT "
                + target.columnList() + " FROM " + target.quotedTable() + " WITH NO DATA";
        List<String> keyCols = new ArrayList<>();
        for (String k : keys) {
            keyCols.add(target.quotedColumnFor(k));
        }
        List<String> sets = new ArrayList<>();
        for (String c : target.quotedColumns()) {
            if (!keyCols.contains(c)) {
                sets.add(c + " = EXCLUDED." + c);
            }
        }
        String action = sets.isEmpty() ? "DO NOTHING" : "DO UPDATE SET " + String.join(", ", sets);
        List<String> on = new ArrayList<>();
        for (String k : keyCols) {
            on.add("t." + k + " = s." + k);
        }
        String matches = String.join(" AND ", on);
        List<String> assignments = new ArrayList<>();
        for (String c : target.quotedColumns()) {
            if (!keyCols.contains(c)) {
                assignments.add(c + " = s." + c);
            }
        }
        // set-based: update the rows whose key exists, then insert the rest; ON CONFLICT still guards
        // the insert against a row another session adds meanwhile
        String update = assignments.isEmpty() ? null : "UPDATE " + target.quotedTable() + " AS t SET "
                + String.join(", ", assignments) + " FROM " + temp + " AS s WHERE " + matches;
        String merge = "WITH m AS (INSERT INTO " + target.quotedTable() + " AS t (" + target.columnList() + ") SELECT "
                + prefixed("s.", target.quotedColumns()) + " FROM " + temp + " AS s WHERE NOT EXISTS (SELECT 1 FROM "
                + target.quotedTable() + " AS t WHERE " + matches + ") ON CONFLICT (" + String.join(", ", keyCols) + ") "
                + action + " RETURNING (xmax = 0) AS ins) SELECT count(*) FILTER (WHERE ins), count(*) FROM m";
        CopyEncoder enc = copy ? new CopyEncoder(FLUSH_BYTES + 4096) : null;
        return new Writer() {
            private PreparedStatement fill;

            @Override
            public Counts write(Cursor batch) throws SQLException {
                try (Statement st = conn.createStatement()) {
                    st.execute(create);
                }
                long rows;
                if (enc != null) {
                    rows = copy(conn, temp, target, reader, enc, batch);
                } else {
                    if (fill == null) {
                        fill = conn.prepareStatement(insertSql(temp, target));
                    }
                    rows = jdbcBatch(fill, target, reader, batch);
                }
                try (Statement st = conn.createStatement()) {
                    long updated = update == null ? 0 : st.executeUpdate(update);
                    long inserted = 0;
                    if (update == null || updated < rows) { // when every row was an update, nothing is left to insert
                        try (ResultSet rs = st.executeQuery(merge)) {
                            rs.next();
                            inserted = rs.getLong(1);
                            updated += rs.getLong(2) - inserted;
                        }
                    }
                    st.execute("TRUNCATE TABLE " + temp);
                    return new Counts(inserted, updated);
                }
            }

            @Override
            public boolean streams() {
                return enc != null;
            }

            @Override
            public String method() {
                return (enc != null ? "COPY" : "batched INSERT") + " into a temporary table, then UPDATE ... FROM and INSERT ... ON CONFLICT";
            }

            @Override
            public void close() throws SQLException {
                if (fill != null) {
                    fill.close();
                }
            }
        };
    }

    /**
     * MERGE upsert for H2 ({@code MERGE INTO t (cols) KEY (keys) VALUES}) and other databases
     * (standard {@code MERGE ... USING (VALUES ...)}); inserted rows are counted as the table's growth,
     * kept between 0 and the batch's rows (other sessions may add or delete rows meanwhile).
     */
    static Writer merge(Connection conn, Dialect dialect, Target target, List<String> keys, Values.Reader reader)
            throws SQLException {
        List<String> keyCols = new ArrayList<>();
        for (String k : keys) {
            keyCols.add(target.quotedColumnFor(k));
        }
        String t = target.quotedTable();
        String sql;
        if (dialect == Dialect.H2) {
            sql = "MERGE INTO " + t + " (" + target.columnList() + ") KEY (" + String.join(", ", keyCols) + ") VALUES ("
                    + placeholders(target) + ")";
        } else {
            List<String> on = new ArrayList<>();
            for (String k : keyCols) {
                on.add("t." + k + " = s." + k);
            }
            List<String> sets = new ArrayList<>();
            List<String> values = new ArrayList<>();
            for (String c : target.quotedColumns()) {
                if (!keyCols.contains(c)) {
                    sets.add(c + " = s." + c);
                }
                values.add("s." + c);
            }
            sql = "MERGE INTO " + t + " t USING (VALUES (" + placeholders(target) + ")) s (" + target.columnList()
                    + ") ON (" + String.join(" AND ", on) + ")"
                    + (sets.isEmpty() ? "" : " WHEN MATCHED THEN UPDATE SET " + String.join(", ", sets))
                    + " WHEN NOT MATCHED THEN INSERT (" + target.columnList() + ") VALUES (" + String.join(", ", values) + ")";
        }
        PreparedStatement ps = conn.prepareStatement(sql);
        String count = "SELECT COUNT(*) FROM " + t;
        return new Writer() {
            @Override
            public Counts write(Cursor batch) throws SQLException {
                long before = count(conn, count);
                long rows = jdbcBatch(ps, target, reader, batch);
                // rows other sessions commit or delete meanwhile change the growth too: keep the counts
                // within this batch's rows, so a concurrent load never makes them negative
                long inserted = Math.max(0, Math.min(rows, count(conn, count) - before));
                return new Counts(inserted, rows - inserted);
            }

            @Override
            public boolean streams() {
                return false;
            }

            @Override
            public String method() {
                return "batched MERGE";
            }

            @Override
            public Statement statement() {
                return ps;
            }

            @Override
            public void close() throws SQLException {
                ps.close();
            }
        };
    }

    /**
     * SQLite upsert: {@code INSERT ... ON CONFLICT (keys) DO UPDATE SET c = excluded.c} (SQLite 3.24+),
     * a row at a time. SQLite runs in the process, so a JDBC batch saves no round trip, and a row at a
     * time lets an indexed look-up of its key, just before, tell an update from an insert: the counts
     * are exact, also when a key comes twice in one load.
     */
    static Writer sqliteUpsert(Connection conn, Target target, List<String> keys, Values.Reader reader)
            throws SQLException {
        List<String> keyCols = new ArrayList<>();
        int[] keyIndex = new int[keys.size()];
        for (int k = 0; k < keys.size(); k++) {
            String quoted = target.quotedColumnFor(keys.get(k));
            keyCols.add(quoted);
            keyIndex[k] = target.quotedColumns().indexOf(quoted);
        }
        List<String> sets = new ArrayList<>();
        for (String c : target.quotedColumns()) {
            if (!keyCols.contains(c)) {
                sets.add(c + " = excluded." + c);
            }
        }
        String t = target.quotedTable();
        String upsert = insertSql(t, target) + " ON CONFLICT (" + String.join(", ", keyCols) + ") "
                + (sets.isEmpty() ? "DO NOTHING" : "DO UPDATE SET " + String.join(", ", sets));
        List<String> match = new ArrayList<>();
        for (String k : keyCols) {
            match.add(k + " = ?");
        }
        String exists = "SELECT 1 FROM " + t + " WHERE " + String.join(" AND ", match);
        // a write that changes nothing, first in each batch's transaction: it takes the write lock (waiting
        // out the busy timeout like any write) before the look-ups take a read lock, which SQLite could not
        // upgrade while another connection writes: a concurrent load would fail at once with SQLITE_BUSY
        String lock = "DELETE FROM " + t + " WHERE 1 = 0";
        PreparedStatement ps = conn.prepareStatement(upsert);
        PreparedStatement probe = conn.prepareStatement(exists);
        int n = target.quotedColumns().size();
        int[] types = target.sqlTypes();
        Object[] values = new Object[n];
        return new Writer() {
            @Override
            public Counts write(Cursor batch) throws SQLException {
                long inserted = 0;
                long updated = 0;
                try (Statement st = conn.createStatement()) {
                    st.executeUpdate(lock);
                }
                while (batch.hasNext()) {
                    Object row = batch.next();
                    for (int c = 0; c < n; c++) {
                        try {
                            values[c] = reader.get(row, c);
                        } catch (IllegalArgumentException e) {
                            throw badRow(batch.index(), null, e);
                        }
                        Values.bind(ps, c + 1, values[c], types[c]);
                    }
                    for (int k = 0; k < keyIndex.length; k++) {
                        Values.bind(probe, k + 1, values[keyIndex[k]], types[keyIndex[k]]);
                    }
                    boolean existed;
                    try (ResultSet rs = probe.executeQuery()) {
                        existed = rs.next();
                    }
                    ps.executeUpdate();
                    if (existed) {
                        updated++;
                    } else {
                        inserted++;
                    }
                }
                return new Counts(inserted, updated);
            }

            @Override
            public boolean streams() {
                return false;
            }

            @Override
            public String method() {
                return "INSERT ... ON CONFLICT DO UPDATE";
            }

            @Override
            public Statement statement() {
                return ps;
            }

            @Override
            public void close() throws SQLException {
                try {
                    probe.close();
                } finally {
                    ps.close();
                }
            }
        };
    }

    private static long count(Connection conn, String sql) throws SQLException {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
