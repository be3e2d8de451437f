package dev.sluice.tasks.sql;

import dev.sluice.tasks.sql.internal.Pools;
import javax.sql.DataSource;

/**
 * The connection pools behind the SQL tasks: one HikariCP pool per distinct
 * {@link DatabaseCredentials} value per JVM, opened on first use, shared by every task, and closed
 * when the JVM exits or {@link #close()} is called.
 */
public final class SqlPools {
    private SqlPools() {
    }

    /**
     * The pool for {@code credentials}, opened (and its first connection made) if it is not open
     * yet. For code that needs plain JDBC next to the tasks.
     *
     * @throws SqlTaskException if the database cannot be reached or refuses the login
     */
    public static DataSource dataSource(DatabaseCredentials credentials) {
        return Pools.dataSource(credentials);
    }

    /** Closes the pool for {@code credentials}, if open; the next task using them opens a new one. */
    public static void close(DatabaseCredentials credentials) {
        Pools.close(credentials);
    }

    /** Closes every pool; the next task opens a new one. */
    public static void close() {
        Pools.closeAll();
    }

    /** The number of pools open now. */
    public static int openPools() {
        return Pools.size();
    }
}
