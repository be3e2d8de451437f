package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.Flow;
import dev.sluice.SluiceRuntime;
import dev.sluice.block.BlockStore;
import dev.sluice.block.Secret;
import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Operations of the OpenAPI document (one of each kind) while the database refuses connections: a JSON 503 (with
 * {@code Retry-After}) that names no exception, never a 500, for bearer keys the server has seen and ones it has not.
 */
class DatabaseAwayIT {
    static final ObjectMapper JSON = new ObjectMapper();
    /** An operation of each kind of route (each takes the database's connect timeout to answer). */
    static final List<String> ONE_EACH = List.of("GET /api/runs", "GET /api/runs/{id}", "GET /api/runs/{id}/logs/stream",
            "GET /api/activity", "GET /api/deployments/{name}", "POST /api/deployments/{name}/runs",
            "POST /api/deployment-runs/{id}/cancel", "GET /api/workers", "POST /api/keys", "DELETE /api/keys/{id}");

    static void sql(EmbeddedPostgres pg, String statement) throws Exception {
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    @Test
    void apiOperationsAnswerA503WhileTheDatabaseIsAway() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            sql(pg, "create database sluice_away");
            HistoryDatabase db = HistoryDatabase.of(pg.getJdbcUrl("postgres", "sluice_away"), "postgres", Secret.of(""))
                    .withConnectTimeout(Duration.ofSeconds(1));
            String admin;
            String unseen;
            try (ApiKeys keys = ApiKeys.open(db)) {
                admin = keys.create("away-admin", Role.ADMIN).token().reveal();
                unseen = keys.create("away-viewer", Role.VIEWER).token().reveal();
            }
            String runId;
            try (History history = History.open(db);
                    SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().recorder(history.recorder()).build()) {
                runId = runtime.runForState(Flow.of("away-flow", (Integer n) -> n + 1), 1).id();
                assertThat(history.flush()).isTrue();
            }
            HttpClient http = HttpClient.newHttpClient();
            try (SluiceServer server = SluiceServer.start(ServerOptions.builder().database(db).port(0).printUrl(false)
                    .blockStore(BlockStore.inMemory()).build())) {
                JsonNode doc = JSON.readTree(Fixture.send(http, HttpRequest.newBuilder(server.url().resolve("/api/openapi.json")))
                        .body());
                assertThat(Fixture.send(http, HttpRequest.newBuilder(server.url().resolve("/api/me")), "Authorization",
                        "Bearer " + admin).statusCode()).isEqualTo(200);

                sql(pg, "alter database sluice_away allow_connections false");
                sql(pg, "select pg_terminate_backend(pid) from pg_stat_activity where datname = 'sluice_away'");
                List<String> problems = new ArrayList<>();
                for (Iterator<String> paths = doc.path("paths").fieldNames(); paths.hasNext(); ) {
                    String template = paths.next();
                    for (Iterator<String> methods = doc.path("paths").path(template).fieldNames(); methods.hasNext(); ) {
                        String method = methods.next().toUpperCase();
                        if (!ONE_EACH.contains(method + " " + template)) {
                            continue;
                        }
                        String path = template.replace("{id}", runId).replace("{name}", "away").replace("{type}", "secret");
                        // a key the server has seen is cached (10 s): its request reaches the route, which needs the database
                        for (String key : template.equals("/api/runs") ? List.of(admin, unseen) : List.of(admin)) {
                            if (template.equals("/api/me") && key.equals(admin)) {
                                continue; // answered from the cache, rightly
                            }
                            HttpRequest.Builder b = HttpRequest.newBuilder(server.url().resolve(path))
                                    .header("Authorization", "Bearer " + key).header("Accept", "text/event-stream")
                                    .timeout(Duration.ofSeconds(20));
                            if (method.equals("POST")) {
                                b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                                        template.endsWith("/keys") ? "{\"name\": \"x\", \"role\": \"viewer\"}"
                                                : template.endsWith("/backfill")
                                                        ? "{\"from\": \"2026-01-01T00:00:00Z\", \"to\": \"2026-01-02T00:00:00Z\"}"
                                                        : "{}"));
                            } else {
                                b.method(method, HttpRequest.BodyPublishers.noBody());
                            }
                            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                            String what = method + " " + template + (key.equals(admin) ? " (a key seen)" : " (a key not seen)")
                                    + " -> " + r.statusCode() + " " + r.headers().firstValue("Content-Type").orElse("") + " "
                                    + (r.body().length() > 200 ? r.body().substring(0, 200) : r.body());
                            if (r.statusCode() != 503 || !r.headers().firstValue("Content-Type").orElse("").startsWith("application/json")
                                    || r.body().contains("Exception") || r.body().contains("jdbc:")
                                    || r.headers().firstValue("Retry-After").isEmpty()) {
                                problems.add(what);
                            }
                        }
                    }
                }
                assertThat(problems).isEmpty();
            }
        }
    }
}
