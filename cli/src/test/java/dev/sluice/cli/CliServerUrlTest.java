package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.sluice.cli.CliTest.Result;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.server.ApiKeys;
import dev.sluice.server.Role;
import dev.sluice.server.ServerOptions;
import dev.sluice.server.SluiceServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where {@code --server} and {@code SLUICE_SERVER_URL} point, and what wins over them. */
class CliServerUrlTest {
    @TempDir
    Path home;

    static final List<List<String>> LISTS = List.of(List.of("runs", "ls"), List.of("runs", "ls", "--json"),
            List.of("deployments", "ls"), List.of("deployments", "ls", "--json"), List.of("blocks", "ls"), List.of("api-keys", "ls"));

    @Test
    void aServerThatIsNotSluiceIsUnreachableNotAnEmptyAnswer() throws Exception {
        HttpServer other = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        other.createContext("/", exchange -> {
            byte[] page = "<html><body>Not Found</body></html>".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html");
            exchange.sendResponseHeaders(404, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        other.start();
        try {
            String url = "http://127.0.0.1:" + other.getAddress().getPort();
            for (List<String> command : LISTS) {
                Result r = CliTest.run(home, Map.of(), false, "", withServer(command, url));
                assertThat(r.code()).as(command + ": " + r.all()).isEqualTo(SluiceCli.UNREACHABLE);
                assertThat(r.out()).as(command.toString()).isEmpty();
                assertThat(r.err()).as(command.toString()).contains("no Sluice server API at " + url, "--server");
            }
            Result show = CliTest.run(home, Map.of(), false, "", "runs", "show", "some-run", "--server", url);
            assertThat(show.code()).as(show.all()).isEqualTo(SluiceCli.UNREACHABLE);
        } finally {
            other.stop(0);
        }
    }

    /** A server answering every request with {@code status} and {@code body}. */
    static HttpServer answering(int status, String contentType, String body) throws java.io.IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] page = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(status, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        server.start();
        return server;
    }

    @Test
    void aProxyWhoseServerIsDownOrAnotherServiceIsUnreachableAndAnAnswerOfAnotherShapeIsSaidPlainly() throws Exception {
        for (int status : new int[] {502, 504}) { // a proxy that cannot reach the Sluice server behind it
            HttpServer proxy = answering(status, "text/html", "<html><body>Bad Gateway</body></html>");
            try {
                Result r = CliTest.run(home, Map.of(), false, "", "runs", "ls", "--server", "http://127.0.0.1:" + proxy.getAddress().getPort());
                assertThat(r.code()).as(r.all()).isEqualTo(SluiceCli.UNREACHABLE);
                assertThat(r.err()).contains("answered " + status);
            } finally {
                proxy.stop(0);
            }
        }
        HttpServer other = answering(200, "text/html", "<html><body>Welcome</body></html>");
        try {
            Result r = CliTest.run(home, Map.of(), false, "", "runs", "ls", "--server", "http://127.0.0.1:" + other.getAddress().getPort());
            assertThat(r.code()).as(r.all()).isEqualTo(SluiceCli.UNREACHABLE);
            assertThat(r.err()).contains("not JSON");
        } finally {
            other.stop(0);
        }
        HttpServer shape = answering(200, "application/json", "{}"); // JSON, but not a run
        try {
            String url = "http://127.0.0.1:" + shape.getAddress().getPort();
            for (String[] command : new String[][] {{"runs", "show", "abc"}, {"runs", "logs", "abc"}}) {
                Result r = CliTest.run(home, Map.of(), false, "", withServer(List.of(command), url));
                assertThat(r.code()).as(r.all()).isEqualTo(SluiceCli.FAILED);
                assertThat(r.err()).as(r.err()).contains("does not read").doesNotContain("unexpected");
            }
        } finally {
            shape.stop(0);
        }
    }

    @Test
    void aSluiceServerUnderAMistypedPathIsUnreachableNotAnEmptyAnswer() {
        HistoryDatabase db = HistoryDatabase.sqlite(home.resolve("sluice.db"));
        Histories.fill(home);
        String token;
        try (ApiKeys keys = ApiKeys.open(db)) {
            token = keys.create("admin", Role.ADMIN).token().reveal();
        }
        try (SluiceServer server = SluiceServer.start(ServerOptions.builder().port(0).database(db)
                .blockStore(dev.sluice.block.BlockStore.inMemory()).printUrl(false).build())) {
            String url = server.url().resolve("/sluice/").toString();
            for (List<String> command : LISTS) {
                Result r = CliTest.run(home, Map.of("SLUICE_API_KEY", token), false, "", withServer(command, url));
                assertThat(r.code()).as(command + ": " + r.all()).isEqualTo(SluiceCli.UNREACHABLE);
                assertThat(r.err()).as(command.toString()).contains("no Sluice server API at " + url);
            }
            Result right = CliTest.run(home, Map.of("SLUICE_API_KEY", token), false, "", withServer(List.of("runs", "ls"),
                    server.url().toString()));
            assertThat(right.code()).as(right.all()).isZero();
            assertThat(right.out().lines()).hasSize(5);
        }
    }

    @Test
    void databaseOnTheCommandLineWinsOverSluiceServerUrlInTheEnvironment() {
        Histories.fill(home);
        // a shell that exports SLUICE_SERVER_URL for every day, and one command asked of a database file
        Map<String, String> env = Map.of("SLUICE_SERVER_URL", "http://127.0.0.1:1/");
        Result r = CliTest.run(home, env, false, "", "runs", "ls", "--database", "jdbc:sqlite:" + home.resolve("sluice.db"));
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.out().lines()).hasSize(5);
        Result both = CliTest.run(home, Map.of(), false, "", "runs", "ls", "--server", "http://127.0.0.1:1/",
                "--database", "jdbc:sqlite:" + home.resolve("sluice.db"));
        assertThat(both.code()).isEqualTo(SluiceCli.USAGE);
        assertThat(both.err()).contains("--server", "--database");
    }

    @Test
    void aPasswordOrTokenInTheServerUrlIsRefusedWithoutBeingPrinted() {
        for (String url : List.of("http://admin:hunter2-not-real@127.0.0.1:1/", "http://127.0.0.1:1/?token=hunter2-not-real",
                "https://ops:hunter2-not-real@dash.example/sluice/", "http://ops:hunter2-not-real@dash example/",
                "ftp://ops:hunter2-not-real@dash.example/")) {
            for (Map<String, String> env : List.of(Map.<String, String>of(), Map.of("SLUICE_SERVER_URL", url))) {
                Result r = env.isEmpty() ? CliTest.run(home, env, false, "", "runs", "ls", "--server", url, "--verbose")
                        : CliTest.run(home, env, false, "", "runs", "ls", "--verbose");
                assertThat(r.code()).as(url + ": " + r.all()).isEqualTo(SluiceCli.USAGE);
                assertThat(r.all()).as(url).contains("--server").doesNotContain("hunter2");
            }
        }
    }

    static String[] withServer(List<String> command, String url) {
        String[] args = command.toArray(new String[command.size() + 2]);
        args[command.size()] = "--server";
        args[command.size() + 1] = url;
        return args;
    }
}
