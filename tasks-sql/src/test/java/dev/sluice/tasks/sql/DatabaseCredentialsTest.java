package dev.sluice.tasks.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.block.Secret;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DatabaseCredentialsTest {
    @Test
    void isABlockWithItsSlugAndHidesThePassword() {
        DatabaseCredentials c = DatabaseCredentials.of("jdbc:postgresql://db:5432/shop?sslmode=require", "etl", Secret.of("s3cr3t!"))
                .withDriverProperties(Map.of("sslpassword", "x"));
        assertThat(c.blockType()).isEqualTo("database-credentials");
        assertThat(c.toString()).contains("jdbc:postgresql://db:5432/shop?...", "etl", "**********", "sslpassword")
                .doesNotContain("s3cr3t!").doesNotContain("sslmode");
        assertThat(c.poolSize()).isEqualTo(DatabaseCredentials.DEFAULT_POOL_SIZE);
        assertThat(c).isEqualTo(DatabaseCredentials.of("jdbc:postgresql://db:5432/shop?sslmode=require", "etl", Secret.of("s3cr3t!"))
                .withDriverProperties(Map.of("sslpassword", "x")));
        assertThat(c.withPoolSize(2)).isNotEqualTo(c);
    }

    @Test
    void validatesEveryField() {
        Secret pw = Secret.of("p");
        assertThatThrownBy(() -> DatabaseCredentials.of("postgresql://x", "u", pw))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jdbcUrl must start with 'jdbc:'");
        assertThatThrownBy(() -> DatabaseCredentials.of("jdbc:h2:mem:x", "u", pw).withPoolSize(-1))
                .hasMessage("poolSize must be >= 1 (or 0 for the default, 5), was -1");
        assertThatThrownBy(() -> DatabaseCredentials.of("jdbc:h2:mem:x", "u", pw).withConnectionTimeout(Duration.ofMillis(10)))
                .hasMessageContaining("connectionTimeout must be >= 250ms");
    }
}
