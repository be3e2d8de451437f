package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.block.BlockStore;
import dev.sluice.history.HistoryDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.CookieManager;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DNS rebinding and cross-site requests: a page whose name resolves to 127.0.0.1 reaches the server with its
 * own name in {@code Host}, which the JDK's client will not send, so these requests go over a plain socket.
 */
class HostGuardIT {
    @TempDir
    Path dir;

    record Answer(int status, String head, String body) {
    }

    /** One HTTP/1.1 request over a socket, with the headers as given (Host included). */
    static Answer raw(SluiceServer server, String method, String path, String body, String... headers) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(20_000);
            StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
            for (int i = 0; i + 1 < headers.length; i += 2) {
                req.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
            }
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            req.append("Content-Length: ").append(b.length).append("\r\nConnection: close\r\n\r\n");
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.UTF_8));
            out.write(b);
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            int split = text.indexOf("\r\n\r\n");
            String head = split < 0 ? text : text.substring(0, split);
            return new Answer(Integer.parseInt(head.split(" ", 3)[1]), head, split < 0 ? "" : text.substring(split + 4));
        }
    }

    SluiceServer start(ServerOptions.Builder options) {
        return SluiceServer.start(options.database(HistoryDatabase.sqlite(dir.resolve("h.db"))).port(0).printUrl(false)
                .blockStore(BlockStore.inMemory()).build());
    }

    @Test
    void withoutKeysAPageOfAnotherNameThatResolvesToLoopbackGetsNoAdminRights() throws Exception {
        try (SluiceServer server = start(ServerOptions.builder())) {
            String port = Integer.toString(server.port());
            Answer rebound = raw(server, "GET", "/api/me", "", "Host", "attacker.example:" + port);
            assertThat(rebound.status()).isEqualTo(403);
            assertThat(rebound.body()).contains("does not answer to the host 'attacker.example:" + port + "'")
                    .contains("DNS rebinding").contains("--allowed-host").doesNotContain("admin\"");
            assertThat(raw(server, "GET", "/keys", "", "Host", "attacker.example:" + port).status()).isEqualTo(403);
            assertThat(raw(server, "GET", "/login", "", "Host", "attacker.example").status()).isEqualTo(403);
            assertThat(raw(server, "GET", "/api/me", "").status()).as("no Host at all").isIn(400, 403);

            // the attacker's page carries the cookie and the CSRF token it read from a page of its own origin
            HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
            var keysPage = AuthIT.get(browser, server.url().resolve("/keys"));
            String csrf = Jsoup.parse(keysPage.body()).select("meta[name=csrf-token]").attr("content");
            String cookie = keysPage.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("sluice_csrf="))
                    .map(c -> c.substring(0, c.indexOf(';'))).findFirst().orElseThrow();
            Answer create = raw(server, "POST", "/api/keys", "{\"name\":\"evil\",\"role\":\"admin\"}",
                    "Host", "attacker.example:" + port, "Content-Type", "application/json", "Cookie", cookie,
                    "X-CSRF-Token", csrf, "Origin", "http://attacker.example:" + port);
            assertThat(create.status()).isEqualTo(403);
            assertThat(server.apiKeys().anyActive()).as("no key was made").isFalse();

            // the names of this machine, with the server's port or none, are answered
            for (String host : new String[] {"127.0.0.1:" + port, "localhost:" + port, "LOCALHOST:" + port, "[::1]:" + port,
                    "localhost"}) {
                Answer ok = raw(server, "GET", "/api/me", "", "Host", host);
                assertThat(ok.status()).as(host).isEqualTo(200);
                assertThat(ok.body()).contains("\"role\":\"admin\"");
            }
            assertThat(raw(server, "GET", "/api/me", "", "Host", "127.0.0.1:1").status()).as("another port").isEqualTo(403);
            assertThat(raw(server, "GET", "/api/me", "", "Host", "127.0.0.1.attacker.example:" + port).status()).isEqualTo(403);
        }
    }

    @Test
    void aStateChangingRequestFromAnotherOriginIsRefusedEvenWithTheCsrfToken() throws Exception {
        try (SluiceServer server = start(ServerOptions.builder())) {
            String port = Integer.toString(server.port());
            HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
            String csrf = Jsoup.parse(AuthIT.get(browser, server.url().resolve("/keys")).body())
                    .select("meta[name=csrf-token]").attr("content");
            Map<String, String> form = Map.of("name", "bob", "role", "viewer", "_csrf", csrf);
            assertThat(AuthIT.postForm(browser, server.url().resolve("/keys"), form, "Origin", "http://evil.example")
                    .statusCode()).isEqualTo(403);
            assertThat(AuthIT.postForm(browser, server.url().resolve("/keys"), form, "Origin", "null").statusCode())
                    .isEqualTo(403);
            var crossSite = AuthIT.postForm(browser, server.url().resolve("/keys"), form, "Sec-Fetch-Site", "cross-site");
            assertThat(crossSite.statusCode()).isEqualTo(403);
            assertThat(crossSite.body()).contains("another site");
            assertThat(AuthIT.postForm(browser, server.url().resolve("/keys"), form, "Sec-Fetch-Site", "same-site")
                    .statusCode()).as("another port of localhost is the same site, not the same origin").isEqualTo(403);
            assertThat(server.apiKeys().anyActive()).isFalse();
            // the server's own page posting, as a browser sends it
            assertThat(AuthIT.postForm(browser, server.url().resolve("/keys"), form, "Origin", "http://127.0.0.1:" + port,
                    "Sec-Fetch-Site", "same-origin").statusCode()).isEqualTo(200);
            assertThat(server.apiKeys().anyActive()).isTrue();
        }
    }

    @Test
    void withoutKeysOnlyRequestsNamingThisMachineAreLetInNotThoseThroughAnAllowedProxyName() throws Exception {
        // "Without any key, the server lets anyone on its own machine in (as admin)": a request naming a proxy's host
        // (allowedHosts) came through that proxy, from wherever the proxy is reached; letting it in as admin let anyone
        // who reaches the proxy make keys and lock the owner out
        try (SluiceServer server = start(ServerOptions.builder().allowedHosts("dash.example.com"))) {
            assertThat(raw(server, "GET", "/api/me", "", "Host", "127.0.0.1:" + server.port()).status())
                    .as("this machine, by its address").isEqualTo(200);
            assertThat(raw(server, "GET", "/api/me", "", "Host", "localhost").status()).as("this machine, by name")
                    .isEqualTo(200);
            assertThat(raw(server, "GET", "/api/me", "", "Host", "dash.example.com").status()).as("through the proxy")
                    .isEqualTo(401);
            assertThat(raw(server, "POST", "/api/keys", "{\"name\": \"mine\", \"role\": \"admin\"}", "Host", "dash.example.com",
                    "Content-Type", "application/json").status()).as("no key made through the proxy").isEqualTo(401);
            assertThat(raw(server, "GET", "/runs", "", "Host", "dash.example.com").status()).as("the dashboard asks to log in")
                    .isEqualTo(303);
            assertThat(server.apiKeys().anyActive()).isFalse();
        }
    }

    @Test
    void aProxysHostNameIsAnsweredOnceAllowed() throws Exception {
        try (SluiceServer server = start(ServerOptions.builder().allowedHosts("sluice.example.com", "::1"))) {
            String key = server.apiKeys().create("proxied", Role.VIEWER).token().reveal();
            assertThat(raw(server, "GET", "/api/me", "", "Host", "sluice.example.com", "Authorization", "Bearer " + key).status())
                    .isEqualTo(200);
            assertThat(raw(server, "GET", "/api/me", "", "Host", "Sluice.Example.com:443", "Authorization", "Bearer " + key)
                    .status()).isEqualTo(200);
            assertThat(raw(server, "GET", "/api/me", "", "Host", "other.example.com", "Authorization", "Bearer " + key).status())
                    .isEqualTo(403);
            server.apiKeys().revoke("proxied");
            int port = server.port();
            server.close();
            assertThat(server.port()).as("the port it had, after close()").isEqualTo(port).isPositive();
            try (SluiceServer second = start(ServerOptions.builder())) {
                assertThatThrownBy(() -> SluiceServer.start(ServerOptions.builder().port(second.port()).printUrl(false)
                        .database(HistoryDatabase.sqlite(dir.resolve("h.db"))).blockStore(BlockStore.inMemory()).build()))
                        .isInstanceOf(ServerException.class).hasMessageContaining("the port is in use")
                        .hasMessageEndingWith("choose another port").hasCauseInstanceOf(java.net.BindException.class);
            }
        }
        assertThatThrownBy(() -> ServerOptions.builder().allowedHosts("https://x.example")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("allowedHosts must be host names");
        assertThatThrownBy(() -> ServerOptions.builder().allowedHosts("x.example:8080")).hasMessageContaining("without a port");
        assertThat(ServerOptions.builder().allowedHosts("a.example", "::1").build().allowedHosts()).containsExactly("a.example", "[::1]");
    }
}
