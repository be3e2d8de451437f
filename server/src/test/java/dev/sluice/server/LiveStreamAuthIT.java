package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Flow;
import dev.sluice.RunContext;
import dev.sluice.SluiceRuntime;
import dev.sluice.block.BlockStore;
import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.CookieManager;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A live log stream is the reading of a key or a session: it ends when the key is revoked or the session ends. */
class LiveStreamAuthIT {
    @TempDir
    Path dir;

    /** Reads {@code stream}'s events until it ends; true if it ended (the server closed it) before {@code within}. */
    static boolean endsWithin(HttpResponse<java.io.InputStream> stream, CountDownLatch firstLine, Duration within)
            throws Exception {
        CompletableFuture<Boolean> ended = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = in.readLine()) != null) {
                    if (l.startsWith("data:")) {
                        firstLine.countDown();
                    }
                }
                ended.complete(true);
            } catch (java.io.IOException e) {
                ended.complete(true); // closed under it
            }
        }, "stream-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            return ended.get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            stream.body().close();
            return false;
        }
    }

    @Test
    void revokingTheKeyOrLoggingOutEndsTheLiveLogStreamsItOpened() throws Exception {
        HistoryDatabase database = HistoryDatabase.sqlite(dir.resolve("sluice.db"));
        CountDownLatch stop = new CountDownLatch(1);
        CompletableFuture<String> runId = new CompletableFuture<>();
        // a run that goes on writing lines until the test ends
        Flow<Integer, Integer> chatty = Flow.named("chatty").of((Integer n) -> {
            runId.complete(RunContext.flowRun().orElseThrow().id());
            int i = 0;
            while (!stop.await(100, TimeUnit.MILLISECONDS)) {
                RunContext.logger().info("line {}", i++);
            }
            return n;
        });
        try (History history = History.open(database);
                SluiceRuntime runtime = SluiceRuntime.builder().home(dir).withoutExtensions().recorder(history.recorder()).build();
                ApiKeys keys = ApiKeys.open(database);
                SluiceServer server = SluiceServer.start(ServerOptions.builder().history(history, database).port(0)
                        .printUrl(false).blockStore(BlockStore.inMemory()).build())) {
            NewApiKey bearer = keys.create("watcher", Role.VIEWER);
            NewApiKey login = keys.create("browser", Role.VIEWER);
            Thread runner = new Thread(() -> runtime.runForState(chatty, 1), "chatty-run");
            runner.start();
            try {
                String id = runId.get(20, TimeUnit.SECONDS);
                assertThat(history.flush(Duration.ofSeconds(10))).isTrue(); // the run is in the file the server reads
                HttpClient http = HttpClient.newHttpClient();

                // a bearer key's stream
                HttpResponse<java.io.InputStream> api = http.send(HttpRequest.newBuilder(server.url().resolve("/api/runs/" + id
                        + "/logs/stream")).header("Accept", "text/event-stream").header("Authorization", "Bearer "
                        + bearer.token().reveal()).build(), HttpResponse.BodyHandlers.ofInputStream());
                assertThat(api.statusCode()).isEqualTo(200);
                CountDownLatch apiLines = new CountDownLatch(1);
                CompletableFuture<Boolean> apiEnded = CompletableFuture.supplyAsync(() -> {
                    try {
                        return endsWithin(api, apiLines, Duration.ofSeconds(10));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, r -> new Thread(r, "api-stream").start());
                assertThat(apiLines.await(10, TimeUnit.SECONDS)).as("a line arrives").isTrue();
                assertThat(server.apiKeys().revoke(bearer.key().id())).isTrue();
                assertThat(apiEnded.get(15, TimeUnit.SECONDS)).as("the revoked key's stream ends, the run going on").isTrue();

                // a session's stream (the run page's live lines), then logging out
                HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
                String csrf = Jsoup.parse(Fixture.send(browser, HttpRequest.newBuilder(server.url().resolve("/login"))).body())
                        .select("meta[name=csrf-token]").attr("content");
                HttpResponse<String> in = Fixture.send(browser, HttpRequest.newBuilder(server.url().resolve("/login"))
                        .POST(HttpRequest.BodyPublishers.ofString("key=" + login.token().reveal() + "&_csrf=" + csrf)),
                        "Content-Type", "application/x-www-form-urlencoded");
                assertThat(in.statusCode()).isEqualTo(303);
                String sessionCsrf = Jsoup.parse(Fixture.send(browser, HttpRequest.newBuilder(server.url().resolve("/runs")))
                        .body()).select("meta[name=csrf-token]").attr("content");
                HttpResponse<java.io.InputStream> live = browser.send(HttpRequest.newBuilder(server.url().resolve("/runs/" + id
                        + "/logs/live?after=0")).header("Accept", "text/event-stream").build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                assertThat(live.statusCode()).isEqualTo(200);
                CountDownLatch liveLines = new CountDownLatch(1);
                CompletableFuture<Boolean> liveEnded = CompletableFuture.supplyAsync(() -> {
                    try {
                        return endsWithin(live, liveLines, Duration.ofSeconds(10));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, r -> new Thread(r, "live-stream").start());
                assertThat(liveLines.await(10, TimeUnit.SECONDS)).as("a line arrives").isTrue();
                HttpResponse<String> out = Fixture.send(browser, HttpRequest.newBuilder(server.url().resolve("/logout"))
                        .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + sessionCsrf)),
                        "Content-Type", "application/x-www-form-urlencoded");
                assertThat(out.statusCode()).isEqualTo(303);
                assertThat(liveEnded.get(15, TimeUnit.SECONDS)).as("the logged-out session's stream ends").isTrue();
            } finally {
                stop.countDown();
                runner.join(20_000);
            }
        }
    }
}
