package dev.sluice.tasks.email.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import org.jspecify.annotations.Nullable;

/**
 * The socket factory of one SMTP operation (a send, or a batch with its reconnects), bounding it as
 * a whole rather than per read: a watchdog closes its sockets when a server reply has taken more
 * than the read timeout in all (a server that trickles its answer a byte at a time gets every read
 * a byte in time, so the per-read timeout alone never fires), or when the thread that opened them
 * is interrupted (a task's {@code withTimeout} deadline or a cancel), since blocking socket I/O
 * does not heed interrupts. TLS (SSL and STARTTLS) is layered over these sockets, so closing them
 * ends it too; a TLS handshake counts as a reply, from the TCP connection (SSL) or the server's
 * {@code 220} to STARTTLS until it is done, so a handshake trickled in is bounded as a whole too.
 */
final class SocketGuard extends SocketFactory {
    /** Checks every active guard this often. */
    private static final long TICK_MILLIS = 50;
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sluice-smtp-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final long replyTimeoutNanos;
    private final String replyTimeoutText;
    private final List<Socket> sockets = new ArrayList<>();
    private @Nullable Thread owner;
    private @Nullable ScheduledFuture<?> tick;
    private volatile long replyStarted;
    private volatile boolean inReply;
    private volatile @Nullable String closedBecause;

    SocketGuard(Duration replyTimeout) {
        this.replyTimeoutNanos = replyTimeout.toNanos();
        this.replyTimeoutText = text(replyTimeout);
    }

    /** A server reply starts to be read. */
    void replyStarted() {
        replyStarted = System.nanoTime();
        inReply = true;
    }

    /** The reply was read (or reading it failed). */
    void replyEnded() {
        inReply = false;
    }

    /** Why the watchdog closed the connection, or null if it did not. */
    @Nullable String closedBecause() {
        return closedBecause;
    }

    @Override
    public Socket createSocket() {
        return register(new Socket() {
            @Override
            public void connect(java.net.SocketAddress endpoint, int timeout) throws IOException {
                super.connect(endpoint, timeout);
                // what the server sends first (an SSL handshake, else its greeting) counts as a reply
                replyStarted();
            }
        });
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        Socket s = createSocket();
        s.connect(new InetSocketAddress(host, port));
        return s;
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        Socket s = createSocket();
        s.bind(new InetSocketAddress(localHost, localPort));
        s.connect(new InetSocketAddress(host, port));
        return s;
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        Socket s = createSocket();
        s.connect(new InetSocketAddress(host, port));
        return s;
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        Socket s = createSocket();
        s.bind(new InetSocketAddress(localAddress, localPort));
        s.connect(new InetSocketAddress(address, port));
        return s;
    }

    private synchronized Socket register(Socket socket) {
        owner = Thread.currentThread();
        sockets.add(socket);
        inReply = false;
        if (tick == null) {
            tick = WATCHDOG.scheduleWithFixedDelay(this::check, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        }
        return socket;
    }

    private synchronized void check() {
        sockets.removeIf(Socket::isClosed);
        if (sockets.isEmpty()) {
            if (tick != null) {
                tick.cancel(false);
                tick = null;
            }
            return;
        }
        Thread thread = owner;
        if (thread != null && thread.isInterrupted()) {
            closeAll("closed by Sluice: the attempt was interrupted (the task's timeout or a cancel)");
        } else if (inReply && System.nanoTime() - replyStarted > replyTimeoutNanos) {
            closeAll("closed by Sluice: the server's reply timed out, taking more than the read timeout of " + replyTimeoutText
                    + " in all (a reply that trickles in slowly counts as a whole)");
        }
    }

    private void closeAll(String why) {
        closedBecause = why;
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing to end a stuck read: nothing more to do
            }
        }
    }

    private static String text(Duration d) {
        long millis = d.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }
}
