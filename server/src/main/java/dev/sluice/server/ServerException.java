package dev.sluice.server;

import dev.sluice.SluiceException;
import org.jspecify.annotations.Nullable;

/** The server cannot start or cannot reach what it needs (its address, the database); the message says what to do. */
public class ServerException extends SluiceException {
    private static final long serialVersionUID = 1L;

    /** An error with {@code message}. */
    public ServerException(String message) {
        super(message);
    }

    /** An error with {@code message} caused by {@code cause}. */
    public ServerException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
