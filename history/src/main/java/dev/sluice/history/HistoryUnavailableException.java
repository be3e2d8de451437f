package dev.sluice.history;

import org.jspecify.annotations.Nullable;

/**
 * The run history database cannot be used at all: the server cannot be reached or refuses the login, or the
 * SQLite file cannot be opened, is not a SQLite database or is corrupted. Other {@link HistoryException}s
 * are a statement that failed on a database that is there. The message names the database (its password
 * masked) and what to do; the {@code sluice} command exits with code 4 on it.
 */
public class HistoryUnavailableException extends HistoryException {
    private static final long serialVersionUID = 1L;

    /** An exception with a message and the cause it wraps. */
    public HistoryUnavailableException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
