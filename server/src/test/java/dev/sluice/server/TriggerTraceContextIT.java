package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.Flow;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.scheduler.Deployment;
import dev.sluice.scheduler.Worker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A traced client that triggers, retries or backfills a deployment through the JSON API sends its W3C
 * {@code traceparent}: the run it asks for keeps that trace context (as one asked for with
 * {@code DeploymentClient.trigger} inside a span does), so the flow run a worker starts joins the client's trace.
 * Without the header, the run keeps none. (With {@code sluice-opentelemetry} on the class path, as here.)
 */
class TriggerTraceContextIT {
    static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
    static final String TRACEPARENT = "00-" + TRACE + "-b7ad6b7169203331-01";

    static final dev.sluice.Flow0<String> ECHO = Flow.of("echo", () -> "hi");

    @Test
    void theTraceparentOfATriggerReachesTheRunItAsksFor(@TempDir Path dir) throws Exception {
        HistoryDatabase db = HistoryDatabase.sqlite(dir.resolve("sluice.db"));
        try (Worker worker = Worker.builder(db).pollingInterval(Duration.ofMillis(20))
                        .deployments(Deployment.of(ECHO)).start();
                SluiceServer server = SluiceServer.start(ServerOptions.builder().port(0).printUrl(false).database(db).build())) {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.port() + "/api/";

            String traced = id(send(http, base + "deployments/echo/runs", "{}", TRACEPARENT));
            String plain = id(send(http, base + "deployments/echo/runs", "{}", null));
            worker.client().awaitFinished(traced, Duration.ofSeconds(20)).orElseThrow();
            worker.client().awaitFinished(plain, Duration.ofSeconds(20)).orElseThrow();
            String retried = id(send(http, base + "deployment-runs/" + plain + "/retry", "{}", TRACEPARENT));

            assertThat(traceContext(dir, traced)).contains(TRACE);
            assertThat(traceContext(dir, retried)).contains(TRACE);
            assertThat(traceContext(dir, plain)).satisfiesAnyOf(t -> assertThat(t).isNull(), t -> assertThat(t).doesNotContain(TRACE));
        }
    }

    private static HttpResponse<String> send(HttpClient http, String url, String body, String traceparent) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (traceparent != null) {
            b.header("traceparent", traceparent);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return r;
    }

    private static String id(HttpResponse<String> r) throws Exception {
        return new ObjectMapper().readTree(r.body()).get("id").asText();
    }

    private static String traceContext(Path dir, String runId) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("sluice.db"));
                PreparedStatement ps = c.prepareStatement("select trace_context from sluice_deployment_run where id = ?")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("run " + runId).isTrue();
                return rs.getString(1);
            }
        }
    }
}
