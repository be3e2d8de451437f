package dev.sluice.tasks.http;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.sluice.tasks.http.internal.HttpSettings;
import dev.sluice.tasks.http.internal.OAuth2Tokens;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** A WireMock server on a free port of 127.0.0.1 per test class, reset before each test; sleeps recorded, not slept. */
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
        OAuth2Tokens.clear();
        HttpSettings.setSleeper(sleeps::add);
    }

    @AfterEach
    void restoreSettings() {
        HttpSettings.setSleeper(null);
        HttpSettings.setClock(null);
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
