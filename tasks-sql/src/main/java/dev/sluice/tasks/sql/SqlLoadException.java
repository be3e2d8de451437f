package dev.sluice.tasks.sql;

import org.jspecify.annotations.Nullable;

/**
 * A {@link SqlTasks#load() load} failed. {@link #committedRows()} says how many input rows are in
 * the table for good: always 0 for {@link LoadTransaction#ALL_OR_NOTHING}; for
 * {@link LoadTransaction#PER_BATCH}, the rows of the batches committed before the failure, so
 * {@code spec.withSkipRows(e.committedRows())} resumes the load without duplicating rows.
 */
public class SqlLoadException extends SqlTaskException {
    private static final long serialVersionUID = 1L;

    /** Input rows committed before the failure. */
    private final long committedRows;

    /** An exception for a load that left {@code committedRows} input rows committed. */
    public SqlLoadException(String message, long committedRows, @Nullable Throwable cause) {
        super(message, cause);
        this.committedRows = committedRows;
    }

    /** Input rows committed before the failure, counted from the start of the input (skipped rows included). */
    public long committedRows() {
        return committedRows;
    }
}
