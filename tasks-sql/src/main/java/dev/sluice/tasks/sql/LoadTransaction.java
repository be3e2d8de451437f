package dev.sluice.tasks.sql;

/** How a {@link SqlTasks#load() load} commits. */
public enum LoadTransaction {
    /** One transaction for the whole load: a failure anywhere leaves the table as it was. */
    ALL_OR_NOTHING,
    /**
     * One transaction per batch: a failure keeps the batches committed before it and reports how
     * many rows they hold ({@link SqlLoadException#committedRows()}); a retry of the same task run
     * resumes after them.
     */
    PER_BATCH
}
