package dev.sluice.scheduler;

import org.jspecify.annotations.Nullable;

/**
 * The scheduler's database could not be reached or used: the message names the database (never a
 * password), what was being done and the database's own words.
 */
public final class SchedulerDatabaseException extends SchedulerException {
    private static final long serialVersionUID = 1L;

    /** An exception with a message and the cause it wraps. */
    public SchedulerDatabaseException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
