package dev.sluice.tasks.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Block;
import dev.sluice.Blocks;
import dev.sluice.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The auth blocks saved with the default file store and loaded back by slug, secrets encrypted on disk. */
class HttpBlocksTest {
    @TempDir
    Path home;
    private String previous;

    @BeforeEach
    void useTempHome() {
        previous = System.getProperty("sluice.home");
        System.setProperty("sluice.home", home.toString());
        Blocks.setStore(dev.sluice.BlockStore.file());
    }

    @AfterEach
    void restore() {
        if (previous == null) {
            System.clearProperty("sluice.home");
        } else {
            System.setProperty("sluice.home", previous);
        }
        Blocks.resetStore();
    }

    @Test
    void everyAuthBlockRoundTripsBySlugWithItsSecretEncrypted() throws Exception {
        List<Block> blocks = List.of(
                ApiKey.header("X-API-Key", Secret.of("api-key-value-123")),
                ApiKey.query("key", Secret.of("query-key-value-456")),
                new BasicAuth("etl", Secret.of("basic-password-789")),
                new BearerToken(Secret.of("bearer-token-abc")),
                new OAuth2ClientCredentials("https://auth.example.com/token", "client-1",
                        Secret.of("client-secret-def"), List.of("read", "write")));
        List<String> secrets = List.of("api-key-value-123", "query-key-value-456", "basic-password-789",
                "bearer-token-abc", "client-secret-def");
        for (int i = 0; i < blocks.size(); i++) {
            Block block = blocks.get(i);
            String name = "auth-" + i;
            Blocks.save(name, block);
            assertThat(Blocks.load(block.blockType() + "/" + name)).isEqualTo(block);
        }
        try (Stream<Path> files = Files.walk(home)) {
            List<Path> written = files.filter(Files::isRegularFile).toList();
            assertThat(written).as("the blocks were saved under the temporary home")
                    .hasSizeGreaterThanOrEqualTo(blocks.size());
            for (Path f : written) {
                String text = Files.readString(f);
                for (String secret : secrets) {
                    assertThat(text).as(f.toString()).doesNotContain(secret);
                }
            }
        }
    }
}
