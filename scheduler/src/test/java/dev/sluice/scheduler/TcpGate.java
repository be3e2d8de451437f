package dev.sluice.scheduler;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP forwarder on a loopback port in front of a database, for one worker JVM: {@link #hold()} cuts every
 * connection going through it and keeps new ones waiting unanswered (a network blip: connecting neither succeeds
 * nor fails), {@link #open()} lets the waiting ones through at once.
 */
final class TcpGate implements AutoCloseable {
    private final ServerSocket server;
    private final int target;
    private final List<Socket> sockets = new ArrayList<>();
    private final List<Socket> held = new ArrayList<>();
    private boolean holding;
    private volatile boolean closed;

    TcpGate(int target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::accept, "tcp-gate-" + port());
        accept.setDaemon(true);
        accept.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                synchronized (this) {
                    if (holding) {
                        held.add(client);
                        continue;
                    }
                }
                forward(client);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void forward(Socket client) {
        try {
            Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
            synchronized (this) {
                sockets.add(client);
                sockets.add(upstream);
            }
            pipe(client, upstream);
            pipe(upstream, client);
        } catch (IOException e) {
            quietly(client);
        }
    }

    private static void pipe(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // cut
            } finally {
                quietly(from);
                quietly(to);
            }
        }, "tcp-gate-pipe");
        t.setDaemon(true);
        t.start();
    }

    /** Cuts the connections going through and keeps new ones waiting. */
    synchronized void hold() {
        holding = true;
        sockets.forEach(TcpGate::quietly);
        sockets.clear();
    }

    /** Lets the waiting connections through, and new ones. */
    void open() {
        List<Socket> waiting;
        synchronized (this) {
            holding = false;
            waiting = new ArrayList<>(held);
            held.clear();
        }
        waiting.forEach(this::forward);
    }

    private static void quietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closed
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closed
        }
        sockets.forEach(TcpGate::quietly);
        held.forEach(TcpGate::quietly);
    }
}
