package dev.sluice.tasks.sql;

import dev.sluice.tasks.sql.internal.Identifiers;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link SqlTasks#load() load} does: the target table, the columns, the mode, the batch size
 * and how it commits. Immutable; start with {@link #into(String)} and change with {@code withX}.
 *
 * <pre>{@code
 * LoadSpec spec = LoadSpec.into("sales.orders").withUpsertOn("order_id").withBatchSize(5_000);
 * }</pre>
 *
 * @param table the target table, {@code name} or {@code schema.name}; letters, digits, '_' and '$' only
 * @param columns the columns to write; empty means the first row's record components or map keys
 * @param mode how rows are written
 * @param keyColumns the columns that identify a row, for {@link LoadMode#UPSERT}
 * @param batchSize rows per JDBC batch, and per commit with {@link LoadTransaction#PER_BATCH}; an
 *        {@link LoadTransaction#ALL_OR_NOTHING} load through PostgreSQL's {@code COPY} streams every row
 *        through one {@code COPY} instead
 * @param transaction how the load commits
 * @param copy whether PostgreSQL loads may use {@code COPY ... FROM STDIN} (the default and by far the fastest)
 * @param skipRows input rows to skip, to resume a {@link LoadTransaction#PER_BATCH} load after {@link SqlLoadException#committedRows()}
 */
public record LoadSpec(String table, List<String> columns, LoadMode mode, List<String> keyColumns, int batchSize,
                       LoadTransaction transaction, boolean copy, long skipRows) {
    /** The batch size {@link #into(String)} starts with. */
    public static final int DEFAULT_BATCH_SIZE = 10_000;

    /** Validates every field; names must be plain identifiers, so none can carry SQL. */
    public LoadSpec {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(transaction, "transaction");
        Identifiers.checkTable(table);
        columns = List.copyOf(Objects.requireNonNull(columns, "columns"));
        keyColumns = List.copyOf(Objects.requireNonNull(keyColumns, "keyColumns"));
        Identifiers.checkColumns("column", columns);
        Identifiers.checkColumns("key column", keyColumns);
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
        }
        if (skipRows < 0) {
            throw new IllegalArgumentException("skipRows must be >= 0, was " + skipRows);
        }
        if (!columns.isEmpty()) {
            for (String key : keyColumns) {
                if (columns.stream().noneMatch(key::equalsIgnoreCase)) {
                    throw new IllegalArgumentException("key column '" + key + "' is not one of the columns " + columns);
                }
            }
        }
    }

    /** A spec that inserts into {@code table}, all or nothing, in batches of {@value #DEFAULT_BATCH_SIZE}. */
    public static LoadSpec into(String table) {
        return new LoadSpec(table, List.of(), LoadMode.INSERT, List.of(), DEFAULT_BATCH_SIZE,
                LoadTransaction.ALL_OR_NOTHING, true, 0);
    }

    /** A copy writing these columns, in this order. */
    public LoadSpec withColumns(String... columns) {
        return new LoadSpec(table, List.of(columns), mode, keyColumns, batchSize, transaction, copy, skipRows);
    }

    /** A copy with this mode. {@link LoadMode#UPSERT} also needs {@link #withKeyColumns key columns}. */
    public LoadSpec withMode(LoadMode mode) {
        return new LoadSpec(table, columns, mode, keyColumns, batchSize, transaction, copy, skipRows);
    }

    /** A copy whose rows are identified by these columns. */
    public LoadSpec withKeyColumns(String... keyColumns) {
        return new LoadSpec(table, columns, mode, List.of(keyColumns), batchSize, transaction, copy, skipRows);
    }

    /** A copy in {@link LoadMode#UPSERT} mode on these key columns. */
    public LoadSpec withUpsertOn(String... keyColumns) {
        return new LoadSpec(table, columns, LoadMode.UPSERT, List.of(keyColumns), batchSize, transaction, copy, skipRows);
    }

    /** A copy writing {@code batchSize} rows per batch. */
    public LoadSpec withBatchSize(int batchSize) {
        return new LoadSpec(table, columns, mode, keyColumns, batchSize, transaction, copy, skipRows);
    }

    /** A copy committing as {@code transaction} says. */
    public LoadSpec withTransaction(LoadTransaction transaction) {
        return new LoadSpec(table, columns, mode, keyColumns, batchSize, transaction, copy, skipRows);
    }

    /** A copy that may ({@code true}, the default) or may not use PostgreSQL's {@code COPY}. */
    public LoadSpec withCopy(boolean copy) {
        return new LoadSpec(table, columns, mode, keyColumns, batchSize, transaction, copy, skipRows);
    }

    /** A copy skipping the first {@code skipRows} input rows. */
    public LoadSpec withSkipRows(long skipRows) {
        return new LoadSpec(table, columns, mode, keyColumns, batchSize, transaction, copy, skipRows);
    }
}
