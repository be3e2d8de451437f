package dev.sluice.tasks.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.block.Block;
import dev.sluice.block.Blocks;
import dev.sluice.block.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import dev.sluice.testkit.TemporarySluiceHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The auth blocks saved with the default file store and loaded back by slug, secrets encrypted on disk. */
class HttpBlocksTest {
    @RegisterExtension
    final TemporarySluiceHome home = new TemporarySluiceHome();

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
        try (Stream<Path> files = Files.walk(home.path())) {
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
