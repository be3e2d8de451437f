package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;

/**
 * No secret in any response: blocks saved with known secrets, a flow that revealed one (and logged it,
 * and failed with it in its message); every page reachable from the runs page and every API response
 * about every run is scanned for the values.
 */
class SecretsIT {
    final Fixture f = Fixture.shared();
    final List<String> secrets = List.of(Fixture.RUN_SECRET, Fixture.BLOCK_SECRET, Fixture.URL_SECRET, Fixture.SPARE_SECRET);

    void assertClean(String path, HttpResponse<String> r) {
        for (String s : secrets) {
            assertThat(r.body()).as(path).doesNotContain(s);
            r.headers().map().forEach((k, v) -> assertThat(String.join(",", v)).as(path + " header " + k).doesNotContain(s));
        }
    }

    @Test
    void noPageAndNoApiResponseHoldsASecret() {
        Set<String> seen = new LinkedHashSet<>();
        // a deployment's run with a secret parameter value: the scheduler keeps its parameters as given, the server masks them
        String secretRun = f.worker.client().trigger(Fixture.HOSTILE_DEPLOYMENT, java.util.Map.of("note", Fixture.RUN_SECRET));
        try {
            assertThat(f.worker.client().awaitFinished(secretRun, java.time.Duration.ofSeconds(30))).isPresent();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        Deque<String> todo = new ArrayDeque<>(List.of("/runs", "/runs?limit=500", "/blocks", "/keys", "/login", "/deployments",
                "/workers", "/deployments/" + DeploymentsIT.enc(Fixture.HOSTILE_DEPLOYMENT),
                "/runs/" + f.secretRunId, "/runs/" + f.secretRunId + "/logs"));
        Set<String> runIds = new LinkedHashSet<>();
        while (!todo.isEmpty() && seen.size() < 400) {
            String path = todo.poll();
            if (!seen.add(path)) {
                continue;
            }
            HttpResponse<String> r = f.get(path);
            assertThat(r.statusCode()).as(path).isLessThan(400);
            assertClean(path, r);
            Document doc = Jsoup.parse(r.body(), f.uri(path).toString());
            doc.select("a[href]").forEach(a -> {
                String href = a.attr("href");
                if (href.startsWith("/") && !href.startsWith("//")) {
                    todo.add(href);
                    if (href.matches("/runs/[^/?]+")) {
                        runIds.add(href.substring(6));
                    }
                }
            });
        }
        assertThat(runIds).contains(f.secretRunId, f.parentRunId);
        assertThat(seen.size()).isGreaterThan(30);
        for (String id : runIds) {
            for (String api : List.of("/api/runs/" + id, "/api/runs/" + id + "/logs?limit=1000", "/api/runs/" + id + "/task-runs",
                    "/api/runs/" + id + "/subflow-runs", "/runs/" + id + "/logs/live?after=0")) {
                // the live stream as a browser asks for it (without the header it is a 406, and was an empty 200)
                HttpResponse<String> r = api.contains("/logs/live") ? f.get(api, "Accept", "text/event-stream") : f.get(api);
                assertThat(r.statusCode()).as(api).isEqualTo(200);
                assertClean(api, r);
                if (api.contains("/logs/live")) {
                    assertThat(r.body()).as(api).contains("event: end");
                }
            }
        }
        for (String api : List.of("/api/runs?limit=500", "/api/blocks", "/api/activity", "/api/activity?window=7d",
                "/api/openapi.json", "/api/me", "/api/keys", "/api/deployments", "/api/workers",
                "/api/deployments/" + DeploymentsIT.enc(Fixture.HOSTILE_DEPLOYMENT) + "/runs", "/api/deployment-runs/" + secretRun)) {
            HttpResponse<String> r = f.get(api);
            assertThat(r.statusCode()).as(api).isEqualTo(200);
            assertClean(api, r);
        }
        // the secret run is there, masked
        String detail = f.get("/runs/" + f.secretRunId).body();
        assertThat(Jsoup.parse(detail).select("#error").text()).contains("login refused for password **********");
        assertThat(Jsoup.parse(detail).select("#logs").text()).contains("trying password **********");
        assertThat(f.get("/api/deployment-runs/" + secretRun).body()).contains("**********");
    }

    @Test
    void theApiMasksAgainWhatThePagesMaskASecretRevealedAfterTheRunWasRecorded() throws Exception {
        // recorded before this JVM knew the value (as a run of another JVM that never revealed it would be)
        String later = "Later-s3cret-" + java.util.UUID.randomUUID();
        String flow = "late-secret-" + java.util.UUID.randomUUID();
        String id;
        try (dev.sluice.SluiceRuntime runtime = dev.sluice.SluiceRuntime.builder().home(f.dir).withoutExtensions()
                .recorder(f.history.recorder()).build()) {
            id = runtime.runForState(dev.sluice.Flow.named(flow).of((String s) -> {
                dev.sluice.RunContext.logger().info("connecting with {}", s);
                throw new IllegalStateException("refused: " + s);
            }), later).id();
        }
        assertThat(f.history.flush()).isTrue();
        assertThat(f.get("/api/runs/" + id).body()).as("recorded in plain text").contains(later);
        dev.sluice.block.Secret.of(later).reveal();
        assertThat(f.get("/runs/" + id).body()).doesNotContain(later).contains("**********");
        for (String api : List.of("/api/runs/" + id, "/api/runs/" + id + "/logs", "/api/runs?flow=" + flow,
                "/api/runs/" + id + "/logs/stream")) {
            HttpResponse<String> r = f.get(api, "Accept", api.endsWith("/stream") ? "text/event-stream" : "application/json");
            assertThat(r.statusCode()).as(api).isEqualTo(200);
            assertThat(r.body()).as(api).doesNotContain(later).contains("**********");
        }
        // the masked answers are still JSON
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(f.get("/api/runs/" + id).body());
    }

    @Test
    void thePagesMaskARunNameTagAndTaskRunNameHoldingASecretRevealedAfterTheRunWasRecorded() throws Exception {
        // a run, tag and task run named after a value this JVM did not know as a secret when they were recorded
        String later = "Named-s3cret-" + java.util.UUID.randomUUID();
        String flow = "late-named-" + java.util.UUID.randomUUID();
        dev.sluice.Task<String, Integer> connect = dev.sluice.Task.named("connect").withRunName("connect-{arg0}")
                .of((String s) -> s.length());
        String id;
        try (dev.sluice.SluiceRuntime runtime = dev.sluice.SluiceRuntime.builder().home(f.dir).withoutExtensions()
                .recorder(f.history.recorder()).build()) {
            id = runtime.runForState(dev.sluice.Flow.named(flow).withRunName("login-{arg0}").of((String s) -> {
                dev.sluice.RunContext.addTags("user:" + s);
                return connect.run(s);
            }), later).id();
        }
        assertThat(f.history.flush()).isTrue();
        assertThat(f.get("/runs/" + id).body()).as("recorded in plain text").contains(later);
        dev.sluice.block.Secret.of(later).reveal();
        for (String page : List.of("/runs/" + id, "/runs?flow=" + flow, "/runs/" + id + "/logs")) {
            HttpResponse<String> r = f.get(page);
            assertThat(r.statusCode()).as(page).isEqualTo(200);
            assertThat(r.body()).as(page).doesNotContain(later).contains("**********");
        }
    }
}
