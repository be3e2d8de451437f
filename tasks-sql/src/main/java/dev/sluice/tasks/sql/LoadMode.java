package dev.sluice.tasks.sql;

/** How a {@link SqlTasks#load() load} writes rows into its table. */
public enum LoadMode {
    /** Inserts every row; an existing key is an error. */
    INSERT,
    /**
     * Inserts new rows and updates the rows whose key columns match. Loading the same rows twice
     * leaves the same table. PostgreSQL: the rows go into a temporary table, then one
     * {@code UPDATE ... FROM} and one {@code INSERT ... ON CONFLICT}; H2: {@code MERGE ... KEY};
     * others: standard {@code MERGE}. Give each key once per load: PostgreSQL rejects a new key
     * given twice, and which of two rows for an existing key wins is not defined.
     */
    UPSERT,
    /** Empties the table, then inserts every row, in the same transaction when the database allows it. */
    TRUNCATE_INSERT
}
