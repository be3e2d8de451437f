package dev.sluice.tasks.sql.internal;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Locale;

/**
 * What differs between the databases a load knows: how to upsert, empty a table, and whether COPY
 * exists.
 */
enum Dialect {
    POSTGRESQL, H2, SQLITE, MYSQL, OTHER;

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
        if (product.equals("sqlite")) {
            return SQLITE;
        }
        if (product.equals("mysql") || product.equals("mariadb")) {
            return MYSQL;
        }
        return OTHER;
    }

    /**
     * Refuses an UPSERT load on a database it cannot run on, before anything is written, with a
     * message naming the database: MySQL and MariaDB (no MERGE; their {@code ON DUPLICATE KEY
     * UPDATE} is not implemented here) and SQLite before 3.24 (no {@code ON CONFLICT ... DO UPDATE}).
     */
    void checkUpsert(Connection connection, String table) throws SQLException {
        DatabaseMetaData md = connection.getMetaData();
        String product = md.getDatabaseProductName() + " " + md.getDatabaseProductVersion();
        if (this == MYSQL) {
            throw new IllegalArgumentException("an UPSERT load into '" + table + "' cannot run on " + product
                    + ": Sluice upserts with MERGE or INSERT ... ON CONFLICT, which MySQL and MariaDB lack, and does not"
                    + " implement their INSERT ... ON DUPLICATE KEY UPDATE; load into a staging table with LoadMode.INSERT,"
                    + " then run INSERT ... SELECT ... ON DUPLICATE KEY UPDATE with SqlTasks.execute()");
        }
        if (this == SQLITE && !atLeast(md.getDatabaseMajorVersion(), md.getDatabaseMinorVersion(), 3, 24)) {
            throw new IllegalArgumentException("an UPSERT load into '" + table + "' cannot run on " + product
                    + ": SQLite has INSERT ... ON CONFLICT ... DO UPDATE from version 3.24 on; use a newer sqlite-jdbc");
        }
    }

    private static boolean atLeast(int major, int minor, int wantMajor, int wantMinor) {
        return major > wantMajor || major == wantMajor && minor >= wantMinor;
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
