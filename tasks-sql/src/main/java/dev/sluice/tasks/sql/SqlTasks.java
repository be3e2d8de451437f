package dev.sluice.tasks.sql;

import dev.sluice.Task;
import dev.sluice.Task2;
import dev.sluice.Task3;
import dev.sluice.tasks.sql.internal.Loader;
import dev.sluice.tasks.sql.internal.Queries;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Prebuilt SQL tasks. Each is a {@link Task} value: run it, submit it, or re-tune it
 * ({@code SqlTasks.load().withRetries(3, Duration.ofSeconds(5))}). Every task takes the
 * {@link DatabaseCredentials} first and borrows a connection from their pool in the runtime the
 * task runs under ({@link SqlPools}).
 *
 * <pre>{@code
 * List<Order> open = SqlTasks.fetchAll(Order.class)
 *         .run(db, SqlStatement.of("select * from orders where status = :s").bind("s", "open"));
 * LoadResult r = SqlTasks.load().run(db, LoadSpec.into("orders_copy"), open);
 * }</pre>
 *
 * <p>Failures are {@link SqlTaskException}s (loads: {@link SqlLoadException}) wrapped, as for every
 * task, in a {@link dev.sluice.TaskFailedException}.
 */
public final class SqlTasks {
    private SqlTasks() {
    }

    /** Runs one statement (DDL, INSERT, UPDATE, ...) in auto-commit mode; returns the rows it changed. */
    public static Task2<DatabaseCredentials, SqlStatement, Integer> execute() {
        return Task.of("sql-execute", (DatabaseCredentials c, SqlStatement s) -> Queries.execute(c, s))
                .withParameterNames("credentials", "statement");
    }

    /**
     * Runs one statement once per parameter set (each a {@code Map} or a record whose components
     * name the {@code :parameters}), in JDBC batches, in one transaction; returns the rows changed.
     */
    public static Task3<DatabaseCredentials, String, List<?>, Long> executeMany() {
        return Task.of("sql-execute-many", (DatabaseCredentials c, String sql, List<?> sets) -> Queries.executeMany(c, sql, sets))
                .withParameterNames("credentials", "statement", "parameterSets");
    }

    /** The first row of a query as a map from column label to value, or empty. */
    public static Task2<DatabaseCredentials, SqlStatement, Optional<Map<String, Object>>> fetchOne() {
        return Task.of("sql-fetch-one", (DatabaseCredentials c, SqlStatement s) ->
                        Queries.fetch(c, s, Queries.maps(), 1).stream().findFirst())
                .withParameterNames("credentials", "statement");
    }

    /** The first row of a query as a {@code type} record (components matched to columns by name), or empty. */
    public static <T> Task2<DatabaseCredentials, SqlStatement, Optional<T>> fetchOne(Class<T> type) {
        Queries.MapperFactory<T> mapper = Queries.records(type);
        return Task.of("sql-fetch-one", (DatabaseCredentials c, SqlStatement s) ->
                        Queries.fetch(c, s, mapper, 1).stream().findFirst())
                .withParameterNames("credentials", "statement");
    }

    /** At most {@code max} rows of a query, as maps. */
    public static Task2<DatabaseCredentials, SqlStatement, List<Map<String, Object>>> fetchMany(int max) {
        checkMax(max);
        return Task.of("sql-fetch-many", (DatabaseCredentials c, SqlStatement s) -> Queries.fetch(c, s, Queries.maps(), max))
                .withParameterNames("credentials", "statement");
    }

    /** At most {@code max} rows of a query, as {@code type} records. */
    public static <T> Task2<DatabaseCredentials, SqlStatement, List<T>> fetchMany(Class<T> type, int max) {
        checkMax(max);
        Queries.MapperFactory<T> mapper = Queries.records(type);
        return Task.of("sql-fetch-many", (DatabaseCredentials c, SqlStatement s) -> Queries.fetch(c, s, mapper, max))
                .withParameterNames("credentials", "statement");
    }

    /** Every row of a query, as maps, in memory: use {@link #stream()} for large results. */
    public static Task2<DatabaseCredentials, SqlStatement, List<Map<String, Object>>> fetchAll() {
        return Task.of("sql-fetch-all", (DatabaseCredentials c, SqlStatement s) -> Queries.fetch(c, s, Queries.maps(), 0))
                .withParameterNames("credentials", "statement");
    }

    /** Every row of a query, as {@code type} records, in memory. */
    public static <T> Task2<DatabaseCredentials, SqlStatement, List<T>> fetchAll(Class<T> type) {
        Queries.MapperFactory<T> mapper = Queries.records(type);
        return Task.of("sql-fetch-all", (DatabaseCredentials c, SqlStatement s) -> Queries.fetch(c, s, mapper, 0))
                .withParameterNames("credentials", "statement");
    }

    /**
     * Hands every row of a query, as a map, to a consumer while reading it through a cursor
     * ({@link SqlStatement#fetchSize()} rows at a time, 1,000 unless set), so memory stays
     * constant however many rows there are. Returns the number of rows.
     */
    public static Task3<DatabaseCredentials, SqlStatement, RowConsumer<? super Map<String, Object>>, Long> stream() {
        return Task.of("sql-stream", (DatabaseCredentials c, SqlStatement s, RowConsumer<? super Map<String, Object>> consumer) ->
                        Queries.stream(c, s, Queries.maps(), consumer))
                .withParameterNames("credentials", "statement", "consumer");
    }

    /** Like {@link #stream()}, with rows as {@code type} records. */
    public static <T> Task3<DatabaseCredentials, SqlStatement, RowConsumer<? super T>, Long> stream(Class<T> type) {
        Queries.MapperFactory<T> mapper = Queries.records(type);
        return Task.of("sql-stream", (DatabaseCredentials c, SqlStatement s, RowConsumer<? super T> consumer) ->
                        Queries.stream(c, s, mapper, consumer))
                .withParameterNames("credentials", "statement", "consumer");
    }

    /**
     * Loads rows (records or maps; all of one shape) into a table as {@link LoadSpec} says and
     * returns what it did. On PostgreSQL with pgjdbc, inserts use {@code COPY ... FROM STDIN} and
     * upserts COPY into a temporary table and merge with {@code ON CONFLICT}; elsewhere rows go in
     * JDBC batches ({@code MERGE} for upserts). With {@link LoadTransaction#ALL_OR_NOTHING} a
     * failure leaves the table as it was; with {@link LoadTransaction#PER_BATCH} a retry of the same
     * task run resumes after the committed batches (the progress is kept with the task run and
     * dropped when it ends: a new run starts from {@link LoadSpec#skipRows()}).
     *
     * <p>An interrupted load (its task timed out with {@code withTimeout}, or its run was cancelled)
     * commits nothing more: the statement running when the interrupt comes is cancelled (on
     * PostgreSQL always; elsewhere where the driver supports {@code Statement.cancel}), the interrupt
     * is checked between batches and right before each commit, and the open transaction is rolled
     * back ({@code ALL_OR_NOTHING}: everything; {@code PER_BATCH}: the open batch). The same holds
     * for {@link #executeMany()}; {@link #execute()} and the queries cancel their statement.
     *
     * @throws dev.sluice.TaskFailedException caused by a {@link SqlLoadException} (or a
     *         {@link SqlTaskException} if the table or a column does not exist)
     */
    public static Task3<DatabaseCredentials, LoadSpec, Iterable<?>, LoadResult> load() {
        return Task.of("sql-load", (DatabaseCredentials c, LoadSpec spec, Iterable<?> rows) -> Loader.load(c, spec, rows))
                .withParameterNames("credentials", "spec", "rows");
    }

    private static void checkMax(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be >= 1, was " + max);
        }
    }
}
