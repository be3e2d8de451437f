package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.block.BlockStore;
import dev.sluice.history.HistoryDatabase;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "A revoked key stops working at once in the server that revoked it, and within 10 seconds in others"
 * (docs/server.md): two servers on one database, each with its own clock, so the 10 seconds pass without sleeping.
 */
class KeyRevocationClockIT {
    @TempDir
    Path dir;

    @Test
    void aKeyRevokedInOneServerStopsWorkingInAnotherWithinTenSecondsOfItsClock() throws Exception {
        HistoryDatabase db = HistoryDatabase.sqlite(dir.resolve("keys.db"));
        String admin;
        String viewer;
        String viewerId;
        try (ApiKeys keys = ApiKeys.open(db)) {
            admin = keys.create("revoker", Role.ADMIN).token().reveal();
            var created = keys.create("leaver", Role.VIEWER);
            viewer = created.token().reveal();
            viewerId = created.key().id();
        }
        SessionClockIT.MovableClock firstClock = new SessionClockIT.MovableClock();
        SessionClockIT.MovableClock secondClock = new SessionClockIT.MovableClock();
        HttpClient http = HttpClient.newHttpClient();
        try (SluiceServer first = SluiceServer.start(ServerOptions.builder().database(db).port(0).printUrl(false)
                        .blockStore(BlockStore.inMemory()).clock(firstClock).build());
                SluiceServer second = SluiceServer.start(ServerOptions.builder().database(db).port(0).printUrl(false)
                        .blockStore(BlockStore.inMemory()).clock(secondClock).build())) {
            assertThat(AuthIT.get(http, first.url().resolve("/api/me"), "Authorization", "Bearer " + viewer).statusCode())
                    .isEqualTo(200);
            assertThat(AuthIT.get(http, second.url().resolve("/api/me"), "Authorization", "Bearer " + viewer).statusCode())
                    .isEqualTo(200);

            var revoke = java.net.http.HttpRequest.newBuilder(first.url().resolve("/api/keys/" + viewerId)).DELETE();
            assertThat(Fixture.send(http, revoke, "Authorization", "Bearer " + admin).statusCode()).isBetween(200, 204);

            assertThat(AuthIT.get(http, first.url().resolve("/api/me"), "Authorization", "Bearer " + viewer).statusCode())
                    .as("at once in the server that revoked it").isEqualTo(401);
            secondClock.advance(Duration.ofSeconds(10));
            assertThat(AuthIT.get(http, second.url().resolve("/api/me"), "Authorization", "Bearer " + viewer).statusCode())
                    .as("10 s later by the other server's clock").isEqualTo(401);
            assertThat(AuthIT.get(http, second.url().resolve("/api/me"), "Authorization", "Bearer " + admin).statusCode())
                    .as("the other keys still work").isEqualTo(200);
        }
    }

    @Test
    void aKeyRevokedThroughApiKeysOfThisProcessStopsWorkingInItsServerAtOnce() throws Exception {
        // ApiKeys.revoke: "it stops working in every server at once in this process"; the server's clock stands still,
        // so only the revocation can end the key
        HistoryDatabase db = HistoryDatabase.sqlite(dir.resolve("same-process.db"));
        HttpClient http = HttpClient.newHttpClient();
        try (ApiKeys keys = ApiKeys.open(db);
                SluiceServer server = SluiceServer.start(ServerOptions.builder().database(db).port(0).printUrl(false)
                        .blockStore(BlockStore.inMemory()).clock(new SessionClockIT.MovableClock()).build())) {
            String viewer = keys.create("leaver", Role.VIEWER).token().reveal();
            assertThat(AuthIT.get(http, server.url().resolve("/api/me"), "Authorization", "Bearer " + viewer).statusCode())
                    .isEqualTo(200);
            assertThat(keys.revoke("leaver")).isTrue();
            assertThat(AuthIT.get(http, server.url().resolve("/api/me"), "Authorization", "Bearer " + viewer).statusCode())
                    .as("revoked by another ApiKeys of this process").isEqualTo(401);
        }
    }

    @Test
    void theFirstKeyMadeThroughApiKeysOfThisProcessClosesTheOpenServerAtOnce() throws Exception {
        // "once a key exists, every page and API route needs one": an open server lets anyone on the machine in as
        // admin, so it must not stay open (for its cache's 10 seconds) after the first key was made
        HistoryDatabase db = HistoryDatabase.sqlite(dir.resolve("first-key.db"));
        HttpClient http = HttpClient.newHttpClient();
        try (ApiKeys keys = ApiKeys.open(db);
                SluiceServer server = SluiceServer.start(ServerOptions.builder().database(db).port(0).printUrl(false)
                        .blockStore(BlockStore.inMemory()).clock(new SessionClockIT.MovableClock()).build())) {
            assertThat(AuthIT.get(http, server.url().resolve("/api/keys")).statusCode()).as("open: anyone is admin")
                    .isEqualTo(200);
            keys.create("first", Role.ADMIN);
            assertThat(AuthIT.get(http, server.url().resolve("/api/keys")).statusCode()).as("a key exists now")
                    .isEqualTo(401);
            assertThat(AuthIT.get(http, server.url().resolve("/runs")).statusCode()).as("the dashboard too").isEqualTo(303);
        }
    }
}
