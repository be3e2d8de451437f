package dev.sluice.internal.blocks;

import dev.sluice.block.BlockStore;
import dev.sluice.testkit.BlockStoreContract;

class InMemoryBlockStoreTest extends BlockStoreContract {
    @Override
    protected BlockStore newStore() {
        return BlockStore.inMemory();
    }
}
