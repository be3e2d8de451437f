package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Flow;
import dev.sluice.block.BlockStore;
import dev.sluice.block.Secret;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.scheduler.Deployment;
import dev.sluice.scheduler.DeploymentRun;
import dev.sluice.scheduler.Worker;
import java.net.CookieManager;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A deployment whose default parameter holds a secret revealed by the worker that registered it. */
class DeploymentSecretsIT {
    @TempDir
    Path dir;

    @Test
    void aSecretDefaultIsMaskedEverywhereAndTheRunFormLeavesItToTheDeployment() throws Exception {
        String secret = Secret.of("DeploySecret-" + UUID.randomUUID()).reveal();
        HistoryDatabase db = HistoryDatabase.sqlite(dir.resolve("d.db"));
        Flow<String, String> call = Flow.of("call-api", (String token) -> "ok");
        Deployment d = Deployment.of(call, String.class).withName("call-api").withDescription("calls with " + secret)
                .withParameters(Map.of("arg0", secret));
        try (Worker worker = Worker.builder(db).name("secret-worker").deployments(d).pollingInterval(Duration.ofMillis(20))
                        .plannerInterval(Duration.ofMillis(50)).start();
                SluiceServer server = SluiceServer.start(ServerOptions.builder().database(db).port(0).printUrl(false)
                        .blockStore(BlockStore.inMemory()).build())) {
            String first = worker.client().trigger("call-api", Map.of());
            assertThat(worker.client().awaitFinished(first, Duration.ofSeconds(30))).isPresent();
            HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
            for (String path : List.of("/deployments", "/deployments/call-api", "/api/deployments", "/api/deployments/call-api",
                    "/api/deployments/call-api/runs", "/api/deployment-runs/" + first)) {
                HttpResponse<String> r = Fixture.send(browser, HttpRequest.newBuilder(server.url().resolve(path)));
                assertThat(r.statusCode()).as(path).isEqualTo(200);
                assertThat(r.body()).as(path).doesNotContain(secret).contains("**********");
            }
            Document page = Jsoup.parse(Fixture.send(browser, HttpRequest.newBuilder(server.url().resolve("/deployments/call-api")))
                    .body());
            Element field = page.getElementById("run-form").selectFirst("input[name=p.arg0]");
            assertThat(field.attr("value")).as("a masked default sent back would replace the real one").isEmpty();
            assertThat(field.attr("placeholder")).isEqualTo("default: **********");

            // the form as the page has it: the run gets the deployment's default, not the mask
            String csrf = page.select("meta[name=csrf-token]").attr("content");
            HttpResponse<String> posted = AuthIT.postForm(browser, server.url().resolve("/deployments/call-api/run"),
                    Map.of("p.arg0", field.attr("value"), "_csrf", csrf));
            assertThat(posted.statusCode()).isEqualTo(303);
            String id = posted.headers().firstValue("Location").orElseThrow().replaceAll(".*triggered=([^#&]+).*", "$1");
            DeploymentRun run = worker.client().awaitFinished(id, Duration.ofSeconds(30)).orElseThrow();
            assertThat(run.parameters()).containsEntry("arg0", secret);
        }
    }
}
