package dev.sluice.block;

import java.util.List;

/**
 * No block of the requested type is saved under the requested name. The message lists the names
 * that do exist for that type:
 * {@code block 'ops-smtp' of type email-server-credentials not found in ...; saved blocks of that type: [smtp-prod, smtp-test]}.
 */
public class BlockNotFoundException extends BlockException {
    private static final long serialVersionUID = 1L;

    private final BlockId id;
    private final List<String> existing;

    /** An exception for {@code id}, listing the {@code existing} names of its type. */
    public BlockNotFoundException(BlockId id, List<String> existing, String message) {
        super(message);
        this.id = id;
        this.existing = List.copyOf(existing);
    }

    /** The block that was asked for. */
    public BlockId id() {
        return id;
    }

    /** The names saved for that type, sorted. */
    public List<String> existingNames() {
        return existing;
    }
}
