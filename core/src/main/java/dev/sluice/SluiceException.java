package dev.sluice;

import org.jspecify.annotations.Nullable;

/**
 * The root of every exception Sluice throws. Unchecked; each area has its own subclass
 * ({@link TaskFailedException}, {@link FlowFailedException}, ...). Messages never contain a
 * secret value.
 */
public abstract class SluiceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An exception with a message. */
    protected SluiceException(String message) {
        super(message);
    }

    /** An exception with a message and the cause it wraps. */
    protected SluiceException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
