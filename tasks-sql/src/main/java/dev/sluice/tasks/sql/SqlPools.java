package dev.sluice.tasks.sql;

import dev.sluice.SluiceRuntime;
import dev.sluice.tasks.sql.internal.Pools;
import javax.sql.DataSource;

/**
 * The connection pools behind the SQL tasks: one HikariCP pool per distinct
 * {@link DatabaseCredentials} value per {@link SluiceRuntime}, opened on first use, shared by every
 * task run under that runtime, and closed when the runtime is closed (the default runtime: when the
 * JVM exits) or by {@link #close()}. Two runtimes never share a pool, even for equal credentials.
 *
 * <p>Every method acts on the pools of {@link SluiceRuntime#current()}: inside a task or flow,
 * the runtime it runs under; elsewhere the default one, or the runtime of a
 * {@code runtime.call(() -> SqlPools.dataSource(db))} scope.
 */
public final class SqlPools {
    private SqlPools() {
    }

    /**
     * The current runtime's pool for {@code credentials}, opened (and its first connection made)
     * if it is not open yet. For code that needs plain JDBC next to the tasks; do not close it
     * yourself.
     *
     * @throws SqlTaskException if the database cannot be reached or refuses the login
     * @throws IllegalStateException if the current runtime is closed
     */
    public static DataSource dataSource(DatabaseCredentials credentials) {
        return Pools.current().dataSource(credentials);
    }

    /**
     * Closes the current runtime's pool for {@code credentials}, if open; the next task using them
     * opens a new one. Does nothing when the current runtime is closed.
     */
    public static void close(DatabaseCredentials credentials) {
        Pools.currentIfOpen().ifPresent(p -> p.close(credentials));
    }

    /**
     * Closes every pool of the current runtime; the next task opens a new one. Other runtimes'
     * pools stay open. Does nothing when the current runtime is closed.
     */
    public static void close() {
        Pools.currentIfOpen().ifPresent(Pools::closeAll);
    }

    /** The number of pools the current runtime has open now. */
    public static int openPools() {
        return Pools.currentIfOpen().map(Pools::size).orElse(0);
    }
}
