package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.block.Secret;
import dev.sluice.history.HistoryDatabase;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ServerOptionsTest {
    @Test
    void defaultsAreLoopbackOn4200() {
        ServerOptions o = ServerOptions.builder().build();
        assertThat(o.host()).isEqualTo("127.0.0.1");
        assertThat(o.port()).isEqualTo(4200);
        assertThat(o.requireApiKeys()).isFalse();
        assertThat(o.sessionTimeout()).isEqualTo(Duration.ofHours(12));
        assertThat(o.loginAttemptsPerMinute()).isEqualTo(10);
        assertThat(o.printUrl()).isTrue();
        assertThat(o.history()).isEmpty();
    }

    @Test
    void everySetterNamesItsFieldWhenTheValueIsWrong() {
        ServerOptions.Builder b = ServerOptions.builder();
        assertThatThrownBy(() -> b.port(70_000)).hasMessage("port must be between 0 and 65535, was 70000");
        assertThatThrownBy(() -> b.host(" ")).hasMessage("host must not be blank");
        // a scheme or a port was taken here and failed only at start, as a host name that cannot be resolved
        for (String wrong : new String[] {"127.0.0.1:4200", "http://127.0.0.1", "localhost:80", "0.0.0.0/0", "my host",
                "127.0.0.1:", "[::1]:4200"}) {
            assertThatThrownBy(() -> b.host(wrong)).as(wrong).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("host must be a host name or an IP address").hasMessageEndingWith("was '" + wrong + "'");
        }
        for (String fine : new String[] {"127.0.0.1", "0.0.0.0", "localhost", "::1", "[::1]", "::", "fe80::1%lo",
                "sluice.example.com", "my_host", " 127.0.0.1 "}) {
            assertThat(ServerOptions.builder().host(fine).build().host()).as(fine).isEqualTo(fine.strip());
        }
        assertThatThrownBy(() -> b.sessionTimeout(Duration.ofSeconds(5))).hasMessageStartingWith("sessionTimeout must be");
        assertThatThrownBy(() -> b.loginAttemptsPerMinute(0)).hasMessage("loginAttemptsPerMinute must be >= 1, was 0");
        assertThatThrownBy(() -> b.listCache(Duration.ofMinutes(2))).hasMessage("listCache must be between 0 and 1 minute, was PT2M");
        assertThat(ServerOptions.builder().build().listCache()).isEqualTo(Duration.ofSeconds(1));
        assertThatThrownBy(() -> b.threads(4)).hasMessage("threads must be between 8 and 1000, was 4");
        assertThat(ServerOptions.builder().build().threads()).isGreaterThanOrEqualTo(16);
        assertThat(ServerOptions.builder().threads(8).build().toBuilder().build().threads()).isEqualTo(8);
    }

    @Test
    void theBuilderCopiesAndToStringHidesThePassword() {
        HistoryDatabase db = HistoryDatabase.of("jdbc:postgresql://db/sluice", "sluice", Secret.of("pg-pa55word"));
        ServerOptions o = ServerOptions.builder().database(db).port(0).host("::1").build();
        ServerOptions copy = o.toBuilder().port(8080).build();
        assertThat(copy.database()).isEqualTo(db);
        assertThat(copy.host()).isEqualTo("::1");
        assertThat(copy.port()).isEqualTo(8080);
        assertThat(o.port()).isEqualTo(0);
        assertThat(o.toString()).contains("jdbc:postgresql://db/sluice").doesNotContain("pg-pa55word");
        assertThat(ServerOptions.builder().database(HistoryDatabase.sqlite(Path.of("/tmp/x.db"))).build().database().url())
                .isEqualTo("jdbc:sqlite:/tmp/x.db");
    }

    @Test
    void rolesIncludeTheOnesBelow() {
        assertThat(Role.ADMIN.allows(Role.OPERATOR)).isTrue();
        assertThat(Role.OPERATOR.allows(Role.VIEWER)).isTrue();
        assertThat(Role.VIEWER.allows(Role.OPERATOR)).isFalse();
        assertThat(Role.parse(" Operator ")).isEqualTo(Role.OPERATOR);
        assertThat(Role.ADMIN.id()).isEqualTo("admin");
        assertThatThrownBy(() -> Role.parse("root")).hasMessage("role must be one of viewer, operator, admin, was 'root'");
    }

    @Test
    void loopbackNamesAreRecognised() {
        assertThat(SluiceServer.isLoopback("127.0.0.1")).isTrue();
        assertThat(SluiceServer.isLoopback("localhost")).isTrue();
        assertThat(SluiceServer.isLoopback("::1")).isTrue();
        assertThat(SluiceServer.isLoopback("0.0.0.0")).isFalse();
    }

    @Test
    void aNewKeyNeverShowsItselfInToString() {
        NewApiKey k = new NewApiKey(new ApiKey("0123456789ab", "ci", Role.VIEWER, java.time.Instant.EPOCH, null),
                Secret.of("sluice_0123456789ab_secret-part"));
        assertThat(k.toString()).doesNotContain("secret-part");
        assertThat(k.key().isActive()).isTrue();
    }

    @Test
    void theDatabaseComesFromTheEnvironmentAsTheHistoryFindsIt() {
        dev.sluice.block.BlockStore store = dev.sluice.block.BlockStore.inMemory();
        HistoryDatabase saved = HistoryDatabase.of("jdbc:postgresql://db/runs", "etl", Secret.of("pg-pw"));
        try (dev.sluice.SluiceRuntime rt = dev.sluice.SluiceRuntime.builder().withoutExtensions().blockStore(store).build()) {
            rt.run(() -> dev.sluice.block.Blocks.save("shared-history", saved));
        }
        ServerOptions o = ServerOptions.builder().blockStore(store).build();
        assertThat(o.databaseFrom(java.util.Map.of("SLUICE_DATABASE_BLOCK", "shared-history")).url())
                .isEqualTo("jdbc:postgresql://db/runs");
        assertThat(o.databaseFrom(java.util.Map.of("SLUICE_DATABASE_URL", "jdbc:postgresql://other/x")).url())
                .isEqualTo("jdbc:postgresql://other/x");
        assertThat(o.databaseFrom(java.util.Map.of("SLUICE_HOME", "/tmp/sluice-home-test")).url())
                .isEqualTo("jdbc:sqlite:/tmp/sluice-home-test/sluice.db");
    }
}
