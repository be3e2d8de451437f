package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.history.HistoryDatabase;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A dashboard session ends after {@code sessionTimeout} without use, by the server's clock (no sleeping). */
class SessionClockIT {
    @TempDir
    Path dir;

    static final class MovableClock extends Clock {
        final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-01T10:00:00Z"));

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        void advance(Duration d) {
            now.updateAndGet(t -> t.plus(d));
        }
    }

    @Test
    void aSessionLastsItsTimeoutFromItsLastUseAndLoggingOutEndsItForTheCookieToo() throws Exception {
        HistoryDatabase db = HistoryDatabase.sqlite(dir.resolve("sessions.db"));
        String viewer;
        try (ApiKeys keys = ApiKeys.open(db)) {
            viewer = keys.create("carol", Role.VIEWER).token().reveal();
        }
        MovableClock clock = new MovableClock();
        try (SluiceServer server = SluiceServer.start(ServerOptions.builder().database(db).port(0).printUrl(false)
                .blockStore(dev.sluice.block.BlockStore.inMemory()).sessionTimeout(Duration.ofMinutes(30)).clock(clock).build())) {
            URI base = server.url();
            CookieManager cookies = new CookieManager();
            HttpClient browser = HttpClient.newBuilder().cookieHandler(cookies).build();
            String csrf = Jsoup.parse(AuthIT.get(browser, base.resolve("/login")).body()).select("input[name=_csrf]").val();
            HttpResponse<String> in = AuthIT.postForm(browser, base.resolve("/login"), Map.of("key", viewer, "_csrf", csrf));
            assertThat(in.statusCode()).isEqualTo(303);
            assertThat(in.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c).startsWith("sluice_session=")
                    .contains("HttpOnly").contains("SameSite=Strict").doesNotContain("Secure").doesNotContain(viewer));
            assertThat(AuthIT.get(browser, base.resolve("/api/me")).statusCode()).isEqualTo(200);

            clock.advance(Duration.ofMinutes(29));
            assertThat(AuthIT.get(browser, base.resolve("/runs")).statusCode()).as("used within the timeout").isEqualTo(200);
            clock.advance(Duration.ofMinutes(29));
            assertThat(AuthIT.get(browser, base.resolve("/api/me")).statusCode()).as("the timeout counts from the last use")
                    .isEqualTo(200);
            clock.advance(Duration.ofMinutes(31));
            HttpResponse<String> late = AuthIT.get(browser, base.resolve("/runs?state=FAILED"));
            assertThat(late.statusCode()).isEqualTo(303);
            assertThat(late.headers().firstValue("Location")).hasValue("/login?next=%2Fruns%3Fstate%3DFAILED");
            assertThat(AuthIT.get(browser, base.resolve("/api/me")).statusCode()).isEqualTo(401);

            // log in again, keep the session cookie, log out: the same cookie sent again is refused
            csrf = Jsoup.parse(AuthIT.get(browser, base.resolve("/login")).body()).select("input[name=_csrf]").val();
            assertThat(AuthIT.postForm(browser, base.resolve("/login"), Map.of("key", viewer, "_csrf", csrf)).statusCode())
                    .isEqualTo(303);
            String session = cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("sluice_session"))
                    .findFirst().orElseThrow().getValue();
            String sessionCsrf = Jsoup.parse(AuthIT.get(browser, base.resolve("/runs")).body()).select("meta[name=csrf-token]")
                    .attr("content");
            assertThat(AuthIT.postForm(browser, base.resolve("/logout"), Map.of("_csrf", sessionCsrf)).statusCode()).isEqualTo(303);
            HttpClient replay = HttpClient.newHttpClient();
            assertThat(AuthIT.get(replay, base.resolve("/api/me"), "Cookie", "sluice_session=" + session).statusCode())
                    .as("a logged-out session's cookie replayed").isEqualTo(401);
        }
        try (SluiceServer secure = SluiceServer.start(ServerOptions.builder().database(db).port(0).printUrl(false)
                .blockStore(dev.sluice.block.BlockStore.inMemory()).secureCookies(true).build())) {
            HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
            HttpResponse<String> form = AuthIT.get(browser, secure.url().resolve("/login"));
            assertThat(form.headers().allValues("Set-Cookie")).isNotEmpty()
                    .allSatisfy(c -> assertThat(c).contains("Secure").contains("HttpOnly").contains("SameSite=Strict"));
        }
    }

    @Test
    void aProxysBasicAuthorizationHeaderDoesNotHideTheSessionOrTheOpenServer() throws Exception {
        // nginx or Caddy with basic auth in front of the dashboard: the browser sends 'Authorization: Basic' on every request
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString("proxy-user:proxy-pass".getBytes());
        HistoryDatabase open = HistoryDatabase.sqlite(dir.resolve("open.db"));
        try (SluiceServer server = SluiceServer.start(ServerOptions.builder().database(open).port(0).printUrl(false)
                .blockStore(dev.sluice.block.BlockStore.inMemory()).build())) {
            HttpClient browser = HttpClient.newHttpClient();
            assertThat(AuthIT.get(browser, server.url().resolve("/runs"), "Authorization", basic).statusCode())
                    .as("a server without keys, behind a basic-auth proxy").isEqualTo(200);
        }
        HistoryDatabase db = HistoryDatabase.sqlite(dir.resolve("proxied.db"));
        String viewer;
        try (ApiKeys keys = ApiKeys.open(db)) {
            viewer = keys.create("dave", Role.VIEWER).token().reveal();
        }
        try (SluiceServer server = SluiceServer.start(ServerOptions.builder().database(db).port(0).printUrl(false)
                .blockStore(dev.sluice.block.BlockStore.inMemory()).build())) {
            URI base = server.url();
            HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
            String csrf = Jsoup.parse(AuthIT.get(browser, base.resolve("/login"), "Authorization", basic).body())
                    .select("input[name=_csrf]").val();
            HttpResponse<String> in = AuthIT.postForm(browser, base.resolve("/login"), Map.of("key", viewer, "_csrf", csrf),
                    "Authorization", basic);
            assertThat(in.statusCode()).isEqualTo(303);
            assertThat(AuthIT.get(browser, base.resolve("/runs"), "Authorization", basic).statusCode())
                    .as("the session, behind a basic-auth proxy").isEqualTo(200);
            assertThat(AuthIT.get(browser, base.resolve("/api/me"), "Authorization", basic).statusCode()).isEqualTo(200);
            assertThat(AuthIT.get(HttpClient.newHttpClient(), base.resolve("/api/me"), "Authorization", basic).statusCode())
                    .as("no session: still no way in").isEqualTo(401);
            assertThat(AuthIT.get(browser, base.resolve("/api/me"), "Authorization", "Bearer sluice_000000000000_" + "z".repeat(43))
                    .statusCode()).as("a wrong bearer key is refused, session or not").isEqualTo(401);
        }
    }
}
