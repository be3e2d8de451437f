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

    @Test
    void credentialsInsideTheUrlAndDriverPropertiesAreEncryptedAtRestAndMasked() throws Exception {
        DatabaseCredentials db = DatabaseCredentials.of("jdbc:postgresql://db:5432/shop?user=etl&password=url-pw-7731",
                        "etl", Secret.of("field-pw-7731"))
                .withDriverProperties(Map.of("sslpassword", "ssl-pw-7731", "ApplicationName", "sluice-visible"));
        Blocks.save("in-url", db);

        DatabaseCredentials loaded = Blocks.load(DatabaseCredentials.class, "in-url");
        assertThat(loaded).isEqualTo(db);
        assertThat(loaded.jdbcUrl()).contains("password=url-pw-7731");
        assertThat(loaded.driverProperties()).containsEntry("sslpassword", "ssl-pw-7731");
        try (Stream<Path> files = Files.walk(home)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(f)).as(f.toString()).doesNotContain("url-pw-7731").doesNotContain("ssl-pw-7731")
                        .doesNotContain("sluice-visible");
            }
        }
        assertThat(Secret.mask("connect failed: jdbc:postgresql://db/shop?password=url-pw-7731 (ssl-pw-7731)"))
                .doesNotContain("url-pw-7731").doesNotContain("ssl-pw-7731");
    }

    @Test
    void aBlockSavedBeforeTheFieldsWereEncryptedStillLoads() throws Exception {
        Path file = home.resolve("blocks/database-credentials/old.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\"format\":1,\"type\":\"database-credentials\",\"name\":\"old\",\"data\":{"
                + "\"jdbcUrl\":\"jdbc:h2:mem:old\",\"username\":\"sa\",\"password\":\"\",\"poolSize\":2,"
                + "\"connectionTimeout\":\"PT5S\",\"driverProperties\":{\"a\":\"b\"}}}");
        DatabaseCredentials old = Blocks.load(DatabaseCredentials.class, "old");
        assertThat(old.jdbcUrl()).isEqualTo("jdbc:h2:mem:old");
        assertThat(old.driverProperties()).containsEntry("a", "b");
    }
}
