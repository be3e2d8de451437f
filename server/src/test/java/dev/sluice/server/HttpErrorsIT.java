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

    /** A multipart body of {@code size} bytes: the form's fields, then a file part, as {@code curl -F} sends it. */
    static HttpRequest.BodyPublisher multipart(String boundary, String csrf, int size) {
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n" + csrf + "\r\n--" + boundary
                + "\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nnot-a-key\r\n--" + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n";
        String tail = "\r\n--" + boundary + "--\r\n";
        byte[] body = new byte[size];
        byte[] h = head.getBytes(StandardCharsets.UTF_8);
        byte[] t = tail.getBytes(StandardCharsets.UTF_8);
        java.util.Arrays.fill(body, (byte) 'z');
        System.arraycopy(h, 0, body, 0, h.length);
        System.arraycopy(t, 0, body, size - t.length, t.length);
        return HttpRequest.BodyPublishers.ofByteArray(body);
    }

    @Test
    void aMultipartBodyOverTheLimitIs413AsAnyOtherBodyIs() throws Exception {
        // a multipart form is read by the CSRF check (its _csrf field) before any key is looked at: without a limit of
        // its own, anyone who can reach the login form could make the server take (and spool to disk) any amount
        Browser b = browser();
        String boundary = "sluice-test-boundary";
        for (String csrf : java.util.List.of(b.csrf(), "no-such-token-0123456789")) {
            HttpResponse<String> r = Fixture.send(b.http(), HttpRequest.newBuilder(f.uri("/login"))
                    .POST(multipart(boundary, csrf, 3_000_000)), "Content-Type", "multipart/form-data; boundary=" + boundary);
            assertThat(r.statusCode()).as("csrf " + csrf).isEqualTo(413);
            assertThat(Jsoup.parse(r.body()).text()).contains("larger than the server takes");
        }
        // sent without a length (chunked), the parts' own limit stops it
        byte[] chunked = new byte[3_000_000];
        multipart(boundary, b.csrf(), chunked.length).subscribe(new java.util.concurrent.Flow.Subscriber<>() {
            int at;

            @Override
            public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(java.nio.ByteBuffer item) {
                int n = item.remaining();
                item.get(chunked, at, n);
                at += n;
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onComplete() {
            }
        });
        HttpResponse<String> streamed = Fixture.send(b.http(), HttpRequest.newBuilder(f.uri("/login"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(chunked))),
                "Content-Type", "multipart/form-data; boundary=" + boundary);
        assertThat(streamed.statusCode()).isEqualTo(413);
        // a multipart body that is not one is the client's mistake
        HttpResponse<String> broken = Fixture.send(b.http(), HttpRequest.newBuilder(f.uri("/login"))
                .POST(HttpRequest.BodyPublishers.ofString("--other\r\nnot a part")),
                "Content-Type", "multipart/form-data; boundary=" + boundary);
        assertThat(broken.statusCode()).isEqualTo(400);
        // a small multipart form still works as a form: the login is refused for its key, not for its shape
        HttpResponse<String> small = Fixture.send(b.http(), HttpRequest.newBuilder(f.uri("/login"))
                .POST(multipart(boundary, b.csrf(), 2_000)), "Content-Type", "multipart/form-data; boundary=" + boundary);
        assertThat(small.statusCode()).isEqualTo(401);
    }

    @Test
    void aJsonBodyWithAnythingAfterItsObjectOrAFieldOfTheWrongTypeIs400(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        // a server of its own: a key made by mistake would close the shared open server to the other tests
        dev.sluice.history.HistoryDatabase database = dev.sluice.history.HistoryDatabase.sqlite(dir.resolve("sluice.db"));
        try (SluiceServer server = SluiceServer.start(ServerOptions.builder().database(database).port(0).printUrl(false)
                .blockStore(dev.sluice.block.BlockStore.inMemory()).build())) {
            for (String body : java.util.List.of("{\"name\": \"trailing\", \"role\": \"viewer\"} {\"role\": \"admin\"}",
                    "{\"name\": \"trailing2\", \"role\": \"viewer\"} junk", "{\"name\": 12, \"role\": \"viewer\"}",
                    "{\"name\": \"typed\", \"role\": [\"viewer\"]}", "{\"name\": true, \"role\": \"viewer\"}",
                    "{\"name\": \"twice\", \"role\": \"viewer\", \"role\": \"admin\"}")) {
                HttpResponse<String> r = f.send(HttpRequest.newBuilder(server.url().resolve("/api/keys"))
                        .POST(HttpRequest.BodyPublishers.ofString(body)), "Content-Type", "application/json");
                assertThat(r.statusCode()).as(body).isEqualTo(400);
                assertThat(JSON.readTree(r.body()).get("status").asInt()).as(body).isEqualTo(400);
            }
            assertThat(server.apiKeys().list()).isEmpty();
            HttpResponse<String> ok = f.send(HttpRequest.newBuilder(server.url().resolve("/api/keys"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"ci\", \"role\": \"viewer\"}\n")),
                    "Content-Type", "application/json");
            assertThat(ok.statusCode()).isEqualTo(201);
        }
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
