package dev.sluice.tasks.http;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.sluice.testkit.TestRuntimes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * A WireMock server on a free port of 127.0.0.1 per test class, reset before each test. Each test
 * runs under a fresh default runtime (so a fresh OAuth2 token cache) whose sleeper records the
 * waits in {@link #sleeps} instead of sleeping.
 */
abstract class WireMockSupport {
    static WireMockServer server;
    final List<Duration> sleeps = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startServer() {
        server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
    }

    @AfterAll
    static void stopServer() {
        server.stop();
    }

    @BeforeEach
    void resetServer() {
        server.resetAll();
        TestRuntimes.use(b -> b.sleeper(sleeps::add));
    }

    @AfterEach
    void restoreRuntime() {
        TestRuntimes.reset();
    }

    static String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    /** {"data":{"items":[{"id":from},...,{"id":to-1}]}} */
    static String items(int from, int to) {
        return "{\"data\":{\"items\":[" + IntStream.range(from, to).mapToObj(i -> "{\"id\":" + i + "}")
                .collect(Collectors.joining(",")) + "]}}";
    }
}
