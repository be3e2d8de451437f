package dev.sluice.block;

import org.jspecify.annotations.Nullable;

/**
 * A block store could not answer just now: its service could not be reached, did not answer in
 * time, or kept failing with server errors or throttling. Unlike other {@link BlockException}s it
 * says nothing about the block, only about the store, so a {@link BlockStore#chain chain} reads
 * from its next store instead (and logs a warning naming this one). A store throws it for
 * outages only; a missing permission, a wrong setting or a malformed block is a plain
 * {@link BlockException}, which a chain does not skip.
 */
public class BlockStoreUnavailableException extends BlockException {
    private static final long serialVersionUID = 1L;

    /** An exception with a message that names the store and what failed, and its cause. */
    public BlockStoreUnavailableException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
