package dev.sluice.history.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.history.HistoryException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/** The connections to one history database: a small HikariCP pool, and what kind of database it is. */
public final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    private static final byte[] SQLITE_HEADER = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    private final Dialect dialect;
    private final HistoryDatabase config;
    private final HikariDataSource pool;
    private final @Nullable Path file;
    private final String description;

    private Database(Dialect dialect, HistoryDatabase config, HikariDataSource pool, @Nullable Path file) {
        this.dialect = dialect;
        this.config = config;
        this.pool = pool;
        this.file = file;
        this.description = file != null ? "SQLite file " + file
                : config.redactedUrl() + (config.user().isEmpty() ? "" : " (user " + config.user() + ")");
        this.fileKey = file == null ? null : fileKey(file);
    }

    /** The file key {@link #holdFile} kept open for this database, released when it closes. */
    private @Nullable Object heldFile;

    /** The identity of the SQLite file when it was opened (its inode where the file system has one). */
    private final @Nullable Object fileKey;
    /** When the file was last seen to start with the SQLite header (its modification time then). */
    private volatile java.nio.file.attribute.@Nullable FileTime headerSeenAt;

    private static java.util.Optional<java.nio.file.attribute.BasicFileAttributes> attributes(Path file) {
        try {
            return java.util.Optional.of(Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class));
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    /**
     * An open channel on a SQLite file (by its file key, the inode) for as long as a {@code Database} of this JVM
     * uses the file. Closing any descriptor of a file drops every POSIX lock this process holds on it, SQLite's own
     * among them (and SQLite does not take them again while it thinks it holds them): another program closing its
     * last connection to the file (the sqlite3 shell, a script, a backup tool) would then take itself for the last
     * one, checkpoint, and delete the WAL this JVM still writes into, losing every record written after. So the
     * header is read through this channel, which is closed only once the last {@code Database} on the file closed
     * its connections.
     */
    private static final class OpenFile {
        final java.nio.channels.FileChannel channel;
        int users;

        OpenFile(java.nio.channels.FileChannel channel) {
            this.channel = channel;
        }
    }

    /** The files databases of this JVM use, by file key; guarded by itself. */
    private static final java.util.Map<Object, OpenFile> OPEN_FILES = new java.util.HashMap<>();

    private static @Nullable Object fileKey(Path file) {
        return attributes(file).map(java.nio.file.attribute.BasicFileAttributes::fileKey).orElse(null);
    }

    /** Keeps {@code file} open for a database of this JVM; the key to {@link #releaseFile}, or null (no file key). */
    private static @Nullable Object holdFile(Path file) {
        Object key = fileKey(file);
        if (key == null) {
            return null; // no inode (Windows, whose locks a close does not drop) or no file
        }
        synchronized (OPEN_FILES) {
            OpenFile open = OPEN_FILES.get(key);
            if (open == null) {
                try {
                    open = new OpenFile(java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.READ));
                } catch (IOException e) {
                    return null; // unreadable: the header checks say so when they read it
                }
                OPEN_FILES.put(key, open);
            }
            open.users++;
        }
        return key;
    }

    private static void releaseFile(@Nullable Object key) {
        if (key == null) {
            return;
        }
        synchronized (OPEN_FILES) {
            OpenFile open = OPEN_FILES.get(key);
            if (open != null && --open.users == 0) {
                OPEN_FILES.remove(key);
                try {
                    open.channel.close(); // this JVM's connections to it are closed: no lock of theirs to drop
                } catch (IOException e) {
                    LOG.debug("closing {} failed", key, e);
                }
            }
        }
    }

    /**
     * The first bytes of {@code file}, up to the SQLite header's length (fewer for a shorter file): through the
     * channel a database of this JVM holds open on it, so that no descriptor of a file in use is ever closed; a file
     * no database of this JVM uses is opened and closed.
     */
    private static byte[] head(Path file) throws IOException {
        Object key = fileKey(file);
        synchronized (OPEN_FILES) {
            OpenFile open = key == null ? null : OPEN_FILES.get(key);
            if (open != null) {
                java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(SQLITE_HEADER.length);
                while (buffer.hasRemaining()) {
                    if (open.channel.read(buffer, buffer.position()) < 0) {
                        break;
                    }
                }
                return java.util.Arrays.copyOf(buffer.array(), buffer.position());
            }
        }
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(SQLITE_HEADER.length);
        }
    }

    /**
     * Refuses to write when the SQLite file is no longer the one opened: deleted, replaced, or overwritten with
     * something that is not a database. Its open connections would go on writing into the unlinked file (or
     * over the garbage), and every record would be lost with nobody told. One look at the file's attributes
     * per call; its header is read again only when the file was modified since it was last read.
     *
     * @throws IllegalStateException saying what happened to the file
     */
    public void requireSameFile() {
        if (file == null) {
            return;
        }
        java.nio.file.attribute.BasicFileAttributes now = attributes(file).orElseThrow(
                () -> new IllegalStateException("the run history file " + file + " was deleted while in use"));
        if (fileKey != null && now.fileKey() != null && !fileKey.equals(now.fileKey())) {
            if (now.size() <= 8192) {
                // no SQLite header, or a database of a page or two and no tables: what a connection opened on the path
                // after the file was deleted makes there (it sets the journal mode), not another history's file
                throw new IllegalStateException("the run history file " + file + " was deleted while in use (an empty file"
                        + " was made at its path since)");
            }
            throw new IllegalStateException("the run history file " + file + " was replaced by another file while in use");
        }
        if (now.lastModifiedTime().equals(headerSeenAt)) {
            return;
        }
        byte[] head;
        try {
            head = head(file);
        } catch (IOException e) {
            throw new IllegalStateException("the run history file " + file + " cannot be read: " + e.getMessage(), e);
        }
        if (head.length == SQLITE_HEADER.length && !java.util.Arrays.equals(head, SQLITE_HEADER)) {
            throw new IllegalStateException("the run history file " + file + " was overwritten: it is no SQLite database now");
        }
        headerSeenAt = now.lastModifiedTime();
    }

    private static final java.util.concurrent.ConcurrentMap<Path, Object> MIGRATING = new java.util.concurrent.ConcurrentHashMap<>();

    /** How long a PostgreSQL migration is tried again while another process makes the same schema history table. */
    static final long CONCURRENT_FIRST_MIGRATION_NANOS = TimeUnit.SECONDS.toNanos(30);

    /**
     * Runs {@code migrate}, a Flyway migration of a PostgreSQL database whose schema history table is {@code table},
     * and runs it again (for up to 30 s) while it fails because another process is making that table at the same
     * moment: workers started side by side on a new database. Flyway locks the migrations themselves, not the making
     * of its table: in an empty schema it makes the table, empty, before its first migration, and a process that
     * finds it so refuses to baseline it ("Unable to baseline schema history table ... as it already exists, and is
     * empty"); two that make it at once collide ("already exists"). Once the other process has written its first
     * row, the migration goes on from there. Any other failure is thrown at once. For the run history's tables, the
     * first made in a new database; the scheduler's and the server's are made after them, in a schema that is not
     * empty.
     */
    static <T> T migratingAlongside(String table, Attempt<T, RuntimeException> migrate) {
        return tryAgain(migrate, Integer.MAX_VALUE, System.nanoTime() + CONCURRENT_FIRST_MIGRATION_NANOS, e -> {
            boolean alongside = says(e, m -> m.contains(table)
                    && (m.contains("Unable to baseline schema history table") || m.contains("already exists")));
            if (alongside) {
                LOG.debug("{}: made by another process at the same moment ({}); migrating again", table, rootMessage(e));
            }
            return alongside;
        });
    }

    /** Work that may throw {@code X}. */
    @FunctionalInterface
    interface Attempt<T, X extends Exception> {
        T run() throws X;
    }

    /**
     * Runs {@code work}, and again while it fails with a {@link RuntimeException} that {@code again} takes for passing,
     * at most {@code attempts} times in all and not once {@code untilNanos} ({@link System#nanoTime()}) has passed;
     * attempt {@code n} is followed by a pause of {@code 50 n} ms (1 s at most).
     */
    private static <T, X extends Exception> T tryAgain(Attempt<T, X> work, int attempts, long untilNanos,
            java.util.function.Predicate<RuntimeException> again) throws X {
        for (int attempt = 1; ; attempt++) {
            try {
                return work.run();
            } catch (RuntimeException e) {
                if (attempt >= attempts || System.nanoTime() - untilNanos > 0 || !again.test(e)) {
                    throw e;
                }
                try {
                    Thread.sleep(Math.min(1_000, 50L * attempt));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** Work done while holding a migration lock. */
    @FunctionalInterface
    public interface Locked<T> {
        /** Does the work. */
        T run() throws IOException;
    }

    /**
     * Runs {@code work} holding the migration lock of SQLite file {@code file}: one lock file per database
     * ({@code <file>-migrate.lock}) that every module migrating its tables in it takes (the run history, the
     * scheduler, the server's keys), so processes migrate one after the other. A file lock belongs to a process,
     * so threads of one JVM first take this JVM's lock of the file (a second {@code lock()} in the same JVM would
     * throw {@link java.nio.channels.OverlappingFileLockException}). Before {@code work}, the database's write lock
     * is waited for up to {@code wait}: a file another program keeps writing to fails here, after the wait, with
     * SQLite's {@code SQLITE_BUSY} as the cause (and not after Flyway's ten tries of its history table, each as long
     * again). A migration that SQLite refused with {@code SQLITE_BUSY} (rolled back) is tried again, up to 10 times
     * and while {@code wait} (2 s at least) has not passed. The lock file is never deleted: a process
     * blocked in {@code lock()} on it would, once it is deleted, hold the lock of an unlinked file while another
     * made and locked a new one, and two migrations would run at once.
     *
     * @param wait how long the database's write lock is waited for (the database's connect timeout)
     * @throws IOException if the lock file cannot be made or locked, the database stays locked past {@code wait}, or
     *         {@code work} throws it
     */
    @SuppressWarnings("try") // the file lock is held by the try block, not used in it
    public static <T> T withMigrationLock(Path file, java.time.Duration wait, Locked<T> work) throws IOException {
        Path lockFile = file.resolveSibling(file.getFileName() + "-migrate.lock").toAbsolutePath().normalize();
        synchronized (MIGRATING.computeIfAbsent(lockFile, k -> new Object())) {
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(lockFile,
                            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
                    java.nio.channels.FileLock lock = ch.lock()) {
                long start = System.nanoTime();
                awaitWriteLock(file, wait);
                // SQLite answers SQLITE_BUSY at once (no busy wait) when a migration's read transaction must become a
                // write one while another connection writes (a history writer of this or another process next to it):
                // the migration was rolled back; try it again
                return tryAgain(work::run, 10, start + Math.max(wait.toNanos(), TimeUnit.SECONDS.toNanos(2)),
                        Database::busy);
            }
        }
    }

    /**
     * Waits up to {@code wait} for SQLite file {@code file}'s write lock, and lets it go at once.
     *
     * @throws IOException with SQLite's {@code SQLITE_BUSY} as the cause if another connection keeps it past the wait
     */
    private static void awaitWriteLock(Path file, java.time.Duration wait) throws IOException {
        if (!Files.exists(file)) {
            return; // made by the migration
        }
        long start = System.nanoTime();
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, wait.toMillis())));
        SQLiteDataSource source = new SQLiteDataSource(config); // the driver itself: no DriverManager look-up
        source.setUrl("jdbc:sqlite:" + file);
        try (Connection c = source.getConnection(); Statement s = c.createStatement()) {
            s.execute("begin immediate");
            s.execute("rollback");
        } catch (SQLException e) {
            if (busy(e)) {
                throw new IOException("the SQLite file " + file + " is locked: another program kept writing to it for "
                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms (the wait is " + wait.toMillis()
                        + " ms, the database's connectTimeout)", e);
            }
            // anything else (not a database, no permission) is for the migration to report in its own words
        }
    }

    private static boolean busy(Throwable e) {
        return says(e, m -> m.contains("SQLITE_BUSY"));
    }

    /** Whether the message of {@code e} or of one of its causes satisfies {@code test}. */
    private static boolean says(Throwable e, java.util.function.Predicate<String> test) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (test.test(String.valueOf(t.getMessage()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Opens a pool on {@code config} and checks that the database answers.
     *
     * @throws HistoryException naming the database if it cannot be reached, is not a SQLite file or is corrupted
     */
    public static Database open(HistoryDatabase config) {
        if (config.isSqlite()) {
            return openSqlite(config, config.sqliteFile().orElseThrow());
        }
        return openPostgres(config);
    }

    private static Database openSqlite(HistoryDatabase config, Path file) {
        checkSqliteFile(file);
        if (!Files.exists(file)) {
            try {
                Files.createFile(file); // made here, so it is held open before any connection locks it (empty: a new database)
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // another thread or process made it
            } catch (IOException e) {
                throw new dev.sluice.history.HistoryUnavailableException("cannot create the run history file " + file + ": " + e
                        + "; set SLUICE_HOME (or sluice.home) to a writable folder, or turn the history off with"
                        + " -Dsluice.history=off", e);
            }
        }
        Object held = holdFile(file);
        try {
            return openSqlite(config, file, held);
        } catch (RuntimeException | Error e) {
            releaseFile(held);
            throw e;
        }
    }

    private static Database openSqlite(HistoryDatabase config, Path file, @Nullable Object held) {
        SQLiteDataSource source = sqliteSource(file, SQLiteConfig.TransactionMode.DEFERRED, config);
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("sluice-history");
        hc.setDataSource(source);
        hc.setMaximumPoolSize(config.poolSize());
        hc.setMinimumIdle(1);
        hc.setConnectionTimeout(config.connectTimeout().toMillis());
        hc.setInitializationFailTimeout(1);
        hc.setAutoCommit(true);
        HikariDataSource pool;
        long deadline = System.nanoTime() + config.connectTimeout().toNanos();
        while (true) {
            try {
                pool = new HikariDataSource(hc);
                break;
            } catch (RuntimeException e) {
                // a new file's first connection turns on WAL, which needs the write lock: another connection (a
                // migration in another thread or process) may hold it for a moment, and the busy timeout is not in
                // force yet while the connection applies its settings, so wait here as the busy timeout would
                if (!busy(e) || System.nanoTime() > deadline) {
                    throw sqliteError(file, e);
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw sqliteError(file, e);
                }
            }
        }
        Database db = new Database(Dialect.SQLITE, config, pool, file);
        db.heldFile = held;
        try (Connection c = db.connection(); Statement s = c.createStatement()) {
            s.executeQuery("select count(*) from sqlite_master").close();
        } catch (SQLException | RuntimeException e) {
            db.pool.close(); // the caller releases the file
            throw sqliteError(file, e);
        }
        LOG.debug("run history: SQLite file {} (WAL), pool of {}", file, config.poolSize());
        return db;
    }

    /**
     * A connection source for {@code file}: WAL, normal sync, transactions begin {@code mode}; a connection
     * waits for the write lock by trying again every half millisecond ({@link SqliteBusy}) up to the connect
     * timeout, so it gets in between two of another connection's short transactions.
     */
    static SQLiteDataSource sqliteSource(Path file, SQLiteConfig.TransactionMode mode, HistoryDatabase config) {
        SQLiteConfig sc = new SQLiteConfig();
        sc.setJournalMode(SQLiteConfig.JournalMode.WAL);
        sc.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        sc.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()));
        sc.setTransactionMode(mode);
        sc.setTempStore(SQLiteConfig.TempStore.MEMORY);
        sc.setCacheSize(-16_384); // 16 MiB a connection: index pages of a big history stay in memory
        sc.enforceForeignKeys(false);
        long timeout = config.connectTimeout().toMillis();
        SQLiteDataSource source = new SQLiteDataSource(sc) {
            @Override
            public org.sqlite.SQLiteConnection getConnection(String user, String password) throws SQLException {
                org.sqlite.SQLiteConnection c = super.getConnection(user, password);
                SqliteBusy.install(c, timeout);
                return c;
            }
        };
        source.setUrl("jdbc:sqlite:" + file);
        return source;
    }

    private static void checkSqliteFile(Path file) {
        try {
            Path parent = file.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new dev.sluice.history.HistoryUnavailableException("cannot create the folder of the run history file " + file + ": " + e
                    + "; set SLUICE_HOME (or sluice.home) to a writable folder, or turn the history off with"
                    + " -Dsluice.history=off", e);
        }
        java.nio.file.attribute.BasicFileAttributes attributes;
        try {
            // one reading: another thread or process may make the file between two (it is then a new, empty one)
            attributes = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class);
        } catch (java.nio.file.NoSuchFileException e) {
            return;
        } catch (IOException e) {
            throw new dev.sluice.history.HistoryUnavailableException("cannot read the run history file " + file + ": " + e, e);
        }
        if (!attributes.isRegularFile()) {
            throw new dev.sluice.history.HistoryUnavailableException("the run history file " + file
                    + " is not a regular file; move it away, or point SLUICE_DATABASE_URL at another file", null);
        }
        byte[] head;
        try {
            head = head(file);
        } catch (IOException e) {
            throw new dev.sluice.history.HistoryUnavailableException("cannot read the run history file " + file + ": " + e, e);
        }
        if (head.length == 0) {
            return; // an empty file becomes a database
        }
        if (!java.util.Arrays.equals(head, SQLITE_HEADER)) {
            throw new dev.sluice.history.HistoryUnavailableException("the run history file " + file + " is not a SQLite"
                    + " database (it does not start with the SQLite header); move it away or delete it (a new one is made),"
                    + " or point SLUICE_DATABASE_URL at another file", null);
        }
    }

    /** A clear error for a SQLite file that cannot be used. */
    static HistoryException sqliteError(Path file, Throwable e) {
        String text = rootMessage(e);
        String upper = text.toUpperCase(java.util.Locale.ROOT);
        if (upper.contains("NOTADB") || upper.contains("CORRUPT") || upper.contains("MALFORMED")) {
            return new dev.sluice.history.HistoryUnavailableException("the run history file " + file + " is corrupted or not a SQLite database ("
                    + text + "); move it away or delete it (a new one is made), or point SLUICE_DATABASE_URL at another"
                    + " file", e);
        }
        return new dev.sluice.history.HistoryUnavailableException("cannot open the run history file " + file + ": " + text, e);
    }

    private static Database openPostgres(HistoryDatabase config) {
        try {
            Class.forName("org.postgresql.Driver", false, Database.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new HistoryException("the run history database " + config.redactedUrl() + " is PostgreSQL, but its"
                    + " JDBC driver is not on the class path: add org.postgresql:postgresql", e);
        }
        String password = config.password().reveal(); // the one place it is revealed
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("sluice-history");
        hc.setJdbcUrl(config.url());
        hc.setUsername(config.user().isEmpty() ? null : config.user());
        hc.setPassword(password.isEmpty() ? null : password);
        // the history's statements are index seeks of a page or a batch: starting parallel workers costs more
        // than they save (a first page took 12 ms with two of them, 1 ms without)
        hc.setConnectionInitSql("set max_parallel_workers_per_gather = 0");
        hc.setMaximumPoolSize(config.poolSize());
        hc.setMinimumIdle(1);
        hc.setConnectionTimeout(config.connectTimeout().toMillis());
        hc.setInitializationFailTimeout(1);
        hc.setAutoCommit(true);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(hc);
        } catch (RuntimeException e) {
            String message = rootMessage(e);
            if (password.length() >= 3) {
                message = message.replace(password, "**********");
            }
            for (String inUrl : dev.sluice.block.JdbcUrls.passwords(config.url())) { // a driver may echo the URL's user:password@host
                message = message.replace(inUrl, "**********");
            }
            throw new dev.sluice.history.HistoryUnavailableException("cannot connect to the run history database " + config.redactedUrl()
                    + (config.user().isEmpty() ? "" : " as user '" + config.user() + "'") + ": " + message
                    + "; check the URL, user and password given for it (SLUICE_DATABASE_URL, SLUICE_DATABASE_USER and"
                    + " SLUICE_DATABASE_PASSWORD when they come from the environment, spring.datasource.* in a Spring Boot"
                    + " application), and that the server is running", null);
        }
        LOG.debug("run history: {} (user {}, password=<masked>), pool of {}", config.redactedUrl(), config.user(),
                config.poolSize());
        return new Database(Dialect.POSTGRESQL, config, pool, null);
    }

    /** The deepest message of {@code t}'s causes. */
    static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        String m = c.getMessage();
        return m == null || m.isBlank() ? c.getClass().getName() : m;
    }

    /**
     * Starts a write transaction on {@code c}. On SQLite an explicit {@code BEGIN IMMEDIATE} with the
     * connection left in auto-commit mode: sqlite-jdbc's own transactions begin the next one as soon as
     * one commits, which would hold the file's write lock between batches and starve other processes.
     */
    public void begin(Connection c) throws SQLException {
        if (dialect == Dialect.SQLITE) {
            try (Statement s = c.createStatement()) {
                s.execute("begin immediate");
            }
        } else {
            c.setAutoCommit(false);
        }
    }

    /** Commits what {@link #begin} started. */
    public void commit(Connection c) throws SQLException {
        if (dialect == Dialect.SQLITE) {
            try (Statement s = c.createStatement()) {
                s.execute("commit");
            }
        } else {
            c.commit();
            c.setAutoCommit(true);
        }
    }

    /** Rolls back what {@link #begin} started, if anything is open; never throws. */
    public void rollback(Connection c) {
        try {
            if (dialect == Dialect.SQLITE) {
                if (!c.isClosed()) {
                    try (Statement s = c.createStatement()) {
                        s.execute("rollback");
                    }
                }
            } else if (!c.isClosed() && !c.getAutoCommit()) {
                c.rollback();
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            // nothing was open, or the connection is gone: either way nothing stays locked
        }
    }

    /** While stopping: the longest a connection is waited for (the database may be gone: a stop must not hang on it). */
    static final long STOPPING_CONNECT_WAIT_MILLIS = 1_000;
    /** {@link System#nanoTime()} by which this database must be done with, once {@link #stopBy} was called; 0 before. */
    private volatile long stopBy;

    /**
     * From now on, waits at most 1 s for a connection, and not at all after {@code deadlineNanos} (a
     * {@link System#nanoTime()}): so that a stop whose database is unreachable ends in time, each write failing fast
     * instead of waiting the connect timeout. Only ever moves the deadline earlier.
     */
    public void stopBy(long deadlineNanos) {
        synchronized (this) {
            long now = stopBy;
            if (now == 0 || deadlineNanos - now < 0) {
                stopBy = deadlineNanos == 0 ? 1 : deadlineNanos;
            }
        }
    }

    /** While stopping: the longest the pool's close is waited for (its connection adder may sleep up to 5 s). */
    static final long CLOSING_POOL_WAIT_MILLIS = 1_000;

    /**
     * Closes {@code pool}, waiting at most {@code millis}: with the database gone, the pool's close waits for its
     * connection adder, which sleeps between attempts (up to 5 s); the close goes on in the background past that
     * (its connections are gone with the database anyway).
     */
    private static void closeWithin(HikariDataSource pool, long millis) {
        Thread closer = new Thread(pool::close, "sluice-history-pool-close");
        closer.setDaemon(true);
        closer.start();
        try {
            closer.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A pooled connection, in auto-commit mode. */
    public Connection connection() throws SQLException {
        long by = stopBy;
        if (by == 0) {
            return pool.getConnection();
        }
        long left = by - System.nanoTime();
        if (left <= 0) {
            throw new java.sql.SQLTransientConnectionException(description + ": stopping, and out of time to wait for the"
                    + " database");
        }
        if (pool.getHikariPoolMXBean() instanceof com.zaxxer.hikari.pool.HikariPool p) {
            return p.getConnection(Math.max(1, Math.min(STOPPING_CONNECT_WAIT_MILLIS, TimeUnit.NANOSECONDS.toMillis(left))));
        }
        return pool.getConnection();
    }

    /** The pool, for Flyway on PostgreSQL. */
    DataSource dataSource() {
        return pool;
    }

    /** The kind of database. */
    public Dialect dialect() {
        return dialect;
    }

    /** What was opened. */
    public HistoryDatabase config() {
        return config;
    }

    /** The SQLite file, or null for PostgreSQL. */
    public @Nullable Path file() {
        return file;
    }

    /** The database for messages: the SQLite file, or the URL without parameters and the user. */
    public String description() {
        return description;
    }

    @Override
    public void close() {
        if (stopBy != 0 && dialect != Dialect.SQLITE) {
            closeWithin(pool, CLOSING_POOL_WAIT_MILLIS);
        } else {
            pool.close(); // a SQLite file is released below: only once no connection is open on it
        }
        Object held = heldFile;
        heldFile = null;
        releaseFile(held);
    }

    @Override
    public String toString() {
        return description;
    }
}
