package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Flow;
import dev.sluice.SluiceRuntime;
import dev.sluice.block.BlockStore;
import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A SQLite file deleted or replaced under a running server: the server's connections still read the unlinked file, so
 * it must not go on answering 200 with those runs; it says what happened (503, and {@code /api/health} unhealthy).
 */
class DatabaseFileGoneIT {
    @TempDir
    Path dir;

    private String record(HistoryDatabase db, String flow) {
        try (History history = History.open(db);
                SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().recorder(history.recorder()).build()) {
            String id = runtime.runForState(Flow.of(flow, (Integer n) -> n + 1), 1).id();
            assertThat(history.flush()).isTrue();
            return id;
        }
    }

    @Test
    void aDeletedOrReplacedFileIsNoticedAndNamedInsteadOfServingStaleRuns() throws Exception {
        Path file = dir.resolve("sluice.db");
        HistoryDatabase db = HistoryDatabase.sqlite(file);
        String runId = record(db, "before-the-delete");
        Path other = dir.resolve("other.db");
        record(HistoryDatabase.sqlite(other), "in-another-file");
        HttpClient http = HttpClient.newHttpClient();
        try (SluiceServer server = SluiceServer.start(ServerOptions.builder().database(db).port(0).printUrl(false)
                .blockStore(BlockStore.inMemory()).build())) {
            assertThat(AuthIT.get(http, server.url().resolve("/api/runs/" + runId)).statusCode()).isEqualTo(200);
            HttpResponse<String> healthy = AuthIT.get(http, server.url().resolve("/api/health"));
            assertThat(healthy.statusCode()).isEqualTo(200);
            assertThat(healthy.body()).contains("\"ok\"");

            Files.delete(file);
            Files.deleteIfExists(dir.resolve("sluice.db-wal"));
            Files.deleteIfExists(dir.resolve("sluice.db-shm"));
            HttpResponse<String> runs = AuthIT.get(http, server.url().resolve("/api/runs/" + runId));
            assertThat(runs.statusCode()).as(runs.body()).isEqualTo(503);
            assertThat(runs.body()).contains("deleted").contains("restart the server").doesNotContain("Exception");
            HttpResponse<String> sick = AuthIT.get(http, server.url().resolve("/api/health"));
            assertThat(sick.statusCode()).isEqualTo(503);
            assertThat(sick.body()).contains("deleted");
            HttpResponse<String> page = AuthIT.get(http, server.url().resolve("/runs"));
            assertThat(page.statusCode()).isEqualTo(503);
            assertThat(page.body()).contains("deleted");

            Files.copy(other, file, StandardCopyOption.REPLACE_EXISTING); // another database put in its place
            HttpResponse<String> replaced = AuthIT.get(http, server.url().resolve("/api/runs"));
            assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(503);
            assertThat(replaced.body()).contains("replaced");
        }
    }
}
