package dev.sluice.tasks.sql;

/** How a {@link SqlTasks#load() load} writes rows into its table. */
public enum LoadMode {
    /** Inserts every row; an existing key is an error. */
    INSERT,
    /**
     * Inserts new rows and updates the rows whose key columns match. Loading the same rows twice
     * leaves the same table. How, by database:
     * <ul>
     *   <li>PostgreSQL: the rows go into a temporary table, then one {@code UPDATE ... FROM} and one
     *       {@code INSERT ... ON CONFLICT};</li>
     *   <li>SQLite (3.24 or later): {@code INSERT ... ON CONFLICT (keys) DO UPDATE SET c = excluded.c},
     *       a row at a time, each after an indexed look-up of its key, so
     *       {@link LoadResult#inserted()} and {@link LoadResult#updated()} are exact;</li>
     *   <li>H2: {@code MERGE ... KEY};</li>
     *   <li>MySQL and MariaDB: refused before anything is written (their
     *       {@code ON DUPLICATE KEY UPDATE} is not implemented);</li>
     *   <li>other databases: standard {@code MERGE ... USING (VALUES ...)} (tested on H2 only).</li>
     * </ul>
     * The key columns must be the table's primary key or a unique constraint (PostgreSQL and SQLite
     * name the mismatch otherwise). Give each key once per load: PostgreSQL rejects a new key given
     * twice and keeps either of two rows for an existing key; elsewhere the last row for a key wins.
     */
    UPSERT,
    /** Empties the table, then inserts every row, in the same transaction when the database allows it. */
    TRUNCATE_INSERT
}
