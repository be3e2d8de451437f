package dev.sluice.tasks.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.SluiceRuntime;
import dev.sluice.block.BlockSchema;
import dev.sluice.block.BlockStore;
import dev.sluice.block.Blocks;
import dev.sluice.block.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code database-credentials} block needs only the URL, the user and the password: the pool size,
 * connection timeout and driver properties it leaves out take the defaults of {@link DatabaseCredentials#of}.
 */
class DatabaseCredentialsDefaultsTest {
    @TempDir
    Path home;

    private static final DatabaseCredentials DEFAULTS = DatabaseCredentials.of("jdbc:h2:mem:defaults", "sa", Secret.of("pw-55"));

    @Test
    void leftOutValuesTakeTheDefaultsOfOf() {
        DatabaseCredentials c = new DatabaseCredentials("jdbc:h2:mem:defaults", "sa", Secret.of("pw-55"), 0, null, null);
        assertThat(c).isEqualTo(DEFAULTS);
        assertThat(c.poolSize()).isEqualTo(DatabaseCredentials.DEFAULT_POOL_SIZE);
        assertThat(c.connectionTimeout()).isEqualTo(DatabaseCredentials.DEFAULT_CONNECTION_TIMEOUT);
        assertThat(c.driverProperties()).isEmpty();
        assertThatThrownBy(() -> DEFAULTS.withPoolSize(-1))
                .hasMessage("poolSize must be >= 1 (or 0 for the default, 5), was -1");
    }

    @Test
    void theSchemaShowsOnlyUrlUserAndPasswordAsRequired() {
        assertThat(BlockSchema.of(DatabaseCredentials.class).fields())
                .filteredOn(BlockSchema.Field::required).extracting(BlockSchema.Field::name)
                .containsExactly("jdbcUrl", "username", "password");
    }

    @Test
    void fromTextAsTheCliMakesItTakesTheDefaults() {
        DatabaseCredentials made = (DatabaseCredentials) BlockSchema.of(DatabaseCredentials.class)
                .fromText(Map.of("jdbcUrl", "jdbc:h2:mem:defaults", "username", "sa", "password", "pw-55"));
        assertThat(made).isEqualTo(DEFAULTS);
        DatabaseCredentials tuned = (DatabaseCredentials) BlockSchema.of(DatabaseCredentials.class)
                .fromText(Map.of("jdbcUrl", "jdbc:h2:mem:defaults", "username", "sa", "password", "pw-55",
                        "poolSize", "2", "connectionTimeout", "PT5S"));
        assertThat(tuned).isEqualTo(DEFAULTS.withPoolSize(2).withConnectionTimeout(Duration.ofSeconds(5)));
        assertThatThrownBy(() -> BlockSchema.of(DatabaseCredentials.class)
                .fromText(Map.of("jdbcUrl", "jdbc:h2:mem:defaults", "username", "sa", "password", "pw-55", "poolSize", "-3")))
                .hasMessageContaining("poolSize must be >= 1");
    }

    @Test
    void aBlockMadeWithDefaultsIsSavedAndLoadedBack() {
        try (SluiceRuntime rt = SluiceRuntime.builder().home(home).blockStore(BlockStore.file(home, Map.of()))
                .withoutExtensions().build()) {
            rt.run(() -> {
                Blocks.save("plain", new DatabaseCredentials("jdbc:h2:mem:defaults", "sa", Secret.of("pw-55"), 0, null, null));
                assertThat(Blocks.load(DatabaseCredentials.class, "plain")).isEqualTo(DEFAULTS);
            });
        }
    }

    @Test
    void anEnvironmentBlockMayLeaveOutThePoolSizeTheTimeoutAndTheDriverProperties() {
        String json = "{\"jdbcUrl\":\"jdbc:h2:mem:envdb;DB_CLOSE_DELAY=-1\",\"username\":\"sa\",\"password\":\"env-pw-77\"}";
        AtomicReference<DatabaseCredentials> loaded = new AtomicReference<>();
        try (SluiceRuntime rt = SluiceRuntime.builder().home(home)
                .environment(Map.of("SLUICE_BLOCK_DATABASE_CREDENTIALS_ENV_DB", json)).withoutExtensions().build()) {
            rt.run(() -> {
                loaded.set(Blocks.load(DatabaseCredentials.class, "env-db"));
                assertThat(SqlTasks.fetchOne().run(loaded.get(), SqlStatement.of("select 1 as one")).orElseThrow())
                        .containsEntry("ONE", 1);
            });
        }
        assertThat(loaded.get().poolSize()).isEqualTo(DEFAULTS.poolSize());
        assertThat(loaded.get().connectionTimeout()).isEqualTo(DatabaseCredentials.DEFAULT_CONNECTION_TIMEOUT);
        assertThat(loaded.get().driverProperties()).isEmpty();
    }
}
