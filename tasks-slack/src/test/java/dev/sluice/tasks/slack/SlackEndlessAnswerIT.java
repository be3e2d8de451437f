package dev.sluice.tasks.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.sluice.block.BlockStore;
import dev.sluice.notify.Notification;
import dev.sluice.notify.Severity;
import dev.sluice.testkit.TestRuntimes;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Slack SDK reads an answer whole into memory. A server (a wrong URL, a proxy's error page that never ends, a
 * rogue endpoint) that answers without end at loopback speed would fill the heap long before the request timeout:
 * Sluice reads at most 4 MiB of an answer and fails the call as an unknown delivery, saying why.
 */
class SlackEndlessAnswerIT {
    @BeforeEach
    void runtime() {
        System.setProperty(SlackWebhook.REQUEST_TIMEOUT_PROPERTY, "60"); // not what ends these calls
        TestRuntimes.use(b -> b.blockStore(BlockStore.inMemory()).sleeper(d -> { }));
    }

    @AfterEach
    void reset() {
        TestRuntimes.reset();
        System.clearProperty(SlackWebhook.REQUEST_TIMEOUT_PROPERTY);
    }

    /** Serves one connection: a 200 whose chunked body never ends; counts the bytes it got written. */
    private static Thread endless(ServerSocket server, AtomicLong written, String contentType) {
        Thread t = new Thread(() -> {
            try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                in.read(new byte[16384]);
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: " + contentType + "\r\nTransfer-Encoding: chunked\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                byte[] chunk = ("10000\r\n" + " ".repeat(0x10000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                while (written.get() < 2L * 1024 * 1024 * 1024) {
                    out.write(chunk);
                    written.addAndGet(0x10000);
                }
            } catch (Exception e) {
                // the client closed the connection
            }
        }, "endless-slack");
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void aWebhookAnsweredWithoutEndFailsAfterFourMebibytes() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            AtomicLong written = new AtomicLong();
            Thread serving = endless(server, written, "text/html");
            SlackWebhook hook = SlackWebhook.of(dev.sluice.block.Secret.of(
                    "http://127.0.0.1:" + server.getLocalPort() + "/services/T000/B000/fake-not-a-secret"));

            Throwable e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                try {
                    hook.send(Notification.of("disk full", "on db-1", Severity.ERROR));
                    return null;
                } catch (SlackException thrown) {
                    return thrown;
                }
            });
            serving.join(10_000);

            assertThat(e).isInstanceOfSatisfying(SlackException.class, s -> {
                assertThat(s.error()).isEqualTo("delivery_unknown");
                assertThat(s.isRetryable()).as("Slack may have posted it").isFalse();
            });
            assertThat(SlackApiStubs.everything(e)).contains("larger than 4 MiB");
            assertThat(written.get()).as("read no further than the cap and a socket buffer or two")
                    .isLessThan(64L * 1024 * 1024);
        }
    }

    @Test
    void aChatMessageAnsweredWithoutEndFailsAfterFourMebibytes() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            AtomicLong written = new AtomicLong();
            Thread serving = endless(server, written, "application/json");
            SlackCredentials local = SlackCredentials.of(dev.sluice.block.Secret.of(SlackApiStubs.TOKEN))
                    .withApiUrl("http://127.0.0.1:" + server.getLocalPort() + "/api/");
            var send = SlackTasks.sendChatMessage().withRetryPolicy(dev.sluice.RetryPolicy.none());

            dev.sluice.FlowRun<PostedMessage> run = assertTimeoutPreemptively(Duration.ofSeconds(20), () ->
                    dev.sluice.Flow.of("post", () -> send.run(local, SlackMessage.of("#ops", "loaded"))).runForState());
            serving.join(10_000);

            assertThat(run.taskRuns().get(0).state()).isEqualTo(dev.sluice.State.FAILED);
            assertThat(run.taskRuns().get(0).error().orElseThrow().stackTrace()).contains("larger than 4 MiB");
            assertThat(written.get()).isLessThan(64L * 1024 * 1024);
        }
    }
}
