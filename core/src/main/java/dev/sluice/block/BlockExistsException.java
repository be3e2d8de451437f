package dev.sluice.block;

/**
 * {@code Blocks.save(name, block)} found a block of that type already saved under that name; use
 * {@code Blocks.save(name, block, true)} to replace it.
 */
public class BlockExistsException extends BlockException {
    private static final long serialVersionUID = 1L;

    private final BlockId id;

    /** An exception for {@code id}. */
    public BlockExistsException(BlockId id, String message) {
        super(message);
        this.id = id;
    }

    /** The block that exists. */
    public BlockId id() {
        return id;
    }
}
