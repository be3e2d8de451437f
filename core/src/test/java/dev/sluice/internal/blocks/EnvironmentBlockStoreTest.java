package dev.sluice.internal.blocks;

import dev.sluice.testkit.TestRuntimes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.block.BlockException;
import dev.sluice.block.BlockId;
import dev.sluice.block.BlockStore;
import dev.sluice.block.Blocks;
import dev.sluice.testkit.BlockStoreContract;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentBlockStoreTest extends BlockStoreContract {
    @Override
    protected BlockStore newStore() {
        return BlockStore.environment(Map.of("PATH", "/usr/bin", "SLUICE_BLOCK_UNKNOWN_TYPE_X", "{}"));
    }

    @Override
    protected BlockStore newStore(Map<BlockId, String> documents) {
        Map<String, String> env = new HashMap<>();
        documents.forEach((id, doc) -> env.put(EnvironmentBlockStore.variable(id), doc));
        return BlockStore.environment(env);
    }

    @Test
    void variableNamesAreUpperCaseWithUnderscores() {
        assertThat(EnvironmentBlockStore.variable(new BlockId("database-credentials", "warehouse-prod")))
                .isEqualTo("SLUICE_BLOCK_DATABASE_CREDENTIALS_WAREHOUSE_PROD");
    }

    @Test
    void hyphensAndUnderscoresInNamesReadTheSame() {
        BlockStore store = BlockStore.environment(Map.of("SLUICE_BLOCK_CONTRACT_DATABASE_EU_WEST",
                dbDocument("etl", "pw")));
        assertThat(store.read(db("eu-west"))).isPresent();
        assertThat(store.read(db("eu_west"))).isPresent();
        assertThat(store.list()).containsExactly(db("eu_west"));
    }

    @Test
    void plainStringsAreSecretsInHandWrittenJson() {
        TestRuntimes.use(b -> b.blockStore(BlockStore.environment(Map.of("SLUICE_BLOCK_CONTRACT_DATABASE_PROD",
                "{\"url\":\"jdbc:h2:mem:x\",\"user\":\"etl\",\"password\":\"plain-env-pw\",\"poolSize\":3}"))));
        ContractDatabase db = Blocks.load(ContractDatabase.class, "prod");
        assertThat(db.password().reveal()).isEqualTo("plain-env-pw");
        assertThat(db.poolSize()).isEqualTo(3);
    }

    @Test
    void malformedJsonNamesTheVariableButNotItsContent() {
        BlockStore store = BlockStore.environment(Map.of("SLUICE_BLOCK_CONTRACT_DATABASE_BROKEN",
                "{\"user\":\"etl\",\"password\": hunter2-in-env}"));
        assertThatThrownBy(() -> store.read(db("broken")))
                .isInstanceOf(BlockException.class)
                .hasMessageContaining("SLUICE_BLOCK_CONTRACT_DATABASE_BROKEN")
                .hasMessageContaining("not valid JSON")
                .hasMessageNotContaining("hunter2");
    }
}
