package dev.sluice.tasks.email;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An SMTP server on 127.0.0.1 that never finishes its greeting: it sends an endless multi-line
 * {@code 220-} reply one byte every {@code byteEveryMillis}, so every read of the client gets a byte
 * in time and no per-read timeout ever fires, on every connection. Notes when the client closed the
 * first connection.
 */
final class TricklingSmtpServer implements AutoCloseable {
    private final ServerSocket server;
    private final Thread thread;
    private final CountDownLatch connected = new CountDownLatch(1);
    private final CountDownLatch clientGone = new CountDownLatch(1);
    private final java.util.List<Socket> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();

    TricklingSmtpServer(long byteEveryMillis) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        thread = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread each = new Thread(() -> serve(s, byteEveryMillis), "trickling-smtp-connection");
                    each.setDaemon(true);
                    each.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "trickling-smtp");
        thread.setDaemon(true);
        thread.start();
    }

    private void serve(Socket accepted, long byteEveryMillis) {
        boolean first = connected.getCount() > 0;
        try (Socket s = accepted) {
            sockets.add(s);
            connected.countDown();
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            byte[] line = "220-slow.example.com still greeting\r\n".getBytes(StandardCharsets.US_ASCII);
            s.setSoTimeout(1);
            for (int i = 0; ; i++) {
                out.write(line[i % line.length]);
                out.flush();
                try {
                    if (in.read() < 0) {
                        break; // the client closed its side
                    }
                } catch (java.net.SocketTimeoutException quiet) {
                    // nothing from the client: go on trickling
                }
                Thread.sleep(byteEveryMillis);
            }
        } catch (IOException | InterruptedException e) {
            // the client closed the connection (a write failed) or the server is closed
        } finally {
            if (first) {
                clientGone.countDown();
            }
        }
    }

    int port() {
        return server.getLocalPort();
    }

    /** True if a client connected and then closed the first connection within {@code millis}. */
    boolean clientClosedWithin(long millis) throws InterruptedException {
        return connected.await(millis, TimeUnit.MILLISECONDS) && clientGone.await(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
