package dev.sluice.history.internal;

import java.io.IOException;
import java.io.Reader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.PGStatement;
import org.postgresql.copy.CopyManager;

/** What uses pgjdbc's own API: a class of its own, so that the driver is loaded only on PostgreSQL. */
final class Pg {
    private Pg() {
    }

    /**
     * Makes {@code ps} planned for its actual values at every execution. pgjdbc otherwise prepares a
     * statement on the server after a few executions and PostgreSQL may then keep a generic plan, one
     * made without the values: for a keyset page that is the wrong plan as soon as the cursor's position
     * or a name's selectivity matters (a later page took 80 ms with it, 1 ms with its own plan).
     */
    static void planEachTime(PreparedStatement ps) throws SQLException {
        ps.unwrap(PGStatement.class).setPrepareThreshold(0);
    }

    /**
     * Copies {@code rows} by {@code COPY ... FROM STDIN} (text format): the server parses no statement and
     * plans nothing per row. Copies {@code rows} into {@code table}'s {@code columns} (a parenthesised list), in the caller's
     * transaction; a value {@code nullText} or {@code nullLong} is a SQL NULL.
     */
    static void copy(Connection c, String table, String columns, List<Object[]> rows, Object nullText, Object nullLong)
            throws SQLException {
        StringBuilder sb = new StringBuilder(rows.size() * 320);
        for (Object[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                if (i > 0) {
                    sb.append('\t');
                }
                Object v = row[i];
                if (v == nullText || v == nullLong) {
                    sb.append("\\N");
                } else if (v instanceof Long l) {
                    sb.append(l.longValue());
                } else {
                    escape(sb, (String) v);
                }
            }
            sb.append('\n');
        }
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        try {
            copy.copyIn("copy " + table + " " + columns + " from stdin", new CharSequenceReader(sb));
        } catch (IOException e) {
            throw new SQLException("COPY into " + table + " failed: " + e.getMessage(), "08000", e);
        }
    }

    /** Text-format escapes: backslash, and the delimiters (tab, newline, carriage return). */
    private static void escape(StringBuilder sb, String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '\\' -> sb.append("\\\\");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                default -> sb.append(ch);
            }
        }
    }

    /** A reader over a char sequence, without copying it. */
    private static final class CharSequenceReader extends Reader {
        private final CharSequence text;
        private int at;

        CharSequenceReader(CharSequence text) {
            this.text = text;
        }

        @Override
        public int read(char[] buf, int off, int len) {
            if (at >= text.length()) {
                return -1;
            }
            int n = Math.min(len, text.length() - at);
            for (int i = 0; i < n; i++) {
                buf[off + i] = text.charAt(at + i);
            }
            at += n;
            return n;
        }

        @Override
        public void close() {
        }
    }
}
