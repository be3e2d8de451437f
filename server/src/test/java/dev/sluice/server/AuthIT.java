package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.block.BlockStore;
import dev.sluice.history.HistoryDatabase;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** API keys and roles, sessions, CSRF, the login rate limit and the loopback rule, over HTTP. */
class AuthIT {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    SluiceServer start(HistoryDatabase db, ServerOptions.Builder options) {
        return SluiceServer.start(options.database(db).port(0).printUrl(false).blockStore(BlockStore.inMemory()).build());
    }

    static HttpResponse<String> get(HttpClient client, URI uri, String... headers) {
        return Fixture.send(client, HttpRequest.newBuilder(uri).GET(), headers);
    }

    static HttpResponse<String> postForm(HttpClient client, URI uri, Map<String, String> form, String... headers) {
        String body = form.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        String[] all = new String[headers.length + 2];
        all[0] = "Content-Type";
        all[1] = "application/x-www-form-urlencoded";
        System.arraycopy(headers, 0, all, 2, headers.length);
        return Fixture.send(client, HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body)), all);
    }

    @Test
    void everyRouteNeedsAKeyWithTheRightRoleOnceAKeyExists() throws Exception {
        HistoryDatabase db = HistoryDatabase.sqlite(dir.resolve("keys.db"));
        String admin;
        String operator;
        String viewer;
        try (ApiKeys keys = ApiKeys.open(db)) {
            admin = keys.create("admin-1", Role.ADMIN).token().reveal();
            operator = keys.create("ops", Role.OPERATOR).token().reveal();
            viewer = keys.create("viewer.bob", Role.VIEWER).token().reveal();
            assertThatThrownBy(() -> keys.create("ops", Role.VIEWER)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("already named 'ops'");
            assertThatThrownBy(() -> keys.create("no spaces", Role.VIEWER)).hasMessageContaining("key name must be");
        }
        // only hashes are stored
        try (Connection c = DriverManager.getConnection(db.url()); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select * from sluice_api_keys")) {
            int n = 0;
            while (rs.next()) {
                n++;
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    String v = String.valueOf(rs.getObject(i));
                    assertThat(v).doesNotContain(admin).doesNotContain(operator).doesNotContain(viewer);
                    assertThat(v).doesNotContain(admin.substring(20)).doesNotContain(viewer.substring(20));
                }
            }
            assertThat(n).isEqualTo(3);
        }
        HttpClient http = HttpClient.newHttpClient();
        try (SluiceServer server = start(db, ServerOptions.builder())) {
            URI base = server.url();
            HttpResponse<String> none = get(http, base.resolve("/api/runs"));
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
            assertThat(get(http, base.resolve("/api/runs"), "Authorization", "Bearer sluice_000000000000_"
                    + "x".repeat(43)).statusCode()).isEqualTo(401);
            assertThat(get(http, base.resolve("/api/runs"), "Authorization", "Basic abc").statusCode()).isEqualTo(401);
            HttpResponse<String> page = get(http, base.resolve("/runs?state=FAILED"));
            assertThat(page.statusCode()).isEqualTo(303);
            assertThat(page.headers().firstValue("Location")).hasValue("/login?next=%2Fruns%3Fstate%3DFAILED");

            Map<String, Integer> expected = Map.of(viewer, 403, operator, 403, admin, 200);
            for (String apiRoute : List.of("/api/runs", "/api/blocks", "/api/activity", "/api/me", "/runs", "/blocks")) {
                for (String key : List.of(viewer, operator, admin)) {
                    assertThat(get(http, base.resolve(apiRoute), "Authorization", "Bearer " + key).statusCode())
                            .as(apiRoute).isEqualTo(200);
                }
            }
            for (String adminRoute : List.of("/api/keys", "/keys")) {
                for (var e : expected.entrySet()) {
                    HttpResponse<String> r = get(http, base.resolve(adminRoute), "Authorization", "Bearer " + e.getKey());
                    assertThat(r.statusCode()).as(adminRoute).isEqualTo(e.getValue());
                }
            }
            HttpResponse<String> forbidden = get(http, base.resolve("/api/keys"), "Authorization", "Bearer " + viewer);
            assertThat(JSON.readTree(forbidden.body()).get("message").asText()).contains("needs the admin role")
                    .contains("viewer.bob");
            JsonNode me = JSON.readTree(get(http, base.resolve("/api/me"), "Authorization", "Bearer " + operator).body());
            assertThat(me.get("role").asText()).isEqualTo("operator");

            // keys through the API: create, use, revoke
            HttpResponse<String> created = Fixture.send(http, HttpRequest.newBuilder(base.resolve("/api/keys"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"ci\",\"role\":\"viewer\"}")),
                    "Authorization", "Bearer " + admin, "Content-Type", "application/json");
            assertThat(created.statusCode()).isEqualTo(201);
            JsonNode ck = JSON.readTree(created.body());
            String ci = ck.get("token").asText();
            assertThat(ck.get("key").get("role").asText()).as("roles by their lower-case id, as in /api/me").isEqualTo("viewer");
            JsonNode listed = JSON.readTree(get(http, base.resolve("/api/keys"), "Authorization", "Bearer " + admin).body());
            assertThat(listed.get("keys")).extracting(k -> k.get("role").asText()).contains("admin", "operator", "viewer")
                    .doesNotContain("ADMIN");
            // every answer to a route carries Server-Timing, refusals and errors too; the API is never cached
            for (HttpResponse<String> r : List.of(forbidden, none, get(http, base.resolve("/api/runs/no-such-run"),
                    "Authorization", "Bearer " + admin), get(http, base.resolve("/api/runs?limit=9999"), "Authorization",
                    "Bearer " + admin), get(http, base.resolve("/api/openapi.json"), "Authorization", "Bearer " + admin))) {
                assertThat(r.headers().firstValue("Server-Timing")).as(r.uri() + " " + r.statusCode())
                        .hasValueSatisfying(v -> assertThat(v).startsWith("app;dur="));
                assertThat(r.headers().firstValue("Cache-Control")).as(r.uri().toString()).hasValue("no-store");
            }
            HttpResponse<String> noAccept = get(http, base.resolve("/api/runs/no-such-run/logs/stream"), "Authorization",
                    "Bearer " + admin);
            assertThat(noAccept.statusCode()).as("a stream of events asked for without Accept: text/event-stream").isEqualTo(406);
            assertThat(JSON.readTree(noAccept.body()).get("message").asText()).contains("Accept: text/event-stream");
            assertThat(get(http, base.resolve("/api/runs"), "Authorization", "Bearer " + ci).statusCode()).isEqualTo(200);
            assertThat(Fixture.send(http, HttpRequest.newBuilder(base.resolve("/api/keys")).POST(
                    HttpRequest.BodyPublishers.ofString("{\"name\":\"x\",\"role\":\"admin\"}")), "Authorization", "Bearer " + ci,
                    "Content-Type", "application/json").statusCode()).isEqualTo(403);
            assertThat(Fixture.send(http, HttpRequest.newBuilder(base.resolve("/api/keys")).POST(
                    HttpRequest.BodyPublishers.ofString("{\"name\":\"x\",\"role\":\"boss\"}")), "Authorization", "Bearer " + admin,
                    "Content-Type", "application/json").statusCode()).isEqualTo(400);
            assertThat(Fixture.send(http, HttpRequest.newBuilder(base.resolve("/api/keys/" + ck.get("key").get("id").asText()))
                    .DELETE(), "Authorization", "Bearer " + admin).statusCode()).isEqualTo(204);
            assertThat(get(http, base.resolve("/api/runs"), "Authorization", "Bearer " + ci).statusCode()).isEqualTo(401);
            assertThat(server.apiKeys().list()).extracting(ApiKey::name).contains("ci");
            assertThat(server.apiKeys().list()).filteredOn(k -> k.name().equals("ci")).allMatch(k -> !k.isActive());
        }
    }

    @Test
    void deploymentAndWorkerRoutesLetViewersReadAndOnlyOperatorsChangeAnything() throws Exception {
        HistoryDatabase db = HistoryDatabase.sqlite(dir.resolve("deployment-keys.db"));
        String admin;
        String operator;
        String viewer;
        try (ApiKeys keys = ApiKeys.open(db)) {
            admin = keys.create("admin-1", Role.ADMIN).token().reveal();
            operator = keys.create("ops", Role.OPERATOR).token().reveal();
            viewer = keys.create("viewer.bob", Role.VIEWER).token().reveal();
        }
        HttpClient http = HttpClient.newHttpClient();
        try (SluiceServer server = start(db, ServerOptions.builder())) {
            URI base = server.url();
            for (String read : List.of("/deployments", "/workers", "/api/deployments", "/api/workers")) {
                assertThat(get(http, base.resolve(read)).statusCode()).as(read).isIn(401, 303);
                for (String key : List.of(viewer, operator, admin)) {
                    assertThat(get(http, base.resolve(read), "Authorization", "Bearer " + key).statusCode()).as(read).isEqualTo(200);
                }
            }
            assertThat(get(http, base.resolve("/api/deployments/nightly"), "Authorization", "Bearer " + viewer).statusCode())
                    .isEqualTo(404);
            List<String> changes = List.of("/api/deployments/nightly/runs", "/api/deployments/nightly/backfill",
                    "/api/deployments/nightly/pause", "/api/deployments/nightly/resume", "/api/deployment-runs/r1/cancel",
                    "/api/deployment-runs/r1/retry", "/api/runs/r1/cancel", "/api/runs/r1/retry");
            for (String change : changes) {
                java.util.function.Supplier<HttpRequest.Builder> post = () -> HttpRequest.newBuilder(base.resolve(change))
                        .POST(HttpRequest.BodyPublishers.ofString("{}"));
                assertThat(Fixture.send(http, post.get(), "Content-Type", "application/json").statusCode()).as(change).isEqualTo(401);
                HttpResponse<String> refused = Fixture.send(http, post.get(), "Authorization", "Bearer " + viewer,
                        "Content-Type", "application/json");
                assertThat(refused.statusCode()).as(change).isEqualTo(403);
                assertThat(JSON.readTree(refused.body()).get("message").asText()).contains("needs the operator role");
                // the operator passes the role check: the deployment or run is unknown here
                for (String key : List.of(operator, admin)) {
                    assertThat(Fixture.send(http, post.get(), "Authorization", "Bearer " + key, "Content-Type", "application/json")
                            .statusCode()).as(change).isEqualTo(404);
                }
            }
            // with a deployment served: the viewer reads its page without the operator's forms; the operator triggers it
            try (dev.sluice.scheduler.Worker worker = Fixture.startWorker(db)) {
                String page = "/deployments/" + Fixture.DEPLOYMENT;
                org.jsoup.nodes.Document asViewer = Jsoup.parse(get(http, base.resolve(page), "Authorization", "Bearer " + viewer).body());
                assertThat(asViewer.select("#deployment-name").text()).isEqualTo(Fixture.DEPLOYMENT);
                assertThat(asViewer.select("#run-form, #backfill-form, #pause, #resume")).isEmpty();
                org.jsoup.nodes.Document asOperator = Jsoup.parse(get(http, base.resolve(page), "Authorization", "Bearer " + operator)
                        .body());
                assertThat(asOperator.select("#run-form, #backfill-form, #pause")).hasSize(3);
                HttpResponse<String> triggered = Fixture.send(http, HttpRequest.newBuilder(base.resolve("/api" + page + "/runs"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"parameters\": {\"day\": \"2026-12-01\"}}")),
                        "Authorization", "Bearer " + operator, "Content-Type", "application/json");
                assertThat(triggered.statusCode()).as(triggered.body()).isEqualTo(201);
                String id = JSON.readTree(triggered.body()).get("id").asText();
                assertThat(worker.client().awaitFinished(id, java.time.Duration.ofSeconds(30))).isPresent();
                assertThat(Fixture.send(http, HttpRequest.newBuilder(base.resolve("/api/deployment-runs/" + id + "/retry"))
                        .POST(HttpRequest.BodyPublishers.noBody()), "Authorization", "Bearer " + viewer).statusCode()).isEqualTo(403);
            }
            for (String form : List.of("/deployments/nightly/run", "/deployments/nightly/backfill", "/deployments/nightly/pause",
                    "/deployments/nightly/resume", "/deployment-runs/r1/cancel", "/deployment-runs/r1/retry", "/runs/r1/cancel",
                    "/runs/r1/retry")) {
                assertThat(postForm(http, base.resolve(form), Map.of(), "Authorization", "Bearer " + viewer).statusCode())
                        .as(form).isEqualTo(403);
                assertThat(postForm(http, base.resolve(form), Map.of(), "Authorization", "Bearer " + operator).statusCode())
                        .as(form).isEqualTo(404);
            }
        }
    }

    @Test
    void aBrowserLogsInWithAKeyGetsAStrictHttpOnlyCookieAndNeedsTheCsrfTokenToChangeAnything() throws Exception {
        HistoryDatabase db = HistoryDatabase.sqlite(dir.resolve("login.db"));
        String admin;
        try (ApiKeys keys = ApiKeys.open(db)) {
            admin = keys.create("alice", Role.ADMIN).token().reveal();
        }
        try (SluiceServer server = start(db, ServerOptions.builder().loginAttemptsPerMinute(3))) {
            URI base = server.url();
            HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
            HttpResponse<String> form = get(browser, base.resolve("/login?next=/blocks"));
            assertThat(form.statusCode()).isEqualTo(200);
            assertThat(form.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c).startsWith("sluice_csrf=")
                    .contains("HttpOnly").contains("SameSite=Strict"));
            String csrf = Jsoup.parse(form.body()).select("input[name=_csrf]").val();
            assertThat(csrf).hasSizeGreaterThan(20);

            assertThat(postForm(browser, base.resolve("/login"), Map.of("key", admin, "next", "/blocks")).statusCode())
                    .as("no CSRF token").isEqualTo(403);
            HttpResponse<String> wrong = postForm(browser, base.resolve("/login"),
                    Map.of("key", "sluice_000000000000_" + "y".repeat(43), "_csrf", csrf, "next", "/blocks"));
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(Jsoup.parse(wrong.body()).select("#login-message").text()).contains("not valid");
            HttpResponse<String> ok = postForm(browser, base.resolve("/login"), Map.of("key", admin, "_csrf", csrf,
                    "next", "/blocks"));
            assertThat(ok.statusCode()).isEqualTo(303);
            assertThat(ok.headers().firstValue("Location")).hasValue("/blocks");
            assertThat(ok.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c).startsWith("sluice_session=")
                    .contains("HttpOnly").contains("SameSite=Strict").contains("Path=/"));
            assertThat(String.join(" ", ok.headers().allValues("Set-Cookie"))).doesNotContain(admin);

            HttpResponse<String> blocks = get(browser, base.resolve("/blocks"));
            assertThat(blocks.statusCode()).isEqualTo(200);
            assertThat(Jsoup.parse(blocks.body()).select("#user").text()).contains("alice").contains("admin");
            String sessionCsrf = Jsoup.parse(blocks.body()).select("meta[name=csrf-token]").attr("content");
            assertThat(sessionCsrf).isNotEqualTo(csrf);

            assertThat(postForm(browser, base.resolve("/keys"), Map.of("name", "bob", "role", "viewer")).statusCode())
                    .as("no CSRF token").isEqualTo(403);
            assertThat(postForm(browser, base.resolve("/keys"), Map.of("name", "bob", "role", "viewer", "_csrf", csrf))
                    .statusCode()).as("the token of before the login").isEqualTo(403);
            HttpResponse<String> made = postForm(browser, base.resolve("/keys"),
                    Map.of("name", "bob", "role", "viewer", "_csrf", sessionCsrf));
            assertThat(made.statusCode()).isEqualTo(200);
            assertThat(Jsoup.parse(made.body()).select("#new-token").text()).startsWith("sluice_");
            assertThat(Fixture.send(browser, HttpRequest.newBuilder(base.resolve("/api/keys")).POST(
                    HttpRequest.BodyPublishers.ofString("{\"name\":\"carol\",\"role\":\"viewer\"}")),
                    "Content-Type", "application/json", "X-CSRF-Token", sessionCsrf).statusCode()).isEqualTo(201);
            assertThat(Fixture.send(browser, HttpRequest.newBuilder(base.resolve("/api/keys")).POST(
                    HttpRequest.BodyPublishers.ofString("{\"name\":\"dave\",\"role\":\"viewer\"}")),
                    "Content-Type", "application/json").statusCode()).isEqualTo(403);

            HttpResponse<String> out = postForm(browser, base.resolve("/logout"), Map.of("_csrf", sessionCsrf));
            assertThat(out.statusCode()).isEqualTo(303);
            assertThat(get(browser, base.resolve("/blocks")).statusCode()).isEqualTo(303);

            // revoking the key ends its sessions
            HttpClient other = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
            String csrf3 = Jsoup.parse(get(other, base.resolve("/login")).body()).select("input[name=_csrf]").val();
            String bob = server.apiKeys().create("bob2", Role.VIEWER).token().reveal();
            assertThat(postForm(other, base.resolve("/login"), Map.of("key", bob, "_csrf", csrf3)).statusCode()).isEqualTo(303);
            assertThat(get(other, base.resolve("/runs")).statusCode()).isEqualTo(200);
            assertThat(get(other, base.resolve("/keys")).statusCode()).isEqualTo(403);
            assertThat(server.apiKeys().revoke("bob2")).isTrue();
            assertThat(get(other, base.resolve("/runs")).statusCode()).isEqualTo(303);
            // three failed logins a minute, then 429 even with the right key
            String csrf2 = Jsoup.parse(get(browser, base.resolve("/login")).body()).select("input[name=_csrf]").val();
            for (int i = 0; i < 3; i++) {
                assertThat(postForm(browser, base.resolve("/login"), Map.of("key", "wrong", "_csrf", csrf2)).statusCode())
                        .isEqualTo(401);
            }
            HttpResponse<String> limited = postForm(browser, base.resolve("/login"), Map.of("key", admin, "_csrf", csrf2));
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.headers().firstValue("Retry-After")).isPresent();

        }
    }

    @Test
    void withoutKeysTheServerIsOpenOnLoopbackOnlyAndRefusesAnyOtherAddress() throws Exception {
        HistoryDatabase db = HistoryDatabase.sqlite(dir.resolve("open.db"));
        assertThatThrownBy(() -> start(db, ServerOptions.builder().host("0.0.0.0")))
                .isInstanceOf(ServerException.class).hasMessageContaining("refusing to serve on 0.0.0.0 without API keys")
                .hasMessageContaining("'sluice api-keys create --role admin'"); // the command as it runs: --role is required
        HttpClient http = HttpClient.newHttpClient();
        try (SluiceServer server = start(db, ServerOptions.builder())) {
            assertThat(server.url().getHost()).isEqualTo("127.0.0.1");
            JsonNode me = JSON.readTree(get(http, server.url().resolve("/api/me")).body());
            assertThat(me.get("role").asText()).isEqualTo("admin");
            assertThat(me.get("open").asBoolean()).isTrue();
            // a state-changing request from a browser still needs the CSRF token, even with nobody to log in
            assertThat(Fixture.send(http, HttpRequest.newBuilder(server.url().resolve("/api/keys")).POST(
                    HttpRequest.BodyPublishers.ofString("{\"name\":\"first\",\"role\":\"admin\"}")),
                    "Content-Type", "application/json", "Sec-Fetch-Site", "same-origin").statusCode()).isEqualTo(403);
            assertThat(Fixture.send(http, HttpRequest.newBuilder(server.url().resolve("/api/keys")).POST(
                    HttpRequest.BodyPublishers.ofString("{\"name\":\"first\",\"role\":\"admin\"}")),
                    "Content-Type", "application/json", "Origin", server.url().toString().replaceAll("/$", "")).statusCode())
                    .isEqualTo(403);
            // a script or the sluice command on this machine (no browser's headers, no session) is let in, as the docs say
            assertThat(Fixture.send(http, HttpRequest.newBuilder(server.url().resolve("/api/keys")).POST(
                    HttpRequest.BodyPublishers.ofString("{\"name\":\"first\",\"role\":\"admin\"}")),
                    "Content-Type", "application/json").statusCode()).isEqualTo(201);
        }
        try (ApiKeys keys = ApiKeys.open(db)) {
            keys.list().forEach(k -> keys.revoke(k.id())); // back to no keys for what follows
        }
        try (SluiceServer server = start(db, ServerOptions.builder().requireApiKeys(true).secureCookies(true))) {
            assertThat(get(http, server.url().resolve("/api/me")).statusCode()).isEqualTo(401);
            assertThat(get(http, server.url().resolve("/login")).headers().allValues("Set-Cookie"))
                    .anySatisfy(c -> assertThat(c).startsWith("sluice_csrf=").contains("; Secure"));
        }
        String admin;
        try (ApiKeys keys = ApiKeys.open(db)) {
            admin = keys.create("root", Role.ADMIN).token().reveal();
        }
        try (SluiceServer server = start(db, ServerOptions.builder().host("0.0.0.0"))) {
            URI local = URI.create("http://127.0.0.1:" + server.port() + "/api/me");
            assertThat(get(http, local).statusCode()).isEqualTo(401);
            assertThat(get(http, local, "Authorization", "Bearer " + admin).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void afterLoginOnlyAPathOfThisServerIsFollowed() throws Exception {
        HistoryDatabase db = HistoryDatabase.sqlite(dir.resolve("next.db"));
        String admin;
        try (ApiKeys keys = ApiKeys.open(db)) {
            admin = keys.create("admin-next", Role.ADMIN).token().reveal();
        }
        try (SluiceServer server = start(db, ServerOptions.builder())) {
            Map<String, String> expected = new java.util.LinkedHashMap<>();
            expected.put("/\t/evil.example", "/");
            expected.put("/\n/evil.example", "/");
            expected.put("/\r\n/evil.example", "/");
            expected.put("//evil.example", "/");
            expected.put("/\\evil.example", "/");
            expected.put("/runs\\..\\evil", "/");
            expected.put("https://evil.example/", "/");
            expected.put("evil.example", "/");
            expected.put("/runs?state=FAILED&flow=etl", "/runs?state=FAILED&flow=etl");
            expected.put("/deployments/sales%2Freport", "/deployments/sales%2Freport");
            for (var e : expected.entrySet()) {
                HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
                HttpResponse<String> form = get(browser, server.url().resolve("/login?next=" + URLEncoder.encode(e.getKey(),
                        StandardCharsets.UTF_8)));
                assertThat(Jsoup.parse(form.body()).select("input[name=next]").val()).as(e.getKey()).isEqualTo(e.getValue());
                String csrf = Jsoup.parse(form.body()).select("input[name=_csrf]").val();
                HttpResponse<String> in = postForm(browser, server.url().resolve("/login"), Map.of("key", admin, "_csrf", csrf,
                        "next", e.getKey()));
                assertThat(in.statusCode()).isEqualTo(303);
                assertThat(in.headers().firstValue("Location")).as(e.getKey()).hasValue(e.getValue());
            }
        }
    }
}
