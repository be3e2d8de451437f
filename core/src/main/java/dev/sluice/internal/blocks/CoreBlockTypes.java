package dev.sluice.internal.blocks;

import dev.sluice.block.Block;
import dev.sluice.block.BlockTypeProvider;
import dev.sluice.notify.LogNotifier;
import java.util.List;

/** The block types of sluice-core. */
public final class CoreBlockTypes implements BlockTypeProvider {
    @Override
    public List<Class<? extends Block>> blockTypes() {
        return List.of(LogNotifier.class);
    }
}
