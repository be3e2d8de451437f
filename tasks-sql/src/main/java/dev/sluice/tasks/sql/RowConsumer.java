package dev.sluice.tasks.sql;

/**
 * Receives the rows of {@link SqlTasks#stream()} one at a time. May throw; the stream stops and the task fails.
 *
 * @param <T> the row type
 */
@FunctionalInterface
public interface RowConsumer<T> {
    /** Handles one row. */
    void accept(T row) throws Exception;
}
