package dev.sluice.block;

import dev.sluice.SluiceException;
import org.jspecify.annotations.Nullable;

/**
 * A block could not be saved, loaded or deleted: a stored block is malformed or lacks a field, a
 * secret cannot be decrypted, the master key is missing, the store cannot be written. The
 * message names the block and the store and never contains a secret value.
 */
public class BlockException extends SluiceException {
    private static final long serialVersionUID = 1L;

    /** An exception with a message. */
    public BlockException(String message) {
        super(message);
    }

    /** An exception with a message and its cause. */
    public BlockException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
