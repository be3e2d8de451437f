package dev.sluice.history;

import dev.sluice.SluiceException;
import org.jspecify.annotations.Nullable;

/**
 * A run history database could not be opened, migrated, written or read: unreachable, not a SQLite
 * file, corrupted, or with a schema newer than this version of {@code sluice-history}. The message
 * names the database (its password masked) and what to do.
 */
public class HistoryException extends SluiceException {
    private static final long serialVersionUID = 1L;

    /** An exception with a message. */
    public HistoryException(String message) {
        super(message);
    }

    /** An exception with a message and the cause it wraps. */
    public HistoryException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
