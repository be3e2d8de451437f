package dev.sluice.internal.blocks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.block.BlockException;
import dev.sluice.block.BlockStore;
import dev.sluice.testkit.BlockStoreContract;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChainBlockStoreTest extends BlockStoreContract {
    @Override
    protected BlockStore newStore() {
        return BlockStore.chain(BlockStore.environment(Map.of()), BlockStore.inMemory());
    }

    @Test
    void theFirstStoreThatHasABlockWinsAndWritesGoToTheFirstWritable() {
        BlockStore env = BlockStore.environment(Map.of("SLUICE_BLOCK_CONTRACT_DATABASE_SHARED", dbDocument("from-env", "pw-e")));
        BlockStore memory = BlockStore.inMemory();
        BlockStore chain = BlockStore.chain(env, memory);
        assertThat(chain.write(db("shared"), dbDocument("from-memory", "pw-m"), false))
                .as("a save without overwrite fails when an earlier store has the name").isFalse();
        assertThat(chain.write(db("own"), dbDocument("mine", "pw-o"), false)).isTrue();
        assertThat(memory.read(db("own"))).isPresent();
        assertThat(tree(chain.read(db("shared")).orElseThrow()).path("user").asText()).isEqualTo("from-env");
        assertThat(chain.list()).containsExactly(db("own"), db("shared"));
        assertThat(chain.delete(db("own"))).isTrue();
        assertThat(chain.description()).contains("environment store", "in-memory store");
    }

    @Test
    void aChainWithoutAWritableStoreSaysSo() {
        BlockStore chain = BlockStore.chain(BlockStore.environment(Map.of()));
        assertThat(chain.isWritable()).isFalse();
        assertThatThrownBy(() -> chain.write(db("x"), dbDocument("a", "b"), false))
                .isInstanceOf(BlockException.class).hasMessageContaining("no store").hasMessageContaining("writable");
    }

    /**
     * A block only a read-only store (an environment variable) has cannot be deleted through the chain:
     * that is an error naming the store, not "there was none" while the block still loads.
     */
    @Test
    void deletingABlockOnlyAReadOnlyStoreHasSaysSo() {
        BlockStore env = BlockStore.environment(Map.of("SLUICE_BLOCK_CONTRACT_DATABASE_SHARED", dbDocument("from-env", "pw-e")));
        BlockStore chain = BlockStore.chain(env, BlockStore.inMemory());

        assertThatThrownBy(() -> chain.delete(db("shared")))
                .isInstanceOf(BlockException.class).hasMessageContaining("read-only").hasMessageContaining("environment store");
        assertThat(chain.read(db("shared"))).isPresent();
        assertThat(chain.delete(db("none"))).isFalse();
    }
}
