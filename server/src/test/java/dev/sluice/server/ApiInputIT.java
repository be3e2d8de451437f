package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Wrong input to the JSON API, as a new user sends it: a documented 4xx with a JSON error, never a 500. */
class ApiInputIT {
    static final ObjectMapper JSON = new ObjectMapper();
    final Fixture f = Fixture.shared();

    HttpResponse<String> post(String path, String body) {
        return f.send(HttpRequest.newBuilder(f.uri(path)).POST(HttpRequest.BodyPublishers.ofString(body)),
                "Content-Type", "application/json");
    }

    static void assertClientError(HttpResponse<String> r, int status, String what) throws Exception {
        assertThat(r.statusCode()).as(what + ": " + r.body()).isEqualTo(status);
        JsonNode e = JSON.readTree(r.body());
        assertThat(e.get("status").asInt()).as(what).isEqualTo(status);
        assertThat(e.get("message").asText()).as(what).isNotBlank().doesNotContain("something went wrong");
    }

    @Test
    void aBackfillWithTimesFarOutOfRangeIs400AndAFilterWithThemNeverA500() throws Exception {
        for (String[] range : List.of(new String[] {"+999999999-01-01T00:00:00Z", "+1000000000-01-03T00:00:00Z"},
                new String[] {"-999999999-01-01T00:00:00Z", "-999999998-01-01T00:00:00Z"},
                new String[] {"+999999999-12-31T00:00:00Z", "+999999999-12-31T23:59:59Z"},
                new String[] {"+999999999-12-31T00:00", "+999999999-12-31T23:59"})) {
            String body = "{\"from\": \"" + range[0] + "\", \"to\": \"" + range[1] + "\"}";
            HttpResponse<String> r = post("/api/deployments/" + Fixture.DEPLOYMENT + "/backfill", body);
            assertClientError(r, 400, body);
            assertThat(JSON.readTree(r.body()).get("message").asText()).as(body).containsAnyOf("from", "to");
        }
        HttpResponse<String> form = f.send(HttpRequest.newBuilder(f.uri("/deployments/" + Fixture.DEPLOYMENT + "/backfill"))
                .POST(HttpRequest.BodyPublishers.ofString("from=%2B999999999-01-01T00:00&to=%2B999999999-12-31T00:00")),
                "Content-Type", "application/x-www-form-urlencoded");
        assertThat(form.statusCode()).as(form.body()).isEqualTo(422);
        assertThat(form.body()).contains("years 0001 to 9999");
        for (String q : List.of("from=%2B999999999-01-01T00:00:00Z", "to=-999999999-01-01T00:00:00Z",
                "from=-999999999-01-01T00:00:00Z&to=%2B999999999-12-31T23:59:59Z")) {
            for (String path : List.of("/api/runs?" + q, "/api/activity?window=24h&" + q, "/api/activity?window=7d&" + q)) {
                HttpResponse<String> r = f.get(path);
                assertThat(r.statusCode()).as(path + ": " + r.body()).isIn(200, 400);
                assertThat(JSON.readTree(r.body()).isObject()).isTrue();
            }
        }
    }

    @Test
    void aBackfillTimeSentAsAListANumberOrAnObjectIs400SayingItMustBeText() throws Exception {
        String to = "\"to\": \"2026-01-02T00:00:00Z\"";
        for (String from : List.of("[\"2026-01-01T00:00:00Z\"]", "{\"at\": \"2026-01-01T00:00:00Z\"}", "20260101", "true")) {
            String body = "{\"from\": " + from + ", " + to + "}";
            HttpResponse<String> r = post("/api/deployments/" + Fixture.DEPLOYMENT + "/backfill", body);
            assertClientError(r, 400, body);
            // it was given: "from is required" (a list or an object read as left out) sent the user looking elsewhere
            assertThat(JSON.readTree(r.body()).get("message").asText()).as(body).startsWith("from must be a text (a JSON string)")
                    .doesNotContain("required");
        }
        HttpResponse<String> r = post("/api/deployments/" + Fixture.DEPLOYMENT + "/backfill",
                "{\"from\": \"2026-01-01T00:00:00Z\", \"to\": [1]}");
        assertClientError(r, 400, "to as a list");
        assertThat(JSON.readTree(r.body()).get("message").asText()).startsWith("to must be a text (a JSON string)");
    }

    @Test
    void aBodyThatIsNotJsonIsA400SayingWhereAndWhy() throws Exception {
        String trigger = "/api/deployments/" + Fixture.DEPLOYMENT + "/runs";
        for (String[] c : List.of(new String[] {"{\"parameters\": {\"day\": \"2026-01-31\"}", "line 1, column 37", "end-of-input"},
                new String[] {"{\"parameters\":\n  {day: 1}}", "line 2, column 4", "Unexpected character"},
                new String[] {"parameters=1", "line 1, column 11", "Unrecognized token 'parameters'"})) {
            HttpResponse<String> r = post(trigger, c[0]);
            assertClientError(r, 400, c[0]);
            // it said only that the body must be JSON: a script's author had to find the stray brace alone
            assertThat(JSON.readTree(r.body()).get("message").asText()).as(c[0]).startsWith("the body is not valid JSON at " + c[1])
                    .contains(c[2]).contains("send JSON like {\"parameters\"").doesNotContain("Source");
        }
    }

    @Test
    void theApiRootIsAJson404LikeAnyOtherUnknownApiPath() throws Exception {
        for (String path : List.of("/api", "/api/", "/api?x=1", "/api/nothing")) {
            HttpResponse<String> r = f.get(path);
            // /api was the HTML error page while /api/ was JSON
            assertThat(r.headers().firstValue("Content-Type")).as(path).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
            assertClientError(r, 404, path);
        }
        HttpResponse<String> put = f.send(HttpRequest.newBuilder(f.uri("/api")).method("PUT", HttpRequest.BodyPublishers.noBody()));
        assertThat(put.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertClientError(put, 404, "PUT /api");
    }

    @Test
    void aWrongMethodOnAPathWithATrailingSlashIs405NamingTheMethodsItTakes() throws Exception {
        for (String[] c : List.of(new String[] {"DELETE", "/api/keys/", "GET, HEAD, POST"}, new String[] {"PUT", "/api/runs/", "GET, HEAD"},
                new String[] {"DELETE", "/api/deployments/" + Fixture.DEPLOYMENT + "/pause/", "POST"})) {
            HttpResponse<String> r = f.send(HttpRequest.newBuilder(f.uri(c[1])).method(c[0], HttpRequest.BodyPublishers.noBody()));
            assertClientError(r, 405, c[0] + " " + c[1]);
            assertThat(r.headers().firstValue("Allow")).as(c[0] + " " + c[1]).contains(c[2]);
            assertThat(JSON.readTree(r.body()).get("message").asText()).endsWith(c[2] + " is");
        }
    }

    @Test
    void aRouteThatTakesNoBodyRefusesAFieldOrABodyThatIsNotJsonButTakesAnEmptyObject() throws Exception {
        String done = f.deploymentRun.id();
        for (String path : List.of("/api/deployments/" + Fixture.DEPLOYMENT + "/pause", "/api/deployments/" + Fixture.DEPLOYMENT + "/resume",
                "/api/deployment-runs/" + done + "/cancel", "/api/deployment-runs/" + done + "/retry",
                "/api/runs/" + f.deploymentRun.flowRunId() + "/cancel", "/api/runs/" + f.deploymentRun.flowRunId() + "/retry")) {
            HttpResponse<String> r = post(path, "{\"parameters\": {\"city\": \"Oslo\"}}");
            assertClientError(r, 400, path);
            assertThat(JSON.readTree(r.body()).get("message").asText()).as(path).contains("'parameters'");
            assertClientError(post(path, "not json"), 400, path + " not json");
        }
        assertThat(post("/api/deployments/" + Fixture.DEPLOYMENT + "/resume", "{}").statusCode()).isEqualTo(200);
        assertThat(f.send(HttpRequest.newBuilder(f.uri("/api/deployments/" + Fixture.DEPLOYMENT + "/resume"))
                .POST(HttpRequest.BodyPublishers.noBody())).statusCode()).isEqualTo(200);
        assertThat(post("/api/deployment-runs/" + done + "/cancel", "{}").statusCode()).isEqualTo(409);
    }
}
