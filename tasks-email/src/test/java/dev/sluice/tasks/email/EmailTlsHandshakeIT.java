package dev.sluice.tasks.email;

import static dev.sluice.tasks.email.EmailSendIT.catchTaskFailure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.RetryPolicy;
import dev.sluice.TaskFailedException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A server that trickles its side of the TLS handshake in a byte at a time: every read gets a byte
 * well within the read timeout, so only a bound on the handshake as a whole ends it.
 */
class EmailTlsHandshakeIT {

    /** Serves one connection: optionally the SMTP talk up to STARTTLS, then a TLS record that never ends. */
    private static final class TricklingTlsServer implements AutoCloseable {
        private final ServerSocket server;
        private final Thread thread;

        TricklingTlsServer(boolean startTls) throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            thread = new Thread(() -> serve(startTls), "trickling-tls");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void serve(boolean startTls) {
            try (Socket socket = server.accept()) {
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();
                if (startTls) {
                    write(out, "220 localhost ESMTP test\r\n");
                    readLine(in); // EHLO
                    write(out, "250-localhost\r\n250 STARTTLS\r\n");
                    readLine(in); // STARTTLS
                    write(out, "220 go ahead\r\n");
                }
                // a handshake record of 16,000 bytes, sent a byte every 100 ms
                out.write(new byte[] {0x16, 0x03, 0x03, 0x3e, (byte) 0x80});
                out.flush();
                for (int i = 0; i < 16_000; i++) {
                    Thread.sleep(100);
                    out.write(0);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // the client went away: done
            }
        }

        private static void write(OutputStream out, String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        private static void readLine(InputStream in) throws IOException {
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                // skip
            }
        }

        @Override
        public void close() throws Exception {
            server.close();
            thread.interrupt();
            thread.join(5_000);
        }
    }

    private static void assertEndsWithinTheReadTimeout(EmailSecurity security, boolean startTls) throws Exception {
        try (TricklingTlsServer server = new TricklingTlsServer(startTls)) {
            EmailServerCredentials credentials = EmailServerCredentials.of("127.0.0.1", security)
                    .withPort(server.port())
                    .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(1));
            long start = System.nanoTime();

            TaskFailedException failed = catchTaskFailure(() -> EmailTasks.sendMessage().withRetryPolicy(RetryPolicy.none())
                    .run(credentials, EmailMessage.builder().from("me@example.com").to("you@example.com").subject("s").text("t").build()));

            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(millis).as("the handshake is bounded by the read timeout as a whole").isLessThan(4_000);
            assertThat(failed.getCause()).isInstanceOf(EmailException.class)
                    .hasMessageContaining("SMTP server 127.0.0.1:" + server.port())
                    .hasMessageContaining("read timeout of 1 s");
        }
    }

    @Test
    void anSslHandshakeTrickledInFailsAfterTheReadTimeout() throws Exception {
        assertEndsWithinTheReadTimeout(EmailSecurity.SSL, false);
    }

    @Test
    void aStartTlsHandshakeTrickledInFailsAfterTheReadTimeout() throws Exception {
        assertEndsWithinTheReadTimeout(EmailSecurity.STARTTLS, true);
    }
}
