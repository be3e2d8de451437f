package dev.sluice.tasks.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.State;
import dev.sluice.TaskFailedException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A server that never finishes its body but never stalls either (a few bytes every 20 ms): the idle timeout
 * never fires, so only an interrupt (a cancel, a task's timeout) can stop the read. The JDK 17 client's body
 * stream swallows an interrupt that comes while a read waits; the extract used to keep reading in the
 * background for ever.
 */
class InterruptedBodyIT extends WireMockSupport {
    private ServerSocket socket;
    /** Counted down when the client closes a connection the server is trickling to. */
    private final CountDownLatch clientLeft = new CountDownLatch(1);

    private String trickling() throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            try (Socket s = socket.accept()) {
                s.getInputStream().read(new byte[8192]);
                OutputStream out = s.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "1\r\n[\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                while (true) {
                    out.write("2\r\n1,\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    Thread.sleep(20);
                }
            } catch (IOException e) {
                clientLeft.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "trickling-server");
        t.setDaemon(true);
        t.start();
        return "http://127.0.0.1:" + socket.getLocalPort() + "/endless";
    }

    @AfterEach
    void stopTricklingServer() throws IOException {
        if (socket != null) {
            socket.close();
        }
    }

    @Test
    void anInterruptStopsAReadOfABodyThatNeverEnds() throws Exception {
        String url = trickling();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try {
                HttpExtract.get(url).list();
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "extracting");
        reader.start();
        Thread.sleep(300); // well into the body

        reader.interrupt();
        reader.join(5_000);

        assertThat(reader.isAlive()).as("the extract still reads after the interrupt").isFalse();
        assertThat(failure.get()).isInstanceOf(CancellationException.class).hasMessageContaining("interrupted");
        assertThat(clientLeft.await(5, TimeUnit.SECONDS)).as("the connection is closed").isTrue();
    }

    @Test
    void aTaskTimeoutStopsTheReadItAbandons() throws Exception {
        String url = trickling();

        assertThatThrownBy(() -> HttpExtract.get(url).task().withTimeout(Duration.ofMillis(300)).run())
                .isInstanceOfSatisfying(TaskFailedException.class, e -> assertThat(e.state()).isEqualTo(State.TIMED_OUT));

        assertThat(clientLeft.await(5, TimeUnit.SECONDS)).as("the timed-out body stops reading and closes the connection")
                .isTrue();
    }
}
