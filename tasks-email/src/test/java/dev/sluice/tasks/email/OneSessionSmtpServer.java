package dev.sluice.tasks.email;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal SMTP server on a free port of 127.0.0.1 that serves one session: it accepts
 * {@code accepted} messages, then, at the next MAIL FROM, stops listening and drops the connection,
 * so every reconnect is refused. For the batch's reconnect path, which subethasmtp cannot make fail.
 */
final class OneSessionSmtpServer implements AutoCloseable {
    private final ServerSocket server;
    private final AtomicInteger received = new AtomicInteger();
    private final Thread thread;

    OneSessionSmtpServer(int accepted) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        thread = new Thread(() -> serve(accepted), "one-session-smtp");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** How many messages were received completely. */
    int received() {
        return received.get();
    }

    private void serve(int accepted) {
        try (Socket socket = server.accept()) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            Writer out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.US_ASCII);
            reply(out, "220 localhost ESMTP test");
            int mails = 0;
            String line;
            while ((line = in.readLine()) != null) {
                String command = line.length() < 4 ? line : line.substring(0, 4).toUpperCase(Locale.ROOT);
                switch (command) {
                    case "MAIL" -> {
                        if (++mails > accepted) {
                            server.close(); // first stop listening, so the client's reconnect is refused
                            socket.setSoLinger(true, 0);
                            return;
                        }
                        reply(out, "250 OK");
                    }
                    case "DATA" -> {
                        reply(out, "354 end with <CRLF>.<CRLF>");
                        String data;
                        while ((data = in.readLine()) != null && !data.equals(".")) {
                            // the message itself is not kept
                        }
                        received.incrementAndGet();
                        reply(out, "250 OK queued");
                    }
                    case "QUIT" -> {
                        reply(out, "221 bye");
                        return;
                    }
                    default -> reply(out, "250 OK");
                }
            }
        } catch (IOException e) {
            // closed: nothing more to serve
        } finally {
            closeQuietly();
        }
    }

    private static void reply(Writer out, String line) throws IOException {
        out.write(line + "\r\n");
        out.flush();
    }

    private void closeQuietly() {
        try {
            server.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws InterruptedException {
        closeQuietly();
        thread.join(5_000);
    }
}
