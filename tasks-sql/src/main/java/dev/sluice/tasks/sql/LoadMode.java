package dev.sluice.tasks.sql;

/** How a {@link SqlTasks#load() load} writes rows into its table. */
public enum LoadMode {
    /** Inserts every row; an existing key is an error. */
    INSERT,
    /**
     * Inserts new rows and updates the rows whose key columns match
     * (PostgreSQL {@code ON CONFLICT}, {@code MERGE} elsewhere). Loading the same rows twice leaves the same table.
     */
    UPSERT,
    /** Empties the table, then inserts every row, in the same transaction when the database allows it. */
    TRUNCATE_INSERT
}
