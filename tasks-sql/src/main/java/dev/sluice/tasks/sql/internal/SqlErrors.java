package dev.sluice.tasks.sql.internal;

import dev.sluice.tasks.sql.DatabaseCredentials;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/** Turns driver exceptions into one-line messages with no password in them. */
public final class SqlErrors {
    private SqlErrors() {
    }

    /** The deepest message of {@code t}'s cause chain, with the password masked should a driver echo it. */
    public static String rootMessage(Throwable t, DatabaseCredentials credentials) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return mask(describe(root), credentials);
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

    /** The message of {@code e} (a SQL exception, usually) for the credentials' database. */
    public static String message(Throwable e, DatabaseCredentials credentials) {
        return mask(describe(e), credentials);
    }

    static String mask(@Nullable String text, DatabaseCredentials credentials) {
        if (text == null) {
            return "";
        }
        if (credentials.password().isEmpty()) {
            return text;
        }
        String pw = credentials.password().reveal();
        return pw.length() < 3 ? text : text.replace(pw, "**********");
    }
}
