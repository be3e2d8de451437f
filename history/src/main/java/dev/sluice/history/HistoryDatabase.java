package dev.sluice.history;

import dev.sluice.block.Block;
import dev.sluice.block.BlockType;
import dev.sluice.block.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where a run history is kept: a SQLite file ({@code jdbc:sqlite:/path/sluice.db}) or a PostgreSQL
 * database ({@code jdbc:postgresql://host/db} with a user and password). A block, so the PostgreSQL
 * credentials can be saved once ({@code Blocks.save("history", HistoryDatabase.of(...))}) and named by
 * {@code SLUICE_DATABASE_BLOCK=history}.
 *
 * <pre>{@code
 * HistoryDatabase local = HistoryDatabase.sqlite(Path.of("/srv/etl/sluice.db"));
 * HistoryDatabase shared = HistoryDatabase.of("jdbc:postgresql://db:5432/sluice", "sluice", Secret.of(password));
 * }</pre>
 *
 * @param url the JDBC URL, {@code jdbc:sqlite:} or {@code jdbc:postgresql:}; keep passwords out of it
 * @param user the user name (PostgreSQL); empty for SQLite
 * @param password the password (PostgreSQL), revealed only to open connections
 * @param poolSize the most connections kept open (at least 2: the writer and a reader; 0 for the default)
 * @param connectTimeout how long opening waits for the database before failing (and, for SQLite, how long a
 *        statement waits for another process's lock on the file before it is retried)
 */
@BlockType("history-database")
public record HistoryDatabase(String url, String user, Secret password, int poolSize, @Nullable Duration connectTimeout)
        implements Block {
    /** The connect timeout {@link #of} and {@link #sqlite} start with (and a saved block that leaves it out). */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** How long opening waits for the database; never null (a left-out value is {@link #DEFAULT_CONNECT_TIMEOUT}). */
    @Override
    public Duration connectTimeout() {
        return Objects.requireNonNull(connectTimeout);
    }

    /** The pool size {@link #of} and {@link #sqlite} start with. */
    public static final int DEFAULT_POOL_SIZE = 4;

    /** The environment variable naming the database's JDBC URL (also the system property {@code sluice.database.url}). */
    public static final String URL_VARIABLE = "SLUICE_DATABASE_URL";
    /** The environment variable holding the user name for {@link #URL_VARIABLE}. */
    public static final String USER_VARIABLE = "SLUICE_DATABASE_USER";
    /** The environment variable holding the password for {@link #URL_VARIABLE}. */
    public static final String PASSWORD_VARIABLE = "SLUICE_DATABASE_PASSWORD";
    /** The environment variable naming a saved {@code history-database} block to use instead. */
    public static final String BLOCK_VARIABLE = "SLUICE_DATABASE_BLOCK";

    /**
     * Validates every field; a pool size of 0 and a null connect timeout (left out of a saved block) are the
     * defaults.
     */
    public HistoryDatabase {
        if (poolSize == 0) {
            poolSize = DEFAULT_POOL_SIZE;
        }
        if (connectTimeout == null) {
            connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        }
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        String lower = url.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("jdbc:sqlite:") && !lower.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("url must start with 'jdbc:sqlite:' or 'jdbc:postgresql:', was '"
                    + dev.sluice.block.JdbcUrls.redacted(url) + "'");
        }
        if (lower.startsWith("jdbc:sqlite:") && sqlitePath(url).isEmpty()) {
            throw new IllegalArgumentException("url must name a SQLite file (jdbc:sqlite:/path/sluice.db), was '"
                    + dev.sluice.block.JdbcUrls.redacted(url) + "'");
        }
        if (poolSize < 2) {
            throw new IllegalArgumentException("poolSize must be >= 2, was " + poolSize);
        }
        if (connectTimeout.compareTo(Duration.ofMillis(250)) < 0) {
            throw new IllegalArgumentException("connectTimeout must be >= 250ms, was " + connectTimeout);
        }
        for (String inUrl : dev.sluice.block.JdbcUrls.passwords(url)) {
            Secret.of(inUrl).reveal(); // masked wherever it shows up (a driver's message, a log line), as a Secret is
        }
    }

    /** The SQLite file at {@code file} (created with its folders when first opened). */
    public static HistoryDatabase sqlite(Path file) {
        Objects.requireNonNull(file, "file");
        return new HistoryDatabase("jdbc:sqlite:" + file.toAbsolutePath().normalize(), "", Secret.of(""),
                DEFAULT_POOL_SIZE, DEFAULT_CONNECT_TIMEOUT);
    }

    /** The database at {@code url}, logging in as {@code user} with {@code password}. */
    public static HistoryDatabase of(String url, String user, Secret password) {
        return new HistoryDatabase(url, user, password, DEFAULT_POOL_SIZE, DEFAULT_CONNECT_TIMEOUT);
    }

    /**
     * The database {@code runtime}'s environment names, as everything in Sluice finds it (the history a
     * runtime records into, {@code Sluice.serve}, the server and the {@code sluice} command): the saved
     * {@code history-database} block named by {@value #BLOCK_VARIABLE}, loaded from the runtime's block store,
     * else {@link #fromEnvironment} with the runtime's environment and home.
     *
     * @throws dev.sluice.block.BlockNotFoundException if {@value #BLOCK_VARIABLE} names no saved block
     */
    public static HistoryDatabase of(dev.sluice.SluiceRuntime runtime) {
        Objects.requireNonNull(runtime, "runtime");
        String block = runtime.environment().get(BLOCK_VARIABLE);
        if (block != null && !block.isBlank()) {
            return runtime.call(() -> dev.sluice.block.Blocks.load(HistoryDatabase.class, block.strip()));
        }
        return fromEnvironment(runtime.environment(), runtime.home());
    }

    /**
     * The database named by {@code environment}: {@value #URL_VARIABLE} (with {@value #USER_VARIABLE}
     * and {@value #PASSWORD_VARIABLE}) if set, else {@code home/sluice.db}. The system property
     * {@code sluice.database.url} comes before the variable. A block named by
     * {@value #BLOCK_VARIABLE} is not read here (it needs a block store): {@link #of(dev.sluice.SluiceRuntime)} reads it.
     */
    public static HistoryDatabase fromEnvironment(Map<String, String> environment, Path home) {
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(home, "home");
        String url = System.getProperty("sluice.database.url");
        if (url == null || url.isBlank()) {
            url = environment.get(URL_VARIABLE);
        }
        if (url == null || url.isBlank()) {
            return sqlite(home.resolve("sluice.db"));
        }
        return of(url.strip(), environment.getOrDefault(USER_VARIABLE, ""),
                Secret.of(environment.getOrDefault(PASSWORD_VARIABLE, "")));
    }

    /** A copy with this pool size. */
    public HistoryDatabase withPoolSize(int poolSize) {
        return new HistoryDatabase(url, user, password, poolSize, connectTimeout);
    }

    /** A copy with this connect timeout. */
    public HistoryDatabase withConnectTimeout(Duration connectTimeout) {
        return new HistoryDatabase(url, user, password, poolSize, connectTimeout);
    }

    /** Whether this is a SQLite file. */
    public boolean isSqlite() {
        return url.toLowerCase(Locale.ROOT).startsWith("jdbc:sqlite:");
    }

    /** The SQLite file, for a {@code jdbc:sqlite:} URL. */
    public java.util.Optional<Path> sqliteFile() {
        return isSqlite() ? java.util.Optional.of(Path.of(sqlitePath(url)).toAbsolutePath().normalize())
                : java.util.Optional.empty();
    }

    private static String sqlitePath(String url) {
        String rest = url.substring("jdbc:sqlite:".length());
        if (rest.startsWith("file:")) {
            rest = rest.substring("file:".length());
        }
        int q = rest.indexOf('?');
        if (q >= 0) {
            rest = rest.substring(0, q);
        }
        if (rest.equals(":memory:") || rest.startsWith(":resource:")) {
            return "";
        }
        return rest;
    }

    /**
     * The URL without its parameters (everything from the first '?' or ';' is shown as {@code ?...}) and with any
     * user info before an '@' masked, for messages and logs.
     */
    public String redactedUrl() {
        return dev.sluice.block.JdbcUrls.redacted(url);
    }

    /** Names the URL (without parameters) and user; never the password. */
    @Override
    public String toString() {
        return "HistoryDatabase[url=" + redactedUrl() + ", user=" + user + ", password=" + password
                + ", poolSize=" + poolSize + ", connectTimeout=" + connectTimeout + "]";
    }
}
