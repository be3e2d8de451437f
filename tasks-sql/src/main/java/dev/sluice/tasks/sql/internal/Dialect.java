package dev.sluice.tasks.sql.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

/** What differs between the databases a load knows: how to upsert, empty a table, and whether COPY exists. */
enum Dialect {
    POSTGRESQL, H2, OTHER;

    /** True if pgjdbc (and with it the COPY API) is on the classpath. */
    static final boolean PGJDBC = present("org.postgresql.copy.CopyManager");

    static Dialect of(Connection connection) throws SQLException {
        String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        if (product.contains("postgresql")) {
            return POSTGRESQL;
        }
        if (product.equals("h2")) {
            return H2;
        }
        return OTHER;
    }

    /** True if this connection can take {@code COPY ... FROM STDIN} through pgjdbc. */
    boolean canCopy(Connection connection) throws SQLException {
        return this == POSTGRESQL && PGJDBC && PgCopy.supports(connection);
    }

    String truncate(String quotedTable) {
        // TRUNCATE is transactional in PostgreSQL; elsewhere it may commit, so DELETE keeps all-or-nothing true
        return this == POSTGRESQL ? "TRUNCATE TABLE " + quotedTable : "DELETE FROM " + quotedTable;
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, Dialect.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
