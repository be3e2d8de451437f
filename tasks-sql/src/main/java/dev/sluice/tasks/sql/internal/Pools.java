package dev.sluice.tasks.sql.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.DriverDataSource;
import dev.sluice.SluiceRuntime;
import dev.sluice.tasks.sql.DatabaseCredentials;
import dev.sluice.tasks.sql.SqlTaskException;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HikariCP pools of one {@link SluiceRuntime}: one pool per distinct credentials value, opened
 * on first use and closed with the runtime (it is a {@link SluiceRuntime.Resource}).
 */
public final class Pools implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Pools.class);
    /** The pools of each runtime; closed with it. */
    static final SluiceRuntime.Resource<Pools> RESOURCE = SluiceRuntime.Resource.of("sluice-tasks-sql pools", r -> new Pools());

    /** Read without a lock; changed under {@code this}. */
    private final Map<DatabaseCredentials, HikariDataSource> pools = new ConcurrentHashMap<>();
    /** Tells this runtime's pools apart from other runtimes' in logs and thread names. */
    private final String id = Integer.toHexString(System.identityHashCode(this));
    private int opened;
    private volatile boolean closed;

    private Pools() {
    }

    /** The pools of the runtime of the calling code ({@link SluiceRuntime#current()}). */
    public static Pools current() {
        return SluiceRuntime.current().resource(RESOURCE);
    }

    /**
     * The pools of the current runtime, or empty if that runtime is closed (its pools are closed
     * with it): for closing and counting, which have nothing to do then.
     */
    public static Optional<Pools> currentIfOpen() {
        SluiceRuntime runtime = SluiceRuntime.current();
        if (runtime.isClosed()) {
            return Optional.empty();
        }
        try {
            return Optional.of(runtime.resource(RESOURCE));
        } catch (IllegalStateException closedMeanwhile) {
            return Optional.empty();
        }
    }

    /**
     * The pool for {@code credentials}, opened if it is not open yet. An open pool is found without
     * a lock; opening happens under this object's lock, so two first uses of equal credentials never
     * open two pools.
     *
     * @throws IllegalStateException once {@link #close()} was called
     */
    public HikariDataSource dataSource(DatabaseCredentials credentials) {
        checkOpen();
        HikariDataSource ds = pools.get(credentials);
        if (ds != null && !ds.isClosed()) {
            return ds;
        }
        synchronized (this) {
            checkOpen();
            ds = pools.get(credentials);
            if (ds == null || ds.isClosed()) {
                ds = open(credentials, "sluice-sql-" + id + "-" + ++opened);
                pools.put(credentials, ds);
            }
            return ds;
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the SluiceRuntime these SQL pools belong to is closed");
        }
    }

    /** Closes the pool for {@code credentials}, if open. */
    public void close(DatabaseCredentials credentials) {
        HikariDataSource ds;
        synchronized (this) {
            ds = pools.remove(credentials);
        }
        if (ds != null) {
            closeQuietly(ds);
        }
    }

    /** Closes every open pool; new ones are opened on the next use. */
    public void closeAll() {
        List<HikariDataSource> all;
        synchronized (this) {
            all = new ArrayList<>(pools.values());
            pools.clear();
        }
        all.forEach(Pools::closeQuietly);
    }

    /** The number of pools open now. */
    public int size() {
        return pools.size();
    }

    /** Closes every pool for good: called when the runtime closes. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        closeAll();
    }

    private static void closeQuietly(HikariDataSource ds) {
        try {
            ds.close();
        } catch (RuntimeException e) {
            LOG.warn("closing pool {} failed", ds.getPoolName(), e);
        }
    }

    private static HikariDataSource open(DatabaseCredentials c, String poolName) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(poolName);
        config.setMaximumPoolSize(c.poolSize());
        config.setMinimumIdle(Math.min(1, c.poolSize()));
        config.setConnectionTimeout(c.connectionTimeout().toMillis());
        Map<String, String> props = new TreeMap<>(c.driverProperties());
        if (c.jdbcUrl().startsWith("jdbc:postgresql:") && !props.containsKey("reWriteBatchedInserts")) {
            // batched INSERTs (COPY off) become multi-row INSERTs: several times faster
            props.put("reWriteBatchedInserts", "true");
        }
        if (LOG.isDebugEnabled()) {
            Map<String, String> shown = new TreeMap<>();
            props.forEach((k, v) -> shown.put(k, isSecretName(k) ? "<masked>" : v));
            LOG.debug("opening pool {}: jdbcUrl={}, username={}, password=<masked>, maximumPoolSize={}, "
                            + "connectionTimeout={}ms, driverProperties={}", config.getPoolName(), c.redactedUrl(),
                    c.username(), c.poolSize(), c.connectionTimeout().toMillis(), shown);
        }
        String password = c.password().reveal(); // the one place the password is revealed
        // URL, user, password and driver properties go to the driver data source HikariCP would build
        // itself, not into the HikariConfig: HikariCP logs its configuration at DEBUG with only the
        // driver property named exactly "password" masked (sslpassword, tokens... would show)
        Properties driverProperties = new Properties();
        driverProperties.putAll(props);
        try {
            config.setDataSource(new DriverDataSource(c.jdbcUrl(), null, driverProperties, c.username(), password));
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            String noDriver = missingDriver(e, c.jdbcUrl());
            if (noDriver != null) {
                throw new SqlTaskException("cannot connect to " + c.redactedUrl() + " as user '" + c.username() + "': "
                        + noDriver, e);
            }
            throw new SqlTaskException("cannot connect to " + c.redactedUrl() + " as user '" + c.username() + "': "
                    + SqlErrors.rootMessage(e, password) + "; check the URL, the user name and the password of the credentials", e);
        }
    }

    /** The driver artifact for the usual JDBC sub-protocols, to name when none is on the class path. */
    private static final Map<String, String> DRIVERS = Map.ofEntries(
            Map.entry("postgresql", "org.postgresql:postgresql"),
            Map.entry("sqlite", "org.xerial:sqlite-jdbc"),
            Map.entry("h2", "com.h2database:h2"),
            Map.entry("mysql", "com.mysql:mysql-connector-j"),
            Map.entry("mariadb", "org.mariadb.jdbc:mariadb-java-client"),
            Map.entry("sqlserver", "com.microsoft.sqlserver:mssql-jdbc"),
            Map.entry("oracle", "com.oracle.database.jdbc:ojdbc11"),
            Map.entry("db2", "com.ibm.db2:jcc"),
            Map.entry("hsqldb", "org.hsqldb:hsqldb"),
            Map.entry("duckdb", "org.duckdb:duckdb_jdbc"),
            Map.entry("clickhouse", "com.clickhouse:clickhouse-jdbc"),
            Map.entry("snowflake", "net.snowflake:snowflake-jdbc"));

    /**
     * What to say when opening the pool failed because no driver takes the URL ("No suitable
     * driver", SQLState 08001, and {@link DriverManager#getDriver} finds none): which URLs lack a
     * driver and the usual artifact for them; null when a driver is there (the failure is another).
     * Names only the URL's {@code jdbc:subprotocol:} prefix, which holds no credentials.
     */
    static @Nullable String missingDriver(Throwable failure, String jdbcUrl) {
        boolean noSuitableDriver = false;
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException s && "08001".equals(s.getSQLState())
                    || String.valueOf(t.getMessage()).contains("No suitable driver")) {
                noSuitableDriver = true;
                break;
            }
        }
        if (!noSuitableDriver) {
            return null;
        }
        try {
            DriverManager.getDriver(jdbcUrl);
            return null;
        } catch (SQLException none) {
            // no driver: say so
        }
        int colon = jdbcUrl.indexOf(':', "jdbc:".length());
        String subprotocol = colon < 0 ? "" : jdbcUrl.substring("jdbc:".length(), colon);
        String prefix = "jdbc:" + subprotocol + ":";
        String artifact = DRIVERS.get(subprotocol.toLowerCase(Locale.ROOT));
        return "no JDBC driver on the class path accepts " + prefix + " URLs; add "
                + (artifact != null ? artifact + " (the usual driver for " + prefix + ")" : "the database's JDBC driver")
                + " to the class path";
    }

    public static boolean isSecretName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.contains("password") || n.contains("secret") || n.contains("token") || n.contains("key");
    }
}
