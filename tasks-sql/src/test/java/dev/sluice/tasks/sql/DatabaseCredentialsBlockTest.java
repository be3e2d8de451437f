package dev.sluice.tasks.sql;

import dev.sluice.testkit.TestRuntimes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.block.BlockStore;
import dev.sluice.block.Blocks;
import dev.sluice.block.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DatabaseCredentials (a Duration and a Map inside) saved in the file store and loaded back by slug. */
class DatabaseCredentialsBlockTest {
    @TempDir
    Path home;

    @BeforeEach
    void fileStore() {
        TestRuntimes.use(b -> b.blockStore(BlockStore.file(home, Map.of())));
    }

    @AfterEach
    void reset() {
        TestRuntimes.reset();
    }

    @Test
    void roundTripsBySlugWithThePasswordEncrypted() throws Exception {
        DatabaseCredentials db = DatabaseCredentials.of("jdbc:h2:mem:blocks", "etl", Secret.of("db-pa55-word-42"))
                .withPoolSize(3)
                .withConnectionTimeout(Duration.ofSeconds(7))
                .withDriverProperties(Map.of("ApplicationName", "sluice"));
        Blocks.save("warehouse", db);

        assertThat(Blocks.load("database-credentials/warehouse")).isEqualTo(db);
        DatabaseCredentials loaded = Blocks.load(DatabaseCredentials.class, "warehouse");
        assertThat(loaded.connectionTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(loaded.password().reveal()).isEqualTo("db-pa55-word-42");
        try (Stream<Path> files = Files.walk(home)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(f)).doesNotContain("db-pa55-word-42");
            }
        }
    }
}
