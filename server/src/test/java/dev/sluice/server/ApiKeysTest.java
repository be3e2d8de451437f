package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ApiKeys} on a real SQLite file. */
class ApiKeysTest {
    @TempDir
    Path dir;

    @Test
    void revokingByIdRevokesThatKeyOnlyEvenWhenAnotherKeyIsNamedLikeIt() {
        HistoryDatabase database = HistoryDatabase.sqlite(dir.resolve("sluice.db"));
        History.open(database).close();
        try (ApiKeys keys = ApiKeys.open(database)) {
            NewApiKey ci = keys.create("ci", Role.VIEWER);
            // a name is any 1 to 64 letters, digits, '-', '_' or '.': 12 hex digits, another key's id, is one
            NewApiKey lookalike = keys.create(ci.key().id(), Role.ADMIN);
            assertThat(keys.revoke(ci.key().id())).isTrue();
            assertThat(keys.authenticate(ci.token().reveal())).isEmpty();
            assertThat(keys.authenticate(lookalike.token().reveal())).as("the key only named like the id").isPresent();
            // by its name, once no active key has that id
            assertThat(keys.revoke(ci.key().id())).isTrue();
            assertThat(keys.authenticate(lookalike.token().reveal())).isEmpty();
            assertThat(keys.revoke(ci.key().id())).isFalse();
        }
    }
}
