package dev.sluice.tasks.sql.internal;

import java.sql.SQLException;

/**
 * Turns driver exceptions into one-line messages. Passwords never reach SQL text; the one place a
 * driver could echo one (opening the pool) masks it.
 */
public final class SqlErrors {
    private SqlErrors() {
    }

    /** The deepest message of {@code t}'s cause chain, with {@code password} masked should a driver echo it. */
    public static String rootMessage(Throwable t, String password) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = describe(root);
        return password.length() < 3 ? text : text.replace(password, "**********");
    }

    /** {@code e}'s message with its SQL state, and the next exception of a batch if there is one. */
    public static String describe(Throwable e) {
        StringBuilder b = new StringBuilder(String.valueOf(e.getMessage()).strip());
        if (e instanceof SQLException s) {
            if (s.getSQLState() != null) {
                b.append(" [SQLState ").append(s.getSQLState()).append(']');
            }
            SQLException next = s.getNextException();
            if (next != null && next != s && !String.valueOf(e.getMessage()).contains(String.valueOf(next.getMessage()))) {
                b.append("; ").append(String.valueOf(next.getMessage()).strip());
            }
        }
        return b.toString();
    }

    /** True if {@code e} says the connection is gone (SQLState class 08, or the server shutting it: 57P0x). */
    public static boolean isConnectionLost(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null
                    && (s.getSQLState().startsWith("08") || s.getSQLState().startsWith("57P0"))) {
                return true;
            }
        }
        return false;
    }
}
