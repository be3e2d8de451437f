package dev.sluice.tasks.sql.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.DriverDataSource;
import dev.sluice.tasks.sql.DatabaseCredentials;
import dev.sluice.tasks.sql.SqlTaskException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One HikariCP pool per credentials value; closed on JVM exit. */
public final class Pools {
    private static final Logger LOG = LoggerFactory.getLogger(Pools.class);
    private static final Map<DatabaseCredentials, HikariDataSource> POOLS = new ConcurrentHashMap<>();
    private static final AtomicInteger SEQ = new AtomicInteger();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Pools::closeAll, "sluice-sql-pools-close"));
    }

    private Pools() {
    }

    public static HikariDataSource dataSource(DatabaseCredentials credentials) {
        HikariDataSource ds = POOLS.get(credentials);
        if (ds != null && !ds.isClosed()) {
            return ds;
        }
        synchronized (POOLS) {
            ds = POOLS.get(credentials);
            if (ds == null || ds.isClosed()) {
                ds = open(credentials);
                POOLS.put(credentials, ds);
            }
            return ds;
        }
    }

    public static void close(DatabaseCredentials credentials) {
        HikariDataSource ds;
        synchronized (POOLS) {
            ds = POOLS.remove(credentials);
        }
        if (ds != null) {
            ds.close();
        }
    }

    public static void closeAll() {
        List<HikariDataSource> all;
        synchronized (POOLS) {
            all = new ArrayList<>(POOLS.values());
            POOLS.clear();
        }
        for (HikariDataSource ds : all) {
            try {
                ds.close();
            } catch (RuntimeException e) {
                LOG.warn("closing pool {} failed", ds.getPoolName(), e);
            }
        }
    }

    public static int size() {
        return POOLS.size();
    }

    private static HikariDataSource open(DatabaseCredentials c) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("sluice-sql-" + SEQ.incrementAndGet());
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
            throw new SqlTaskException("cannot connect to " + c.redactedUrl() + " as user '" + c.username() + "': "
                    + SqlErrors.rootMessage(e, password) + "; check the URL, the user name and the password of the credentials", e);
        }
    }

    static boolean isSecretName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.contains("password") || n.contains("secret") || n.contains("token") || n.contains("key");
    }
}
