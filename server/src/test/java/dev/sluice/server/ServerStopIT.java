package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Flow;
import dev.sluice.RunContext;
import dev.sluice.SluiceRuntime;
import dev.sluice.block.BlockStore;
import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A closed server leaves no thread behind that keeps the JVM from exiting. */
class ServerStopIT {
    @TempDir
    Path dir;

    @Test
    void aClosedServerThatStreamedLogLinesLeavesNoThreadThatKeepsTheJvmRunning() throws Exception {
        HistoryDatabase database = HistoryDatabase.sqlite(dir.resolve("sluice.db"));
        String id;
        try (History history = History.open(database);
                SluiceRuntime runtime = SluiceRuntime.builder().home(dir).withoutExtensions().recorder(history.recorder()).build()) {
            id = runtime.runForState(Flow.named("quick").of((Integer n) -> {
                RunContext.logger().info("one line");
                return n;
            }), 1).id();
            assertThat(history.flush(Duration.ofSeconds(10))).isTrue();
        }
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        HttpClient http = HttpClient.newHttpClient();
        try (SluiceServer server = SluiceServer.start(ServerOptions.builder().database(database).port(0).printUrl(false)
                .blockStore(BlockStore.inMemory()).build())) {
            // a live log stream (server-sent events) of a run that has ended: its line, then the end
            HttpResponse<String> stream = Fixture.send(http, HttpRequest.newBuilder(server.url().resolve("/api/runs/" + id
                    + "/logs/stream")), "Accept", "text/event-stream");
            assertThat(stream.statusCode()).isEqualTo(200);
            assertThat(stream.body()).contains("one line").contains("event: end");
        }
        // what the server started has ended or is a daemon: a program whose main returns after close() exits then, not a
        // minute later (the threads of Javalin's default pool for asynchronous answers were not daemons and lived 60 s idle),
        // nor 5 s later (Javalin's start-up watcher, a thread that slept 5 s to warn of a server never started)
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        List<String> left;
        do {
            left = Thread.getAllStackTraces().entrySet().stream()
                    .filter(e -> !before.contains(e.getKey()) && e.getKey().isAlive() && !e.getKey().isDaemon())
                    .map(e -> e.getKey().getName()).collect(Collectors.toList());
            if (left.isEmpty()) {
                break;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        assertThat(left).as("non-daemon threads left by a closed server").isEmpty();
    }
}
