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
 * A minimal SMTP server on a free port of 127.0.0.1 that offers AUTH PLAIN and answers every login
 * with {@code reply} (such as {@code 454 4.7.0 Temporary authentication failure}), one connection
 * after the other, counting the logins.
 */
final class AuthRefusingSmtpServer implements AutoCloseable {
    private final ServerSocket server;
    private final String reply;
    private final AtomicInteger logins = new AtomicInteger();
    private final Thread thread;

    AuthRefusingSmtpServer(String reply) throws IOException {
        this.reply = reply;
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        thread = new Thread(this::serve, "auth-refusing-smtp");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** How many logins were tried. */
    int logins() {
        return logins.get();
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
                Writer out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.US_ASCII);
                write(out, "220 localhost ESMTP test");
                String line;
                while ((line = in.readLine()) != null) {
                    String command = line.length() < 4 ? line : line.substring(0, 4).toUpperCase(Locale.ROOT);
                    if (command.equals("EHLO")) {
                        write(out, "250-localhost\r\n250 AUTH PLAIN");
                    } else if (command.equals("AUTH")) {
                        logins.incrementAndGet();
                        write(out, reply);
                    } else if (command.equals("QUIT")) {
                        write(out, "221 bye");
                        break;
                    } else {
                        write(out, "250 OK");
                    }
                }
            } catch (IOException e) {
                // closed, or the client went away: serve the next one
            }
        }
    }

    private static void write(Writer out, String text) throws IOException {
        out.write(text + "\r\n");
        out.flush();
    }

    @Override
    public void close() throws Exception {
        server.close();
        thread.join(5_000);
    }
}
