package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.scheduler.DeploymentRun;
import dev.sluice.scheduler.RunStatus;
import java.net.CookieManager;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

/**
 * Deployments, their runs and the workers over HTTP: a real worker in this JVM serves the fixture's
 * deployments from the same SQLite file the server reads.
 */
class DeploymentsIT {
    static final ObjectMapper JSON = new ObjectMapper();
    final Fixture f = Fixture.shared();
    /** A browser-like client: the session cookie, and the CSRF token of the pages it read. */
    final HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    Document page(String path) {
        HttpResponse<String> r = Fixture.send(browser, HttpRequest.newBuilder(f.uri(path)));
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return Jsoup.parse(r.body());
    }

    HttpResponse<String> post(String path, String csrf, Map<String, String> form) {
        String body = form.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
        return Fixture.send(browser, HttpRequest.newBuilder(f.uri(path)).POST(HttpRequest.BodyPublishers.ofString(
                (body.isEmpty() ? "" : body + "&") + "_csrf=" + csrf)), "Content-Type", "application/x-www-form-urlencoded");
    }

    HttpResponse<String> postJson(String path, String csrf, String json) {
        return Fixture.send(browser, HttpRequest.newBuilder(f.uri(path)).POST(HttpRequest.BodyPublishers.ofString(json)),
                "Content-Type", "application/json", "X-CSRF-Token", csrf);
    }

    JsonNode json(String path) throws Exception {
        HttpResponse<String> r = Fixture.send(browser, HttpRequest.newBuilder(f.uri(path)));
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    DeploymentRun await(String id, Predicate<DeploymentRun> done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            DeploymentRun r = f.worker.client().run(id).orElseThrow();
            if (done.test(r)) {
                return r;
            }
            assertThat(System.nanoTime()).as("run " + id + " never got there: " + r).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void theDeploymentsPageShowsSchedulesInWordsTheNextRunsTheLastRunAndPaused() throws Exception {
        Document doc = page("/deployments");
        Element report = doc.select("#deployments tr.deployment").stream()
                .filter(tr -> tr.select("a").first().text().equals(Fixture.DEPLOYMENT)).findFirst().orElseThrow();
        assertThat(report.text()).contains("every day at 06:00 Europe/Berlin").contains("sales-report").contains("active");
        assertThat(report.select("td.time li")).hasSize(5);
        assertThat(report.select(".badge").first().text()).isIn("COMPLETED", "RUNNING", "SCHEDULED", "CANCELLED", "FAILED");
        Element hostile = doc.select("#deployments tr.deployment").stream()
                .filter(tr -> tr.select("a").first().text().equals(Fixture.HOSTILE_DEPLOYMENT)).findFirst().orElseThrow();
        assertThat(hostile.text()).contains("paused").contains("every hour");

        JsonNode api = json("/api/deployments");
        JsonNode d = null;
        for (JsonNode n : api.get("deployments")) {
            if (n.get("name").asText().equals(Fixture.DEPLOYMENT)) {
                d = n;
            }
        }
        assertThat(d).isNotNull();
        assertThat(d.get("schedules").get(0).get("description").asText()).isEqualTo("every day at 06:00 Europe/Berlin");
        assertThat(d.get("nextRuns")).hasSize(5);
        JsonNode paused = json("/api/deployments/" + enc(Fixture.HOSTILE_DEPLOYMENT));
        assertThat(paused.get("paused").asBoolean()).isTrue();
        assertThat(paused.get("schedules")).isNotEmpty();
        assertThat(paused.get("nextRuns")).as("a paused deployment's slots will not run").isEmpty();
        assertThat(Instant.parse(d.get("nextRuns").get(0).asText())).isAfter(Instant.now());
        assertThat(d.get("paused").asBoolean()).isFalse();
        assertThat(d.get("parameterSchema").get("properties").get("mode").get("enum").toString()).contains("FULL", "DELTA");
        assertThat(d.get("lastRun").get("status").asText()).isNotBlank();
        JsonNode one = json("/api/deployments/" + enc(Fixture.HOSTILE_DEPLOYMENT));
        assertThat(one.get("paused").asBoolean()).isTrue();
        assertThat(Fixture.send(browser, HttpRequest.newBuilder(f.uri("/api/deployments/no-such"))).statusCode()).isEqualTo(404);
        assertThat(Fixture.send(browser, HttpRequest.newBuilder(f.uri("/deployments/no-such"))).body()).contains("sales-report");
        HttpResponse<String> slash = Fixture.send(browser, HttpRequest.newBuilder(f.uri("/api/deployments/a%2Fb")));
        assertThat(slash.statusCode()).isEqualTo(404); // a '/' in a name travels escaped in the path
        assertThat(JSON.readTree(slash.body()).get("message").asText()).contains("deployment 'a/b' not found");
    }

    @Test
    void theRunFormIsBuiltFromTheSchemaCheckedOnTheServerAndReRenderedWithTheValuesEntered() throws Exception {
        Document doc = page("/deployments/" + Fixture.DEPLOYMENT);
        String csrf = doc.select("meta[name=csrf-token]").attr("content");
        Element form = doc.getElementById("run-form");
        assertThat(form.select("select[name=p.mode] option")).extracting(Element::text).containsExactly("FULL", "DELTA");
        assertThat(form.select("select[name=p.mode] option[selected]").text()).isEqualTo("FULL");
        assertThat(form.select("input[name=p.day]").attr("type")).isEqualTo("date");
        assertThat(form.select("input[type=checkbox][name=p.dryRun]")).hasSize(1);
        assertThat(form.select("input[type=checkbox][name=p.dryRun]").hasAttr("checked")).isFalse();
        Element days = form.selectFirst("input[name=p.days]");
        assertThat(days.attr("type")).isEqualTo("number");
        assertThat(days.attr("min")).isEqualTo("1");
        assertThat(days.attr("max")).isEqualTo("90");
        assertThat(days.attr("value")).isEqualTo("7");
        assertThat(form.selectFirst("input[name=p.city]").attr("value")).isEqualTo("Berlin");
        assertThat(doc.select("#next-runs li")).hasSize(5);

        // wrong: the message next to each wrong field, the values as entered
        HttpResponse<String> wrong = post("/deployments/" + Fixture.DEPLOYMENT + "/run", csrf,
                Map.of("p.city", "Hamburg", "p.day", "2026-13-45", "p.days", "500", "p.mode", "DELTA", "p.dryRun", "true"));
        assertThat(wrong.statusCode()).isEqualTo(422);
        Document again = Jsoup.parse(wrong.body());
        assertThat(again.select(".field.invalid")).hasSize(2);
        assertThat(again.selectFirst("input[name=p.days]").parent().select(".field-error").text()).contains("90");
        assertThat(again.selectFirst("input[name=p.day]").parent().select(".field-error").text()).isNotBlank();
        assertThat(again.selectFirst("input[name=p.days]").attr("value")).isEqualTo("500");
        assertThat(again.selectFirst("input[name=p.city]").attr("value")).isEqualTo("Hamburg");
        assertThat(again.select("select[name=p.mode] option[selected]").text()).isEqualTo("DELTA");
        assertThat(again.select("input[type=checkbox][name=p.dryRun]").hasAttr("checked")).isTrue();

        // right: a new run, made by the worker, with the form's values over the defaults
        HttpResponse<String> ok = post("/deployments/" + Fixture.DEPLOYMENT + "/run", csrf,
                Map.of("p.city", "Hamburg", "p.day", "2026-11-01", "p.days", "30", "p.mode", "DELTA", "p.dryRun", "true"));
        assertThat(ok.statusCode()).isEqualTo(303);
        String location = ok.headers().firstValue("Location").orElseThrow();
        assertThat(location).contains("triggered=");
        String id = location.replaceAll(".*triggered=([^#&]+).*", "$1");
        DeploymentRun run = await(id, r -> r.status().isFinished());
        assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(run.parameters()).containsEntry("city", "Hamburg").containsEntry("mode", "DELTA").containsEntry("dryRun", true)
                .containsEntry("day", "2026-11-01");
        Document after = page(location.replaceAll("#.*", ""));
        assertThat(after.getElementById("triggered").text()).isEqualTo(id);
        Element row = after.getElementById("dr-" + id);
        assertThat(row.select(".status").text()).isEqualTo("COMPLETED");
        assertThat(row.select("a.flow-run").attr("href")).isEqualTo("/runs/" + run.flowRunId());
    }

    /**
     * An explicit null for a parameter in a trigger is refused with a 400 naming it when a default would silently take
     * its place or the parameter is required; leaving the parameter out still takes its default.
     */
    @Test
    void anExplicitNullParameterIsRefusedNamingItInsteadOfSilentlyTakingTheDefault() throws Exception {
        String csrf = page("/deployments").select("meta[name=csrf-token]").attr("content");
        String base = "/api/deployments/" + Fixture.DEPLOYMENT;
        HttpResponse<String> bad = postJson(base + "/runs", csrf,
                "{\"parameters\": {\"day\": null, \"city\": null, \"days\": null, \"mode\": \"DELTA\"}}");
        assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
        JsonNode errors = JSON.readTree(bad.body()).get("errors");
        assertThat(errors.findValuesAsText("parameter")).containsExactlyInAnyOrder("day", "city", "days");
        for (JsonNode e : errors) {
            assertThat(e.get("message").asText()).as(e.toString()).contains("null");
        }
        assertThat(errors.toString()).contains("Berlin").contains("7");
        assertThat(JSON.readTree(bad.body()).get("message").asText()).contains("city");
    }

    @Test
    void theApiTriggersCancelsRetriesBackfillsPausesAndResumes() throws Exception {
        String csrf = page("/deployments").select("meta[name=csrf-token]").attr("content");
        String base = "/api/deployments/" + Fixture.DEPLOYMENT;
        HttpResponse<String> bad = postJson(base + "/runs", csrf, "{\"parameters\": {\"days\": 0, \"colour\": \"red\"}}");
        assertThat(bad.statusCode()).isEqualTo(400);
        JsonNode errors = JSON.readTree(bad.body()).get("errors");
        assertThat(errors.findValuesAsText("parameter")).contains("day", "days", "colour");

        // a run that waits: cancelled from its flow run
        HttpResponse<String> created = postJson(base + "/runs", csrf,
                "{\"parameters\": {\"day\": \"2026-11-02\", \"city\": \"" + Fixture.WAITING_CITY + "\"}}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = JSON.readTree(created.body()).get("id").asText();
        // a 201 says where the new run is, for a client that follows it
        assertThat(created.headers().firstValue("Location")).hasValue("/api/deployment-runs/" + id);
        DeploymentRun running = await(id, r -> r.status() == RunStatus.RUNNING && r.flowRunId() != null);
        String flowRunId = running.flowRunId();
        assertThat(json("/api/deployment-runs/" + id).get("status").asText()).isEqualTo("RUNNING");
        f.history.flush();
        // the worker records the flow run through its own history writer: wait until the run is there to show
        for (int i = 0; i < 200 && Fixture.send(browser, HttpRequest.newBuilder(f.uri("/runs/" + flowRunId))).statusCode() == 404; i++) {
            Thread.sleep(50);
        }
        Document runPage = page("/runs/" + flowRunId);
        assertThat(runPage.getElementById("deployment-run").text()).contains(id).contains(Fixture.DEPLOYMENT);
        assertThat(runPage.select("form[action=/runs/" + flowRunId + "/cancel]")).hasSize(1);
        assertThat(runPage.select("#retry")).isEmpty();
        assertThat(postJson("/api/runs/" + flowRunId + "/retry", csrf, "").statusCode()).isEqualTo(409);
        HttpResponse<String> cancelled = postJson("/api/runs/" + flowRunId + "/cancel", csrf, "");
        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
        assertThat(JSON.readTree(cancelled.body()).get("cancelRequested").asBoolean()).isTrue();
        assertThat(await(id, r -> r.status().isFinished()).status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(postJson("/api/deployment-runs/" + id + "/cancel", csrf, "").statusCode()).isEqualTo(409);

        // run again, same parameters
        Document ended = page("/runs/" + flowRunId);
        assertThat(ended.select("#retry")).hasSize(1);
        assertThat(ended.select("#cancel")).isEmpty();
        HttpResponse<String> retried = postJson("/api/deployment-runs/" + f.deploymentRun.id() + "/retry", csrf, "");
        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(201);
        JsonNode again = JSON.readTree(retried.body());
        assertThat(again.get("kind").asText()).isEqualTo("RETRY");
        assertThat(again.get("retryOf").asText()).isEqualTo(f.deploymentRun.id());
        assertThat(retried.headers().firstValue("Location")).hasValue("/api/deployment-runs/" + again.get("id").asText());
        assertThat(json(retried.headers().firstValue("Location").orElseThrow()).get("retryOf").asText()).isEqualTo(f.deploymentRun.id());
        assertThat(again.get("parameters").get("day").asText()).isEqualTo("2026-11-30");
        assertThat(await(again.get("id").asText(), r -> r.status().isFinished()).status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(postJson("/api/runs/" + f.etlRunIds.get(0) + "/cancel", csrf, "").statusCode()).isEqualTo(404);

        // backfill three days of the daily schedule
        Instant day = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.DAYS);
        HttpResponse<String> backfill = postJson(base + "/backfill", csrf, "{\"from\": \"" + day.minus(Duration.ofDays(3))
                + "\", \"to\": \"" + day + "\", \"force\": true}");
        assertThat(backfill.statusCode()).as(backfill.body()).isEqualTo(201);
        assertThat(JSON.readTree(backfill.body()).get("runs")).hasSize(3);
        assertThat(postJson(base + "/backfill", csrf, "{\"from\": \"yesterday\"}").statusCode()).isEqualTo(400);
        assertThat(postJson(base + "/backfill", csrf, "[1]").statusCode()).isEqualTo(400);

        // pause and resume
        HttpResponse<String> paused = postJson(base + "/pause", csrf, "");
        assertThat(paused.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(paused.body()).get("paused").asBoolean()).isTrue();
        assertThat(page("/deployments/" + Fixture.DEPLOYMENT).select("#resume")).hasSize(1);
        assertThat(JSON.readTree(postJson(base + "/resume", csrf, "").body()).get("paused").asBoolean()).isFalse();
        // and the form's buttons
        HttpResponse<String> formPause = post("/deployments/" + Fixture.DEPLOYMENT + "/pause", csrf, Map.of());
        assertThat(formPause.statusCode()).isEqualTo(303);
        assertThat(f.worker.client().deployment(Fixture.DEPLOYMENT).orElseThrow().paused()).isTrue();
        assertThat(post("/deployments/" + Fixture.DEPLOYMENT + "/resume", csrf, Map.of()).statusCode()).isEqualTo(303);
        assertThat(f.worker.client().deployment(Fixture.DEPLOYMENT).orElseThrow().paused()).isFalse();
        HttpResponse<String> wrongRange = post("/deployments/" + Fixture.DEPLOYMENT + "/backfill", csrf,
                Map.of("from", "2026-11-10T00:00", "to", "2026-11-01T00:00"));
        assertThat(wrongRange.statusCode()).isEqualTo(422);
        assertThat(Jsoup.parse(wrongRange.body()).getElementById("backfill-error").text()).isNotBlank();
        assertThat(Jsoup.parse(wrongRange.body()).select("input[name=from]").attr("value")).isEqualTo("2026-11-10T00:00");
    }

    @Test
    void theWorkersPageShowsEachWorkerItsHeartbeatAndWhatItServesAndMarksStaleOnes() throws Exception {
        Document doc = page("/workers");
        Element row = doc.select("#workers tr.worker").stream().filter(tr -> tr.text().contains("fixture-worker"))
                .findFirst().orElseThrow();
        assertThat(row.text()).contains(Fixture.DEPLOYMENT).contains(Long.toString(ProcessHandle.current().pid())).contains("alive");
        assertThat(row.hasClass("stale")).isFalse();
        JsonNode api = json("/api/workers");
        JsonNode w = api.get("workers").get(0);
        assertThat(w.get("name").asText()).isEqualTo("fixture-worker");
        assertThat(w.get("stale").asBoolean()).isFalse();
        assertThat(w.get("deployments").toString()).contains(Fixture.DEPLOYMENT);
        // an hour later, without a heartbeat since: stale
        try (SluiceServer later = SluiceServer.start(ServerOptions.builder().port(0).printUrl(false)
                .history(f.history, f.database).blockStore(f.blocks)
                .clock(Clock.offset(Clock.system(ZoneOffset.UTC), Duration.ofHours(1))).build())) {
            Document stale = Jsoup.parse(Fixture.send(browser, HttpRequest.newBuilder(later.url().resolve("/workers"))).body());
            assertThat(stale.select("#workers tr.worker.stale").text()).contains("fixture-worker").contains("stale");
        }
    }

    @Test
    void hostileDeploymentNamesDescriptionsAndParameterValuesAreTextNeverMarkup() throws Exception {
        String path = "/deployments/" + enc(Fixture.HOSTILE_DEPLOYMENT);
        for (String p : List.of("/deployments", path, "/workers")) {
            Document doc = page(p);
            assertThat(doc.select("script:not([src])")).as(p).isEmpty();
            assertThat(doc.select("[onerror], [onload], svg, img:not(.chart)")).as(p).isEmpty();
        }
        Document doc = page(path);
        assertThat(doc.getElementById("deployment-name").text()).contains(Fixture.HOSTILE_DEPLOYMENT);
        assertThat(doc.select("dl.facts").text()).contains("<script>alert('description')</script>");
        assertThat(doc.selectFirst("input[name=p.note]").attr("value")).isEqualTo(Fixture.HOSTILE_DEFAULT);
        String csrf = doc.select("meta[name=csrf-token]").attr("content");
        HttpResponse<String> ok = post(path + "/run", csrf, Map.of("p.note", "<b>bold</b>"));
        assertThat(ok.statusCode()).isEqualTo(303);
        String id = ok.headers().firstValue("Location").orElseThrow().replaceAll(".*triggered=([^#&]+).*", "$1");
        assertThat(await(id, r -> r.status().isFinished()).status()).isEqualTo(RunStatus.COMPLETED);
        Document after = page(path);
        assertThat(after.select("#deployment-runs b")).isEmpty();
        assertThat(after.getElementById("dr-" + id).text()).contains("<b>bold</b>");
    }
}
