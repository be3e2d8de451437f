package dev.sluice.block;

import java.util.List;

/**
 * A block was asked for under one type, but the name is saved under another type only:
 * {@code block 'ops' is saved as type slack-webhook, not email-server-credentials (EmailServerCredentials); ...}.
 */
public final class BlockTypeMismatchException extends BlockException {
    private static final long serialVersionUID = 1L;

    private final BlockId requested;
    private final List<String> savedTypes;

    /** An exception for {@code requested}, naming the types the name is saved under. */
    public BlockTypeMismatchException(BlockId requested, List<String> savedTypes, String message) {
        super(message);
        this.requested = requested;
        this.savedTypes = List.copyOf(savedTypes);
    }

    /** The block that was asked for. */
    public BlockId requested() {
        return requested;
    }

    /** The type slugs the name is saved under, sorted. */
    public List<String> savedTypes() {
        return savedTypes;
    }
}
