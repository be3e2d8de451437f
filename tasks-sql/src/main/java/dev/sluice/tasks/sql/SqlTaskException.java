package dev.sluice.tasks.sql;

import dev.sluice.SluiceException;
import org.jspecify.annotations.Nullable;

/**
 * A SQL task failed: the database could not be reached, a statement failed, or the input was
 * wrong. The message names the statement, table or column involved and never a password; the
 * driver's {@link java.sql.SQLException} is the cause.
 */
public class SqlTaskException extends SluiceException {
    private static final long serialVersionUID = 1L;

    /** An exception with a message. */
    public SqlTaskException(String message) {
        super(message);
    }

    /** An exception with a message and the cause it wraps. */
    public SqlTaskException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
