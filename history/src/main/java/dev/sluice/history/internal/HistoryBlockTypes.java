package dev.sluice.history.internal;

import dev.sluice.block.Block;
import dev.sluice.block.BlockTypeProvider;
import dev.sluice.history.HistoryDatabase;
import java.util.List;

/** Makes {@code history-database} blocks loadable by slug. */
public final class HistoryBlockTypes implements BlockTypeProvider {
    @Override
    public List<Class<? extends Block>> blockTypes() {
        return List.of(HistoryDatabase.class);
    }
}
