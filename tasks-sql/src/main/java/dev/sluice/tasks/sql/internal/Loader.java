package dev.sluice.tasks.sql.internal;

import com.zaxxer.hikari.HikariDataSource;
import dev.sluice.RunContext;
import dev.sluice.tasks.sql.DatabaseCredentials;
import dev.sluice.tasks.sql.LoadMode;
import dev.sluice.tasks.sql.LoadResult;
import dev.sluice.tasks.sql.LoadSpec;
import dev.sluice.tasks.sql.LoadTransaction;
import dev.sluice.tasks.sql.SqlLoadException;
import dev.sluice.tasks.sql.SqlTaskException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/** The body of {@code SqlTasks.load()}. */
public final class Loader {
    /**
     * Rows committed by earlier attempts of a PER_BATCH load, kept with its task run so that a retry
     * of the same run resumes after them; dropped with the run.
     */
    private static final RunContext.Key<AtomicReference<Progress>> PROGRESS = RunContext.Key.of("sql load progress");

    private record Progress(long committedRows, long inserted, long updated, long batches) {
    }

    private Loader() {
    }

    public static LoadResult load(DatabaseCredentials credentials, LoadSpec spec, Iterable<?> rows) {
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(rows, "rows");
        if (spec.mode() == LoadMode.UPSERT && spec.keyColumns().isEmpty()) {
            throw new IllegalArgumentException("an UPSERT load into '" + spec.table()
                    + "' needs key columns: LoadSpec.into(\"" + spec.table() + "\").withUpsertOn(\"id\")");
        }
        Logger log = RunContext.logger();
        long started = System.nanoTime();
        // outside a task run (the body called directly) there is no retry to resume: a fresh holder
        AtomicReference<Progress> progress = RunContext.taskRun().isPresent()
                ? RunContext.attribute(PROGRESS, AtomicReference::new) : new AtomicReference<>();
        Progress before = progress.get();
        long skip = spec.skipRows();
        long inserted = 0;
        long updated = 0;
        long batches = 0;
        if (before != null && before.committedRows() > skip) {
            skip = before.committedRows();
            inserted = before.inserted();
            updated = before.updated();
            batches = before.batches();
            log.info("resuming the load into {} after the {} rows committed by the previous attempt", spec.table(), skip);
        }

        Iterator<?> it = rows.iterator();
        long index = 0;
        while (index < skip && it.hasNext()) {
            it.next();
            index++;
        }
        Object first = null;
        if (it.hasNext()) {
            first = it.next();
            if (first == null) {
                throw new IllegalArgumentException("input row " + index + " is null");
            }
        }
        if (first == null && index < skip) {
            throw new IllegalArgumentException("skipRows is " + skip + " but the input has only " + index + " rows");
        }
        if (first == null && spec.mode() != LoadMode.TRUNCATE_INSERT) {
            log.info("nothing to load into {}: no input rows", spec.table());
            return new LoadResult(inserted, updated, batches, Duration.ofNanos(System.nanoTime() - started));
        }
        List<String> inputColumns = !spec.columns().isEmpty() || first == null ? spec.columns() : Values.namesOf(first);
        Identifiers.checkColumns("column", inputColumns);
        if (spec.mode() == LoadMode.UPSERT) {
            for (String key : spec.keyColumns()) {
                if (inputColumns.stream().noneMatch(key::equalsIgnoreCase)) {
                    throw new IllegalArgumentException("key column '" + key + "' is not among the loaded columns " + inputColumns);
                }
            }
        }
        // columns taken from the first map row: a later row with another key is an error, not a silent drop
        Values.Reader reader = first == null ? null : Values.reader(first, inputColumns, spec.columns().isEmpty());

        HikariDataSource ds = Pools.current().dataSource(credentials);
        Connection conn = borrow(ds, credentials);
        // from here on, an interrupt (the task timed out, or its run was cancelled) cancels the running statement
        Interrupts.Watch watch = Interrupts.watch(conn);
        Dialect dialect;
        Target target;
        try {
            dialect = Dialect.of(conn);
            if (spec.mode() == LoadMode.UPSERT) {
                dialect.checkUpsert(conn, spec.table());
            }
            target = Target.resolve(conn, spec.table(), inputColumns, credentials);
        } catch (SQLException e) {
            if (Interrupts.interrupted() || !SqlErrors.isConnectionLost(e)) {
                watch.close();
                release(ds, conn, false);
                if (Interrupts.interrupted()) {
                    throw new SqlLoadException("load into " + spec.table() + " " + INTERRUPTED
                            + " before it wrote anything: " + SqlErrors.describe(e), skip, e);
                }
                throw new SqlTaskException("cannot read the columns of '" + spec.table() + "': " + SqlErrors.describe(e), e);
            }
            // a pooled connection the server dropped while idle: take a fresh one, once
            watch.close();
            ds.evictConnection(conn);
            log.info("a pooled connection to {} was lost ({}); retrying with a new one", credentials.redactedUrl(),
                    SqlErrors.describe(e));
            conn = borrow(ds, credentials);
            watch = Interrupts.watch(conn);
            try {
                dialect = Dialect.of(conn);
                if (spec.mode() == LoadMode.UPSERT) {
                    dialect.checkUpsert(conn, spec.table());
                }
                target = Target.resolve(conn, spec.table(), inputColumns, credentials);
            } catch (SQLException again) {
                watch.close();
                ds.evictConnection(conn);
                throw new SqlTaskException("cannot read the columns of '" + spec.table() + "' on "
                        + credentials.redactedUrl() + ": " + SqlErrors.describe(again), again);
            } catch (RuntimeException again) {
                watch.close();
                release(ds, conn, false);
                throw again;
            }
        } catch (RuntimeException e) {
            watch.close();
            release(ds, conn, false);
            throw e;
        }
        boolean broken = false;
        boolean writing = false;
        long committed = skip;
        long batchFirst = index;
        Cursor cursor = first == null ? null : new Cursor(first, it, index);
        try {
            checkInterrupted();
            conn.setAutoCommit(false);
            writing = true;
            try (Writers.Writer writer = writer(conn, dialect, spec, target, reader)) {
                String method = writer == null ? "" : writer.method();
                if (spec.mode() == LoadMode.TRUNCATE_INSERT && skip == 0) {
                    try (Statement st = conn.createStatement()) {
                        watch.statement(st);
                        st.execute(dialect.truncate(target.quotedTable()));
                    }
                }
                watch.statement(writer == null ? null : writer.statement());
                // COPY streams any number of rows; when the load commits once, one COPY takes them all
                long limit = writer != null && writer.streams() && spec.transaction() == LoadTransaction.ALL_OR_NOTHING
                        ? Long.MAX_VALUE : spec.batchSize();
                while (cursor != null && cursor.hasMoreInput()) {
                    batchFirst = cursor.consumed();
                    checkInterrupted();
                    cursor.startBatch(limit);
                    Writers.Counts counts = writer.write(cursor);
                    if (spec.transaction() == LoadTransaction.PER_BATCH) {
                        checkInterrupted();
                        conn.commit();
                        committed = cursor.consumed();
                    }
                    // counted once written (and committed, PER_BATCH), so a failure names the batch it hit
                    batches++;
                    inserted += counts.inserted();
                    updated += counts.updated();
                    if (spec.transaction() == LoadTransaction.PER_BATCH) {
                        progress.set(new Progress(committed, inserted, updated, batches));
                    }
                    log.debug("load into {}: batch {} (input rows {} to {}) written", spec.table(), batches, batchFirst,
                            cursor.consumed() - 1);
                }
                checkInterrupted();
                conn.commit();
                long loaded = cursor == null ? 0 : cursor.consumed() - skip;
                progress.set(null);
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                log.info("loaded {} rows into {} ({} inserted, {} updated) in {} batch(es), {} ms, by {}", loaded,
                        spec.table(), inserted, updated, batches, took.toMillis(), method);
                return new LoadResult(inserted, updated, batches, took);
            }
        } catch (Error e) {
            // an Error (an AssertionError from the input, an OutOfMemoryError) is not wrapped, but
            // nothing it interrupted may stay: roll back before the connection goes back to the pool
            rollback(conn, e);
            broken = !valid(conn);
            throw e;
        } catch (SQLException | RuntimeException e) {
            rollback(conn, e);
            broken = !valid(conn);
            // a statement the watchdog cancelled fails with the driver's own message: say why it was cancelled
            boolean interrupted = e instanceof Interrupted || Interrupts.interrupted();
            String what = e instanceof Writers.BadRowException || e instanceof SqlTaskException
                    || e instanceof IllegalArgumentException ? e.getMessage() : SqlErrors.describe(e);
            long last = cursor == null ? batchFirst : Math.max(batchFirst, cursor.consumed() - 1);
            String where = !writing ? "" : " at batch " + (batches + 1) + " (input rows " + batchFirst + " to " + last + ")";
            Long copyRow = copyLine(e);
            if (copyRow != null) {
                where = " at input row " + (batchFirst + copyRow - 1) + " (batch " + (batches + 1) + ")";
            }
            String outcome = spec.transaction() == LoadTransaction.ALL_OR_NOTHING
                    ? "rolled back, the table is as it was"
                    : (committed - spec.skipRows()) + " rows in " + batches + " batch(es) stay committed (input rows before "
                    + committed + "); a retry of this task run resumes after them, or load again with "
                    + "LoadSpec.withSkipRows(" + committed + ")";
            String failed = interrupted ? INTERRUPTED : "failed";
            String detail = e instanceof Interrupted ? "" : ": " + what;
            String message = "load into " + spec.table() + " " + failed + where + detail + "; " + outcome
                    + (broken ? "; the connection was lost and has been dropped from the pool" : "");
            if (interrupted) {
                // the engine has moved on (a timeout) and will not show this exception: say it here
                log.warn("{}", message);
            }
            throw new SqlLoadException(message, committed, e);
        } finally {
            watch.close();
            release(ds, conn, broken);
        }
    }

    /** How a load that stopped for an interrupt says so. */
    private static final String INTERRUPTED = "was interrupted (its task timed out or its run was cancelled)";

    /** Thrown where a load finds its thread interrupted: between batches and before each commit. */
    private static final class Interrupted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Interrupted() {
            super("the loading thread was interrupted", null, false, false);
        }
    }

    private static void checkInterrupted() {
        if (Interrupts.interrupted()) {
            throw new Interrupted();
        }
    }

    private static final java.util.regex.Pattern COPY_LINE = java.util.regex.Pattern.compile("COPY [^,]+, line (\\d+)");

    /** The line of a failed COPY (1-based within that COPY), from PostgreSQL's "Where: COPY t, line n" text. */
    private static @Nullable Long copyLine(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            java.util.regex.Matcher m = COPY_LINE.matcher(String.valueOf(t.getMessage()));
            if (m.find()) {
                return Long.parseLong(m.group(1));
            }
        }
        return null;
    }

    private static Writers.Writer writer(Connection conn, Dialect dialect, LoadSpec spec, Target target,
                                         Values.Reader reader) throws SQLException {
        if (reader == null) {
            return null;
        }
        if (spec.mode() != LoadMode.UPSERT) {
            return Writers.insert(conn, dialect, spec.copy(), target, reader);
        }
        if (dialect == Dialect.POSTGRESQL) {
            return Writers.pgUpsert(conn, spec.copy(), target, spec.keyColumns(), reader);
        }
        if (dialect == Dialect.SQLITE) {
            return Writers.sqliteUpsert(conn, target, spec.keyColumns(), reader);
        }
        return Writers.merge(conn, dialect, target, spec.keyColumns(), reader);
    }

    static Connection borrow(HikariDataSource ds, DatabaseCredentials credentials) {
        try {
            return ds.getConnection();
        } catch (SQLException e) {
            throw new SqlTaskException("cannot get a connection to " + credentials.redactedUrl() + " as user '"
                    + credentials.username() + "': " + SqlErrors.describe(e.getCause() != null ? e.getCause() : e), e);
        }
    }

    /**
     * Gives {@code conn} back to the pool in auto-commit mode. A transaction still open is rolled
     * back first: switching auto-commit on would commit it, and only a failure leaves one open (every
     * successful path commits before it releases). A connection that cannot be rolled back or reset
     * is dropped from the pool, which ends its transaction without committing.
     */
    static void release(HikariDataSource ds, Connection conn, boolean broken) {
        if (broken) {
            ds.evictConnection(conn);
            return;
        }
        try {
            if (!conn.getAutoCommit()) {
                conn.rollback();
                conn.setAutoCommit(true);
            }
        } catch (SQLException | RuntimeException e) {
            ds.evictConnection(conn);
            return;
        }
        try {
            conn.close();
        } catch (SQLException e) {
            // returned to the pool or dropped: nothing more to do
        }
    }

    static void rollback(Connection conn, Throwable failure) {
        try {
            if (!conn.getAutoCommit()) {
                conn.rollback();
            }
        } catch (SQLException r) {
            failure.addSuppressed(r);
        }
    }

    static boolean valid(Connection conn) {
        try {
            return conn.isValid(5);
        } catch (SQLException e) {
            return false;
        }
    }
}
