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

    @Test
    void keysMadeAtOnceUnderOneNameLeaveOneAndRefuseTheOthersAsTakenNotAsADatabaseFailure() throws Exception {
        // create's Javadoc: an IllegalArgumentException if an active key has the name; two creates at once both passed
        // the check and the second insert broke the unique index: a ServerException, which the server answers as "the
        // database cannot be reached" (503) and the CLI as exit code 4
        HistoryDatabase database = HistoryDatabase.sqlite(dir.resolve("race.db"));
        History.open(database).close();
        int threads = 6;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try (ApiKeys keys = ApiKeys.open(database)) {
            for (int round = 0; round < 300; round++) {
                String name = "ci-" + round;
                java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
                java.util.List<java.util.concurrent.Future<String>> outcomes = new java.util.ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    outcomes.add(pool.submit(() -> {
                        start.await();
                        try {
                            keys.create(name, Role.VIEWER);
                            return "created";
                        } catch (IllegalArgumentException e) {
                            return "taken";
                        } catch (RuntimeException e) {
                            return e.toString();
                        }
                    }));
                }
                java.util.List<String> results = new java.util.ArrayList<>();
                for (var o : outcomes) {
                    results.add(o.get(30, java.util.concurrent.TimeUnit.SECONDS));
                }
                assertThat(results).as("round " + round).containsOnly("created", "taken");
                assertThat(results).as("round " + round).containsOnlyOnce("created");
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
