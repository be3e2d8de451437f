package dev.sluice.tasks.sql;

import dev.sluice.block.Block;
import dev.sluice.block.BlockType;
import dev.sluice.block.Encrypted;
import dev.sluice.block.Secret;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where a database is and how to log in. Every SQL task takes one; all tasks given equal
 * credentials under one {@code SluiceRuntime} share one HikariCP pool, closed with that runtime
 * ({@link SqlPools}). The JDBC driver is the caller's choice and must be on the classpath.
 *
 * <pre>{@code
 * DatabaseCredentials db = DatabaseCredentials.of("jdbc:postgresql://db:5432/shop", "etl", Secret.of(pw))
 *         .withPoolSize(4);
 * }</pre>
 *
 * <p>A {@code poolSize} of 0 and a null {@code connectionTimeout} or {@code driverProperties} take
 * the defaults {@link #of} uses, so a block needs only {@code jdbcUrl}, {@code username} and
 * {@code password}: {@code sluice blocks create} (and {@code BlockSchema.fromText}) give a number left
 * out as 0, and a stored or {@code SLUICE_BLOCK_DATABASE_CREDENTIALS_<NAME>} JSON block may leave
 * {@code connectionTimeout} and {@code driverProperties} out.
 *
 * @param jdbcUrl the JDBC URL; keep passwords out of it and in {@code password} (if one is in it, the
 *        URL is still stored encrypted, like every {@link Encrypted} field, and the password masked)
 * @param username the user name
 * @param password the password, revealed only to open connections
 * @param poolSize the most connections the pool keeps open; 0 means {@value #DEFAULT_POOL_SIZE}
 * @param connectionTimeout how long a task waits for a connection before failing; null means
 *        {@link #DEFAULT_CONNECTION_TIMEOUT} (30 s)
 * @param driverProperties extra driver properties (e.g. {@code sslmode}); stored encrypted, and values
 *        whose name holds "password", "secret", "token" or "key" are masked wherever they show up; null
 *        means none
 */
@BlockType("database-credentials")
public record DatabaseCredentials(@Encrypted String jdbcUrl, String username, Secret password, int poolSize,
                                  @Nullable Duration connectionTimeout,
                                  @Encrypted @Nullable Map<String, String> driverProperties) implements Block {
    /** The pool size {@link #of} starts with. */
    public static final int DEFAULT_POOL_SIZE = 5;
    /** The connection timeout {@link #of} starts with. */
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Validates every field; a {@code poolSize} of 0, a null {@code connectionTimeout} and null
     * {@code driverProperties} become the defaults of {@link #of} (a block that leaves them out).
     */
    public DatabaseCredentials {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        if (!jdbcUrl.startsWith("jdbc:")) {
            throw new IllegalArgumentException("jdbcUrl must start with 'jdbc:', was '" + dev.sluice.block.JdbcUrls.redacted(jdbcUrl) + "'");
        }
        if (poolSize == 0) {
            poolSize = DEFAULT_POOL_SIZE;
        }
        if (poolSize < 1) {
            throw new IllegalArgumentException("poolSize must be >= 1 (or 0 for the default, " + DEFAULT_POOL_SIZE
                    + "), was " + poolSize);
        }
        if (connectionTimeout == null) {
            connectionTimeout = DEFAULT_CONNECTION_TIMEOUT;
        }
        if (connectionTimeout.compareTo(Duration.ofMillis(250)) < 0) {
            throw new IllegalArgumentException("connectionTimeout must be >= 250ms (HikariCP's minimum), was " + connectionTimeout);
        }
        driverProperties = driverProperties == null ? Map.of() : Map.copyOf(driverProperties);
        maskCredentialsIn(jdbcUrl, driverProperties);
    }

    /** How long a task waits for a connection before failing; never null (a left-out value is the default). */
    @Override
    public Duration connectionTimeout() {
        return Objects.requireNonNull(connectionTimeout);
    }

    /** The extra driver properties, unmodifiable; never null (left out, they are none). */
    @Override
    public Map<String, String> driverProperties() {
        return Objects.requireNonNull(driverProperties);
    }

    /**
     * Teaches the masker the credentials a URL or driver properties carry (a {@code password=}
     * parameter, user info before '@', a property named like a secret), so they are masked wherever
     * they show up, as a {@link Secret}'s value is.
     */
    private static void maskCredentialsIn(String url, Map<String, String> properties) {
        for (String password : dev.sluice.block.JdbcUrls.passwords(url)) {
            Secret.of(password).reveal();
        }
        properties.forEach((k, v) -> {
            if (dev.sluice.tasks.sql.internal.Pools.isSecretName(k) && !v.isEmpty()) {
                Secret.of(v).reveal();
            }
        });
    }


    /** Credentials with a pool of {@value #DEFAULT_POOL_SIZE} connections and a 30 s connection timeout. */
    public static DatabaseCredentials of(String jdbcUrl, String username, Secret password) {
        return new DatabaseCredentials(jdbcUrl, username, password, DEFAULT_POOL_SIZE, DEFAULT_CONNECTION_TIMEOUT, Map.of());
    }

    /** A copy with this pool size ({@code 0}: {@value #DEFAULT_POOL_SIZE}). */
    public DatabaseCredentials withPoolSize(int poolSize) {
        return new DatabaseCredentials(jdbcUrl, username, password, poolSize, connectionTimeout, driverProperties);
    }

    /** A copy with this connection timeout ({@code null}: {@link #DEFAULT_CONNECTION_TIMEOUT}). */
    public DatabaseCredentials withConnectionTimeout(@Nullable Duration connectionTimeout) {
        return new DatabaseCredentials(jdbcUrl, username, password, poolSize, connectionTimeout, driverProperties);
    }

    /** A copy with these driver properties (replacing the previous ones). */
    public DatabaseCredentials withDriverProperties(Map<String, String> driverProperties) {
        return new DatabaseCredentials(jdbcUrl, username, password, poolSize, connectionTimeout, driverProperties);
    }

    /**
     * The JDBC URL without its parameters (after '?' or ';') and with any user info before an '@'
     * ({@code jdbc:mysql://etl:pw@db/shop}, {@code jdbc:oracle:thin:scott/tiger@db:1521:orcl})
     * masked, for messages and logs.
     */
    public String redactedUrl() {
        return dev.sluice.block.JdbcUrls.redacted(jdbcUrl);
    }

    /** Names the URL (without parameters) and user; never the password. */
    @Override
    public String toString() {
        return "DatabaseCredentials[jdbcUrl=" + redactedUrl() + ", username=" + username + ", password=" + password
                + ", poolSize=" + poolSize + ", connectionTimeout=" + connectionTimeout
                + ", driverProperties=" + driverProperties.keySet() + "]";
    }
}
