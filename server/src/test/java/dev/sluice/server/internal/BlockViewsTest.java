package dev.sluice.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.SluiceRuntime;
import dev.sluice.block.Block;
import dev.sluice.block.BlockStore;
import dev.sluice.block.BlockType;
import dev.sluice.block.Blocks;
import dev.sluice.block.Encrypted;
import dev.sluice.block.Secret;
import dev.sluice.server.internal.Views.BlockRow;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Secret fields never come out of the blocks view, whatever store they were read from. */
public class BlockViewsTest {
    public record Inner(String label, Secret token) {
    }

    @BlockType("views-test")
    public record Creds(String host, int port, List<String> recipients, Secret password, @Encrypted String url,
            List<Secret> spares, Inner inner) implements Block {
    }

    static final String[] SECRETS = {"pw-111111", "url-pw-222222", "spare-333333", "inner-444444"};

    static String shown(BlockRow row) {
        return row.fields().toString() + row.problem();
    }

    @Test
    void aWritableStoreShowsPlainFieldsAndMasksEverySecret() {
        BlockStore store = BlockStore.inMemory();
        try (SluiceRuntime rt = SluiceRuntime.builder().withoutExtensions().blockStore(store).build()) {
            rt.run(() -> Blocks.save("one", new Creds("db.example", 5432, List.of("a@example.com"), Secret.of(SECRETS[0]),
                    "jdbc:x://h?password=" + SECRETS[1], List.of(Secret.of(SECRETS[2])), new Inner("in", Secret.of(SECRETS[3])))));
        }
        BlockRow row = new BlockViews(store).all().get(0);
        assertThat(shown(row)).contains("db.example").contains("5432").contains("a@example.com").contains("in");
        for (String s : SECRETS) {
            assertThat(shown(row)).doesNotContain(s);
        }
    }

    @Test
    void theEnvironmentStoreKeepsSecretsInPlainTextSoOnlyPlainFieldsAreShown() {
        String json = "{\"host\":\"db.example\",\"port\":5432,\"recipients\":[\"a@example.com\"],\"password\":\"" + SECRETS[0]
                + "\",\"url\":\"jdbc:x://h?password=" + SECRETS[1] + "\",\"spares\":[\"" + SECRETS[2]
                + "\"],\"inner\":{\"label\":\"in\",\"token\":\"" + SECRETS[3] + "\"}}";
        Blocks.registerType(Creds.class);
        BlockStore env = BlockStore.environment(Map.of("SLUICE_BLOCK_VIEWS_TEST_TWO", json));
        List<BlockRow> rows = new BlockViews(env).all();
        assertThat(rows).hasSize(1);
        assertThat(shown(rows.get(0))).contains("db.example").contains("5432").contains("a@example.com");
        for (String s : SECRETS) {
            assertThat(shown(rows.get(0))).doesNotContain(s);
        }
        // a type nobody knows: no text at all
        BlockStore unknown = BlockStore.environment(Map.of("SLUICE_BLOCK_SOMETHING_ELSE_X", "{\"token\":\"" + SECRETS[0] + "\"}"));
        assertThat(new BlockViews(unknown).all().toString()).doesNotContain(SECRETS[0]);
    }

    /**
     * The server's default store is the chain {@code env,file}, which is writable: a block it reads from
     * the environment variable still holds its secrets, nested ones included, in plain text.
     */
    @Test
    void anEnvironmentBlockReadThroughAWritableChainShowsOnlyPlainFields() {
        String json = "{\"host\":\"db.example\",\"port\":5432,\"recipients\":[\"a@example.com\"],\"password\":\"" + SECRETS[0]
                + "\",\"url\":\"jdbc:x://h?password=" + SECRETS[1] + "\",\"spares\":[\"" + SECRETS[2]
                + "\"],\"inner\":{\"label\":\"in\",\"token\":\"" + SECRETS[3] + "\"}}";
        Blocks.registerType(Creds.class);
        BlockStore chain = BlockStore.chain(BlockStore.environment(Map.of("SLUICE_BLOCK_VIEWS_TEST_THREE", json)),
                BlockStore.inMemory());
        List<BlockRow> rows = new BlockViews(chain).all();
        assertThat(rows).hasSize(1);
        assertThat(shown(rows.get(0))).contains("db.example").contains("5432").contains("a@example.com");
        for (String s : SECRETS) {
            assertThat(shown(rows.get(0))).doesNotContain(s);
        }
        // one that does not load as its type (a field missing): only its plain fields, from the stored text
        BlockStore broken = BlockStore.chain(BlockStore.environment(Map.of("SLUICE_BLOCK_VIEWS_TEST_FOUR",
                json.replace("\"host\":\"db.example\",", ""))), BlockStore.inMemory());
        String shownBroken = new BlockViews(broken).all().toString();
        assertThat(shownBroken).contains("5432");
        for (String s : SECRETS) {
            assertThat(shownBroken).doesNotContain(s);
        }
    }

    /** Deleting a block the chain reads from an environment variable: 409 naming the read-only store, not 404. */
    @Test
    void deletingAnEnvironmentBlockThroughTheChainIsAConflict() {
        Blocks.registerType(Creds.class);
        BlockStore chain = BlockStore.chain(BlockStore.environment(Map.of("SLUICE_BLOCK_VIEWS_TEST_FIVE", "{\"host\":\"h\"}")),
                BlockStore.inMemory());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new BlockViews(chain).delete(
                        new dev.sluice.block.BlockId("views-test", "five")))
                .isInstanceOf(HttpError.class).hasMessageContaining("read-only")
                .satisfies(e -> assertThat(((HttpError) e).status).isEqualTo(409));
    }

    @Test
    void aBlockOfATypeNotOnTheClassPathSaysWhatItHides() {
        BlockStore store = BlockStore.inMemory();
        store.write(new dev.sluice.block.BlockId("app-smtp", "ops"), "{\"host\":\"smtp.example\",\"password\":{\"$secret\":\""
                + SECRETS[0] + "\"}}", false);
        BlockRow row = new BlockViews(store).all().get(0);
        assertThat(shown(row)).contains("smtp.example").doesNotContain(SECRETS[0]);
        assertThat(row.problem()).isEqualTo("type not on the server's class path: values saved as secrets hidden, the others shown");
    }
}
