package dev.sluice.tasks.sql.internal;

import java.util.Iterator;
import java.util.NoSuchElementException;
import org.jspecify.annotations.Nullable;

/**
 * The input rows of a load, read once and handed out a batch at a time, so a lazy input is
 * never held in memory; knows the index of every row it hands out.
 */
final class Cursor {
    private final Iterator<?> rest;
    private @Nullable Object pending;
    private long index;
    private long left;

    Cursor(Object first, Iterator<?> rest, long firstIndex) {
        this.pending = first;
        this.rest = rest;
        this.index = firstIndex;
    }

    /** True if rows remain in the input. */
    boolean hasMoreInput() {
        return pending != null || rest.hasNext();
    }

    /** Starts a batch of at most {@code limit} rows. */
    void startBatch(long limit) {
        left = limit;
    }

    /** True if the current batch has another row. */
    boolean hasNext() {
        return left > 0 && hasMoreInput();
    }

    /** The next row of the batch; {@link #index()} is then its index. */
    Object next() {
        if (left <= 0) {
            throw new NoSuchElementException("batch exhausted");
        }
        Object row = pending;
        if (row != null) {
            pending = null;
        } else {
            row = rest.next();
            if (row == null) {
                throw new IllegalArgumentException("input row " + index + " is null");
            }
        }
        left--;
        index++;
        return row;
    }

    /** The index of the row {@link #next()} returned last (the number of rows read, minus one). */
    long index() {
        return index - 1;
    }

    /** Rows read so far, counted from the start of the input. */
    long consumed() {
        return index;
    }
}
