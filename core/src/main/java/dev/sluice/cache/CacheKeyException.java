package dev.sluice.cache;

import dev.sluice.SluiceException;

/**
 * A cached task's key could not be computed: an argument cannot be hashed (a socket, a lambda, a
 * cycle), an excluded parameter does not exist, or a key function failed. The run ends
 * {@link dev.sluice.State#FAILED} with this as its error and is never retried: the same inputs would fail the
 * same way. The message names the task, the argument and the fix.
 */
public class CacheKeyException extends SluiceException {
    private static final long serialVersionUID = 1L;

    /** An exception with a message. */
    public CacheKeyException(String message) {
        super(message);
    }

    /** An exception with a message and the cause it wraps. */
    public CacheKeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
