package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.Flow;
import dev.sluice.block.BlockStore;
import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.scheduler.Deployment;
import dev.sluice.scheduler.Worker;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deployments whose names hold characters that mean something in a URL, through the API and the pages. */
class OddNamesIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> NAMES = List.of("etl/daily", "100% done", "what?", "a#b", "back\\slash", "..", "dot.", "naïve ✓",
            "semi;colon", "plus+sign", "a&b=c");

    @TempDir
    Path dir;

    @Test
    void everyDeploymentIsReachableByItsEscapedName() throws Exception {
        HistoryDatabase db = HistoryDatabase.sqlite(dir.resolve("names.db"));
        History.open(db).close();
        Flow<Fixture.Note, String> noted = Flow.named("noted").of((Fixture.Note n) -> n.note());
        List<Deployment> deployments = new ArrayList<>();
        for (String name : NAMES) {
            deployments.add(Deployment.of(noted, Fixture.Note.class).withName(name));
        }
        HttpClient http = HttpClient.newHttpClient();
        try (Worker worker = Worker.builder(db).deployments(deployments.toArray(Deployment[]::new))
                .pollingInterval(Duration.ofMillis(20)).plannerInterval(Duration.ofMillis(50)).start();
                SluiceServer server = SluiceServer.start(ServerOptions.builder().database(db).port(0).printUrl(false)
                        .blockStore(BlockStore.inMemory()).build())) {
            List<String> problems = new ArrayList<>();
            for (String name : NAMES) {
                String seg = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
                for (String path : List.of("/api/deployments/" + seg, "/api/deployments/" + seg + "/runs", "/deployments/" + seg)) {
                    HttpResponse<String> r = Fixture.send(http, HttpRequest.newBuilder(server.url().resolve(path)));
                    if (r.statusCode() != 200) {
                        problems.add("GET " + path + " -> " + r.statusCode() + " " + r.headers().firstValue("Content-Type").orElse("")
                                + " " + r.body().substring(0, Math.min(200, r.body().length())));
                    } else if (path.startsWith("/api/deployments/" + seg) && path.endsWith(seg)) {
                        assertThat(JSON.readTree(r.body()).path("name").asText()).isEqualTo(name);
                    }
                }
                HttpResponse<String> made = Fixture.send(http, HttpRequest.newBuilder(server.url().resolve("/api/deployments/" + seg
                        + "/runs")).POST(HttpRequest.BodyPublishers.ofString("{\"parameters\": {\"note\": \"hi\"}}")),
                        "Content-Type", "application/json");
                if (made.statusCode() != 201) {
                    problems.add("POST /api/deployments/" + seg + "/runs -> " + made.statusCode() + " " + made.body());
                } else {
                    JsonNode run = JSON.readTree(made.body());
                    assertThat(run.path("deployment").asText()).isEqualTo(name);
                    assertThat(worker.client().awaitFinished(run.path("id").asText(), Duration.ofSeconds(30))).isPresent();
                }
            }
            assertThat(problems).isEmpty();
        }
    }
}
