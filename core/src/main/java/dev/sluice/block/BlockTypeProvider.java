package dev.sluice.block;

import java.util.List;

/**
 * Tells Sluice which block types a module defines, so that {@code Blocks.load("slug/name")} and
 * nested block references find their class. Found with {@link java.util.ServiceLoader}: list the
 * implementation in {@code META-INF/services/dev.sluice.block.BlockTypeProvider}. See {@link Block}.
 */
public interface BlockTypeProvider {
    /** The block record classes; each carries {@link BlockType}. */
    List<Class<? extends Block>> blockTypes();
}
