package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.CookieManager;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.Test;

/** Answers to requests the routes do not take: too large, the wrong method, the wrong body. */
class HttpErrorsIT {
    static final ObjectMapper JSON = new ObjectMapper();
    final Fixture f = Fixture.shared();

    /** A client with cookies and the CSRF token of a page, as a browser of the dashboard has them. */
    record Browser(HttpClient http, String csrf) {
    }

    Browser browser() {
        HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        String csrf = Jsoup.parse(Fixture.send(http, HttpRequest.newBuilder(f.uri("/runs"))).body())
                .select("meta[name=csrf-token]").attr("content");
        return new Browser(http, csrf);
    }

    @Test
    void aBodyOverTheLimitIs413WithTheUsualErrorAndNoErrorInTheLog() throws Exception {
        String big = "key=" + "x".repeat(2_000_000);
        PrintStream before = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        HttpResponse<String> form;
        HttpResponse<String> api;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            form = f.send(HttpRequest.newBuilder(f.uri("/login")).POST(HttpRequest.BodyPublishers.ofString(big)),
                    "Content-Type", "application/x-www-form-urlencoded");
            Browser b = browser();
            api = Fixture.send(b.http(), HttpRequest.newBuilder(f.uri("/api/deployments/" + Fixture.DEPLOYMENT + "/runs"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"parameters\":{\"city\":\"" + "y".repeat(2_000_000) + "\"}}")),
                    "Content-Type", "application/json", "X-CSRF-Token", b.csrf());
        } finally {
            System.setErr(before);
        }
        assertThat(form.statusCode()).isEqualTo(413);
        assertThat(form.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(Jsoup.parse(form.body()).text()).contains("Content Too Large").contains("larger than the server takes");
        assertThat(api.statusCode()).isEqualTo(413);
        JsonNode error = JSON.readTree(api.body());
        assertThat(error.get("status").asInt()).isEqualTo(413);
        assertThat(error.get("message").asText()).contains("1 MB");
        assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("ERROR").doesNotContain("Exception");
    }

    @Test
    void aPathThatExistsUnderAnotherMethodIs405WithAllow() throws Exception {
        record Case(String method, String path, String allow) {
        }
        for (Case c : java.util.List.of(new Case("PUT", "/api/runs", "GET, HEAD"), new Case("POST", "/api/runs", "GET, HEAD"),
                new Case("DELETE", "/api/deployments/x", "GET, HEAD"), new Case("GET", "/api/keys/abc", "DELETE"),
                new Case("PUT", "/runs/abc", "GET, HEAD"))) {
            HttpResponse<String> r = f.send(HttpRequest.newBuilder(f.uri(c.path()))
                    .method(c.method(), HttpRequest.BodyPublishers.noBody()));
            assertThat(r.statusCode()).as(c.method() + " " + c.path()).isEqualTo(405);
            assertThat(r.headers().firstValue("Allow")).as(c.method() + " " + c.path()).hasValue(c.allow());
            if (c.path().startsWith("/api/")) {
                assertThat(JSON.readTree(r.body()).get("message").asText()).contains(c.method() + " is not allowed here");
            }
        }
        assertThat(f.send(HttpRequest.newBuilder(f.uri("/api/runs")).method("HEAD", HttpRequest.BodyPublishers.noBody()))
                .statusCode()).isEqualTo(200);
        assertThat(f.send(HttpRequest.newBuilder(f.uri("/api/no-such-thing")).method("PUT", HttpRequest.BodyPublishers.noBody()))
                .statusCode()).isEqualTo(404);
    }

    @Test
    void aBodyThatDoesNotSayItIsJsonIs415AndFiltersThatSayNothingClearAre400() throws Exception {
        Browser b = browser();
        HttpResponse<String> plain = Fixture.send(b.http(), HttpRequest.newBuilder(f.uri("/api/deployments/" + Fixture.DEPLOYMENT
                + "/runs")).POST(HttpRequest.BodyPublishers.ofString("{\"parameters\":{}}")),
                "Content-Type", "text/plain", "X-CSRF-Token", b.csrf());
        assertThat(plain.statusCode()).isEqualTo(415);
        assertThat(JSON.readTree(plain.body()).get("message").asText()).contains("application/json", "text/plain");
        for (String bad : java.util.List.of("/api/runs?top=yes", "/api/runs?range=1h&from=2026-01-01T00:00:00Z")) {
            HttpResponse<String> r = f.send(HttpRequest.newBuilder(f.uri(bad)));
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(JSON.readTree(r.body()).get("message").asText()).as(bad).containsAnyOf("top must be", "range and from/to");
        }
        assertThat(f.send(HttpRequest.newBuilder(f.uri("/api/runs?top=1"))).statusCode()).isEqualTo(200);
    }

    @Test
    void theAddressOfAFormAnsweredWithItsErrorsLeadsBackToTheDeployment() {
        // a rejected run form is answered at /deployments/x/run: Back or a reload there is a GET
        for (String form : java.util.List.of("run", "backfill")) {
            HttpResponse<String> r = f.send(HttpRequest.newBuilder(f.uri("/deployments/" + Fixture.DEPLOYMENT + "/" + form)));
            assertThat(r.statusCode()).as(form).isEqualTo(303);
            assertThat(r.headers().firstValue("Location")).as(form).hasValue("/deployments/" + Fixture.DEPLOYMENT);
        }
    }
}
