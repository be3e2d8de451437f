package dev.sluice.tasks.http;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.RetryPolicy;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A server that sends the headers and the start of a body, then stalls with the connection open:
 * {@code requestTimeout} bounds each wait for the body's data too, not only the headers (the
 * extract used to wait forever).
 */
class StalledBodyIT extends WireMockSupport {
    private static final String BODY = "[{\"id\":1},{\"id\":2}]";

    private ServerSocket socket;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();

    /** Stalls the first {@code stalls} answers after their first 10 bytes; answers the others whole. */
    private String stallingServer(int stalls) throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    open.add(s);
                    s.getInputStream().read(new byte[8192]);
                    byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
                    OutputStream out = s.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                            + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    boolean stall = connections.incrementAndGet() <= stalls;
                    out.write(body, 0, stall ? 10 : body.length);
                    out.flush();
                    if (!stall) {
                        s.close();
                    }
                } catch (IOException e) {
                    return;
                }
            }
        }, "stalling-server");
        t.setDaemon(true);
        t.start();
        return "http://127.0.0.1:" + socket.getLocalPort() + "/items";
    }

    @BeforeEach
    void noServerYet() {
        socket = null;
    }

    @AfterEach
    void stopStallingServer() throws IOException {
        if (socket != null) {
            socket.close();
        }
        for (Socket s : open) {
            s.close();
        }
    }

    @Test
    void aBodyThatStallsFailsAfterTheRequestTimeoutInsteadOfHanging() throws IOException {
        String url = stallingServer(Integer.MAX_VALUE);
        HttpExtract<JsonNode> extract = HttpExtract.get(url).requestTimeout(Duration.ofMillis(500))
                .retryPolicy(RetryPolicy.none());
        assertTimeoutPreemptively(Duration.ofSeconds(15), () ->
                assertThatThrownBy(extract::list)
                        .isInstanceOf(HttpExtractException.class)
                        .hasMessageContaining("page 1 of GET " + url)
                        .hasMessageContaining("stalled")
                        .satisfies(e -> assertThat(((HttpExtractException) e).isRetryable()).isTrue()));
    }

    @Test
    void aStalledBodyIsRetriedLikeATimeout() throws IOException {
        String url = stallingServer(1);
        List<JsonNode> records = assertTimeoutPreemptively(Duration.ofSeconds(15), () ->
                HttpExtract.get(url).requestTimeout(Duration.ofMillis(500)).list());
        assertThat(records).extracting(n -> n.get("id").asInt()).containsExactly(1, 2);
        assertThat(connections).hasValue(2);
    }

    @Test
    void aSlowButSteadyBodyIsNotCutOff() {
        // five pieces over 1.5 s: longer than the request timeout in all, but never 1 s without data
        server.stubFor(get(urlPathEqualTo("/slow")).willReturn(okJson(items(0, 50)).withChunkedDribbleDelay(5, 1500)));
        // uncompressed: WireMock's gzip would hold the pieces back until the end
        List<JsonNode> records = HttpExtract.get(url("/slow")).header("Accept-Encoding", "identity").records("/data/items")
                .requestTimeout(Duration.ofSeconds(1)).retryPolicy(RetryPolicy.none()).list();
        assertThat(records).hasSize(50);
    }
}
