package dev.sluice.tasks.slack;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.sluice.block.BlockStore;
import dev.sluice.notify.Notification;
import dev.sluice.notify.Severity;
import dev.sluice.testkit.TestRuntimes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A server that trickles its answer a byte at a time (each read gets a byte in time, so no per-read
 * timeout fires) holds no Slack call past the request timeout: it bounds each request as a whole.
 */
class SlackTricklingServerIT {
    private static WireMockServer slack;
    private final List<Duration> slept = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        slack = SlackApiStubs.start();
        // 150 bytes, one every 200 ms: 30 s to answer in all
        String body = "ok" + " ".repeat(148);
        slack.stubFor(post(SlackApiStubs.WEBHOOK_PATH).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/html").withBody(body).withChunkedDribbleDelay(150, 30_000)));
        slack.stubFor(post("/api/chat.postMessage").willReturn(SlackApiStubs.slackJson(200,
                SlackApiStubs.POSTED + " ".repeat(150)).withChunkedDribbleDelay(150, 30_000)));
    }

    @AfterAll
    static void stop() {
        slack.stop();
    }

    @BeforeEach
    void runtime() {
        System.setProperty(SlackWebhook.REQUEST_TIMEOUT_PROPERTY, "1.5");
        TestRuntimes.use(b -> b.blockStore(BlockStore.inMemory()).sleeper(slept::add));
    }

    @AfterEach
    void reset() {
        TestRuntimes.reset();
        System.clearProperty(SlackWebhook.REQUEST_TIMEOUT_PROPERTY);
    }

    @Test
    void aWebhookNotificationAnsweredByteByByteFailsAtTheRequestTimeout() {
        long start = System.nanoTime();
        Throwable e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            try {
                SlackApiStubs.webhook(slack).send(Notification.of("disk full", "on db-1", Severity.ERROR));
                return null;
            } catch (SlackException thrown) {
                return thrown;
            }
        });
        long tookMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(e).isInstanceOfSatisfying(SlackException.class, s -> {
            assertThat(s.error()).isEqualTo("delivery_unknown");
            assertThat(s.isRetryable()).as("Slack may have posted it").isFalse();
        }).hasMessageContaining("timeout");
        assertThat(tookMillis).as("one request, 1.5 s in all").isLessThan(4_000);
    }

    @Test
    void aChatMessageAnsweredByteByByteFailsAtTheRequestTimeout() {
        long start = System.nanoTime();
        Throwable e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            try {
                SlackTasks.sendChatMessage().run(SlackApiStubs.credentials(slack), SlackMessage.of("#ops", "loaded"));
                return null;
            } catch (dev.sluice.TaskFailedException thrown) {
                return thrown.getCause();
            }
        });
        long tookMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(e).isInstanceOfSatisfying(SlackException.class, s -> assertThat(s.error()).isEqualTo("delivery_unknown"))
                .hasMessageContaining("timeout");
        assertThat(tookMillis).isLessThan(4_000);
    }
    @Test
    void aTaskTimeoutEndsTheAttemptsRequestAtTheDeadline() throws Exception {
        System.setProperty(SlackWebhook.REQUEST_TIMEOUT_PROPERTY, "60");
        TestRuntimes.use(b -> b.blockStore(BlockStore.inMemory()).sleeper(slept::add));
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            java.util.concurrent.CountDownLatch gone = new java.util.concurrent.CountDownLatch(1);
            Thread trickler = new Thread(() -> {
                try (java.net.Socket s = server.accept()) {
                    java.io.InputStream in = s.getInputStream();
                    java.io.OutputStream out = s.getOutputStream();
                    in.read(new byte[8192]); // the request (its start is enough)
                    out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{".getBytes());
                    for (int i = 0; i < 499; i++) {
                        Thread.sleep(100);
                        out.write(' ');
                        out.flush();
                    }
                } catch (Exception e) {
                    // the client closed the connection
                } finally {
                    gone.countDown();
                }
            }, "trickling-slack");
            trickler.setDaemon(true);
            trickler.start();
            SlackCredentials local = SlackCredentials.of(dev.sluice.block.Secret.of(SlackApiStubs.TOKEN))
                    .withApiUrl("http://127.0.0.1:" + server.getLocalPort() + "/api/");
            var send = SlackTasks.sendChatMessage().withTimeout(Duration.ofMillis(800)).withRetryPolicy(dev.sluice.RetryPolicy.none());

            dev.sluice.FlowRun<PostedMessage> run = assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
                    dev.sluice.Flow.of("post", () -> send.run(local, SlackMessage.of("#ops", "loaded"))).runForState());

            assertThat(run.taskRuns().get(0).state()).isEqualTo(dev.sluice.State.TIMED_OUT);
            assertThat(gone.await(2, java.util.concurrent.TimeUnit.SECONDS)).as("the attempt's request ends with it").isTrue();
        }
    }
}
