package dev.sluice.history.internal;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/** The two databases a history can live in, and what differs between them. */
public enum Dialect {
    /** A SQLite file (xerial sqlite-jdbc), in WAL mode. */
    SQLITE("sqlite"),
    /** A PostgreSQL server (pgjdbc). */
    POSTGRESQL("postgresql");

    private final String folder;

    Dialect(String folder) {
        this.folder = folder;
    }

    /** Where this dialect's Flyway migrations are on the class path. */
    public String migrations() {
        return "classpath:db/sluice-history/" + folder;
    }

    /**
     * Whether {@code e} says the database is away or busy for now (connection lost, server shutting
     * down, lock held by another process, disk full), so writing again later may work.
     */
    public static boolean isTransient(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof SQLTransientException || c instanceof SQLRecoverableException
                    || c instanceof java.io.IOException) {
                return true;
            }
            if (c instanceof SQLException s) {
                String state = s.getSQLState();
                if (state != null && (state.startsWith("08") || state.startsWith("53") || state.startsWith("57")
                        || state.startsWith("40"))) {
                    return true;
                }
                if (c instanceof org.sqlite.SQLiteException lite) {
                    switch (lite.getResultCode().code & 0xff) {
                        case 5, 6, 10, 13, 14 -> {
                            return true; // BUSY, LOCKED, IOERR, FULL, CANTOPEN
                        }
                        default -> {
                        }
                    }
                }
            }
        }
        return false;
    }
}
