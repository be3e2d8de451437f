package dev.sluice.server.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sluice.block.Secret;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.server.ApiKey;
import dev.sluice.server.NewApiKey;
import dev.sluice.server.Role;
import dev.sluice.server.ServerException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * API keys in the history's database: table {@code sluice_api_keys}, migrated by Flyway with its own
 * history table so the run history's migrations stay independent. Keys are looked up by their id and
 * compared by SHA-256 hash (they are 256-bit random values, so a slow password hash would add nothing);
 * answers are cached for {@link #CACHE_MILLIS} by the server's clock (so a key revoked in another process stops
 * working here within that time). A key made or revoked through any store of this process voids every store's cached
 * answers at once ({@link #CHANGES}), and "no key exists" is never cached: the first key, wherever it was made, closes
 * an open server at its next request.
 */
public final class KeyStore implements AutoCloseable {
    /** Flyway's table of the server's applied migrations. */
    public static final String SCHEMA_TABLE = "sluice_server_schema_history";
    static final long CACHE_MILLIS = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(KeyStore.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern TOKEN = Pattern.compile("sluice_([0-9a-f]{12})_([A-Za-z0-9_-]{43})");
    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * Keys made or revoked through any store of this process: an answer cached before the latest is void (a server
     * and a program's own {@code ApiKeys} on one database are two stores, each with its cache).
     */
    private static final java.util.concurrent.atomic.AtomicLong CHANGES = new java.util.concurrent.atomic.AtomicLong();

    private final HistoryDatabase config;
    private final DataSource source;
    private final @Nullable HikariDataSource pool;
    private final Clock clock;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();
    private volatile long anyActiveAt = Long.MIN_VALUE;
    private volatile long anyActiveChanges = -1;
    private volatile boolean closed;

    /** An answer read at {@code at} (the server's clock), when {@link #CHANGES} was {@code changes}. */
    private record Cached(@Nullable ApiKey key, long at, long changes) {
    }

    private KeyStore(HistoryDatabase config, DataSource source, @Nullable HikariDataSource pool, Clock clock) {
        this.config = config;
        this.source = source;
        this.pool = pool;
        this.clock = clock;
    }

    /** Connects to {@code config} and migrates the key tables. */
    public static KeyStore open(HistoryDatabase config, Clock clock) {
        KeyStore store;
        if (config.isSqlite()) {
            Path file = config.sqliteFile().orElseThrow();
            try {
                Path parent = file.getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
            } catch (IOException e) {
                throw new ServerException("cannot create the folder of the database file " + file + ": " + e, e);
            }
            SQLiteConfig sc = new SQLiteConfig();
            sc.setJournalMode(SQLiteConfig.JournalMode.WAL);
            sc.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
            sc.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()));
            SQLiteDataSource ds = new SQLiteDataSource(sc);
            ds.setUrl("jdbc:sqlite:" + file);
            HikariConfig hc = new HikariConfig();
            hc.setPoolName("sluice-server");
            hc.setDataSource(ds);
            hc.setMaximumPoolSize(Math.max(2, config.poolSize()));
            hc.setMinimumIdle(1);
            hc.setConnectionTimeout(config.connectTimeout().toMillis());
            hc.setInitializationFailTimeout(1);
            HikariDataSource pool;
            try {
                pool = new HikariDataSource(hc);
            } catch (RuntimeException e) {
                throw new ServerException("cannot open the database file " + file + " for the API keys: " + root(e), e);
            }
            store = new KeyStore(config, pool, pool, clock);
        } else {
            String password = config.password().reveal();
            HikariConfig hc = new HikariConfig();
            hc.setPoolName("sluice-server");
            hc.setJdbcUrl(config.url());
            hc.setUsername(config.user().isEmpty() ? null : config.user());
            hc.setPassword(password.isEmpty() ? null : password);
            hc.setMaximumPoolSize(Math.max(2, config.poolSize()));
            hc.setMinimumIdle(1);
            hc.setConnectionTimeout(config.connectTimeout().toMillis());
            hc.setInitializationFailTimeout(1);
            HikariDataSource pool;
            try {
                pool = new HikariDataSource(hc);
            } catch (RuntimeException e) {
                throw new ServerException("cannot connect to the database " + config.redactedUrl()
                        + (config.user().isEmpty() ? "" : " as user '" + config.user() + "'") + " for the API keys: "
                        + Secret.mask(root(e)) + "; check the URL, user and password", null);
            }
            store = new KeyStore(config, pool, pool, clock);
        }
        try {
            store.migrate();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    private void migrate() {
        Optional<Path> file = config.sqliteFile();
        if (file.isEmpty()) {
            flyway();
            return;
        }
        try {
            dev.sluice.history.internal.Database.withMigrationLock(file.get(), config.connectTimeout(), () -> {
                flyway();
                return null;
            });
        } catch (IOException e) {
            throw new ServerException("cannot lock the migration of the API key tables in " + file.get() + ": " + e, e);
        }
    }


    private void flyway() {
        String dialect = config.isSqlite() ? "sqlite" : "postgresql";
        try {
            Flyway.configure(KeyStore.class.getClassLoader())
                    .dataSource(source)
                    .locations("classpath:db/sluice-server/" + dialect)
                    .table(SCHEMA_TABLE)
                    .baselineOnMigrate(true)
                    .baselineVersion("0")
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            throw new ServerException("cannot create or migrate the API key tables in " + description() + ": "
                    + Secret.mask(root(e)), e);
        }
    }

    private static String root(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }

    /** The connections (for the server's own reads of the history tables). */
    public DataSource dataSource() {
        return source;
    }

    /** The database these keys are in. */
    public HistoryDatabase config() {
        return config;
    }

    /** The database, for messages. */
    public String description() {
        return config.sqliteFile().map(Path::toString).orElse(config.redactedUrl());
    }

    /** Creates a key; see {@code ApiKeys.create}. */
    public NewApiKey create(String name, Role role) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("key name must be 1 to 64 letters, digits, '-', '_' or '.', was '" + name + "'");
        }
        java.util.Objects.requireNonNull(role, "role");
        byte[] idBytes = new byte[6];
        byte[] secret = new byte[32];
        RANDOM.nextBytes(idBytes);
        RANDOM.nextBytes(secret);
        String id = HexFormat.of().formatHex(idBytes);
        String token = "sluice_" + id + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Instant now = clock.instant();
        try (Connection c = connection()) {
            if (activeNamed(c, name)) {
                throw nameTaken(name);
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "insert into sluice_api_keys (id, name, role, key_hash, created_at) values (?, ?, ?, ?, ?)")) {
                ps.setString(1, id);
                ps.setString(2, name);
                ps.setString(3, role.id());
                ps.setString(4, hash(token));
                ps.setLong(5, now.toEpochMilli());
                ps.executeUpdate();
            } catch (SQLException e) {
                // a key of that name made since the check (another thread or process): the unique index refused this
                // one, which is the name taken, not the database failing
                if (activeNamed(c, name)) {
                    throw nameTaken(name);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw failure("create API key '" + name + "'", e);
        }
        CHANGES.incrementAndGet();
        LOG.info("API key '{}' (id {}, role {}) created", name, id, role.id());
        return new NewApiKey(new ApiKey(id, name, role, Instant.ofEpochMilli(now.toEpochMilli()), null), Secret.of(token));
    }

    private static boolean activeNamed(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select 1 from sluice_api_keys where name = ? and revoked_at is null")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static IllegalArgumentException nameTaken(String name) {
        return new IllegalArgumentException("an active API key is already named '" + name
                + "'; revoke it first or choose another name");
    }

    /** Every key, oldest first. */
    public List<ApiKey> list() {
        List<ApiKey> keys = new ArrayList<>();
        try (Connection c = connection();
                PreparedStatement ps = c.prepareStatement(
                        "select id, name, role, created_at, revoked_at from sluice_api_keys order by created_at, id");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                keys.add(read(rs));
            }
        } catch (SQLException e) {
            throw failure("list API keys", e);
        }
        return List.copyOf(keys);
    }

    private static ApiKey read(ResultSet rs) throws SQLException {
        long revoked = rs.getLong(5);
        boolean wasNull = rs.wasNull();
        return new ApiKey(rs.getString(1), rs.getString(2), Role.parse(rs.getString(3)), Instant.ofEpochMilli(rs.getLong(4)),
                wasNull ? null : Instant.ofEpochMilli(revoked));
    }

    /** Revokes the active key with this id or name. */
    public boolean revoke(String idOrName) {
        int n;
        // by id first, by name only when no active key has that id: a key may be named like another key's id (12 hex
        // digits), and revoking that other key by its id must not revoke it too
        try (Connection c = connection();
                PreparedStatement byId = c.prepareStatement(
                        "update sluice_api_keys set revoked_at = ? where revoked_at is null and id = ?");
                PreparedStatement byName = c.prepareStatement(
                        "update sluice_api_keys set revoked_at = ? where revoked_at is null and name = ?")) {
            byId.setLong(1, clock.millis());
            byId.setString(2, idOrName);
            n = byId.executeUpdate();
            if (n == 0) {
                byName.setLong(1, clock.millis());
                byName.setString(2, idOrName);
                n = byName.executeUpdate();
            }
        } catch (SQLException e) {
            throw failure("revoke API key '" + idOrName + "'", e);
        }
        CHANGES.incrementAndGet(); // after the update: an answer read from here on sees it
        cache.clear();
        anyActiveAt = Long.MIN_VALUE;
        if (n > 0) {
            LOG.info("API key '{}' revoked", idOrName);
        }
        return n > 0;
    }

    /** The active key {@code token} is. */
    public Optional<ApiKey> authenticate(String token) {
        var m = TOKEN.matcher(token.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        String hash = hash(token.strip());
        long now = clock.millis();
        long changes = CHANGES.get(); // read before the database: an answer read across a revocation is not kept
        Cached cached = cache.get(hash);
        if (cached != null && fresh(cached.at(), now) && cached.changes() == changes) {
            return Optional.ofNullable(cached.key());
        }
        ApiKey found = null;
        try (Connection c = connection();
                PreparedStatement ps = c.prepareStatement(
                        "select id, name, role, created_at, revoked_at, key_hash from sluice_api_keys where id = ?")) {
            ps.setString(1, m.group(1));
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    ApiKey key = read(rs);
                    boolean same = MessageDigest.isEqual(rs.getString(6).getBytes(StandardCharsets.US_ASCII),
                            hash.getBytes(StandardCharsets.US_ASCII));
                    if (same && key.isActive()) {
                        found = key;
                    }
                }
            }
        } catch (SQLException e) {
            throw failure("check an API key", e);
        }
        if (cache.size() > 10_000) {
            cache.clear();
        }
        cache.put(hash, new Cached(found, now, changes));
        return Optional.ofNullable(found);
    }

    /** Whether the key with id {@code id} exists and is not revoked (cached like keys). */
    public boolean isActive(String id) {
        long now = clock.millis();
        long changes = CHANGES.get();
        Cached cached = cache.get("id:" + id);
        if (cached != null && fresh(cached.at(), now) && cached.changes() == changes) {
            return cached.key() != null;
        }
        ApiKey found = null;
        try (Connection c = connection();
                PreparedStatement ps = c.prepareStatement(
                        "select id, name, role, created_at, revoked_at from sluice_api_keys where id = ? and revoked_at is null")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    found = read(rs);
                }
            }
        } catch (SQLException e) {
            throw failure("check an API key", e);
        }
        cache.put("id:" + id, new Cached(found, now, changes));
        return found != null;
    }

    /**
     * Whether any key is active: a yes is cached like keys (a revocation of the last key in another process opens the
     * server within {@link #CACHE_MILLIS}), a no is not (the first key closes an open server at once, wherever made).
     */
    public boolean anyActive() {
        if (fresh(anyActiveAt, clock.millis()) && anyActiveChanges == CHANGES.get()) {
            return true;
        }
        return anyActiveNow();
    }

    /** Whether any key is active, read from the database now (and cached). */
    public boolean anyActiveNow() {
        long now = clock.millis();
        long changes = CHANGES.get();
        boolean any;
        try (Connection c = connection();
                PreparedStatement ps = c.prepareStatement("select 1 from sluice_api_keys where revoked_at is null limit 1");
                ResultSet rs = ps.executeQuery()) {
            any = rs.next();
        } catch (SQLException e) {
            throw failure("look for API keys", e);
        }
        if (any) {
            anyActiveChanges = changes;
            anyActiveAt = now;
        } else {
            anyActiveAt = Long.MIN_VALUE;
        }
        return any;
    }

    /**
     * Whether an answer cached at {@code at} (the server's clock, in milliseconds) still holds at {@code now}: for
     * {@link #CACHE_MILLIS}, and never when the clock went back before it.
     */
    private static boolean fresh(long at, long now) {
        return at != Long.MIN_VALUE && now >= at && now - at < CACHE_MILLIS;
    }

    private Connection connection() throws SQLException {
        if (closed) {
            throw new IllegalStateException("the API keys of " + description() + " are closed");
        }
        return source.getConnection();
    }

    private ServerException failure(String what, SQLException e) {
        return new ServerException("cannot " + what + " in " + description() + ": " + Secret.mask(root(e)), e);
    }

    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        closed = true;
        if (pool != null) {
            pool.close();
        }
    }
}
