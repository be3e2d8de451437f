package dev.sluice.tasks.email;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.smtp.server.Session;

/**
 * A real SMTP server (subethasmtp) on a free port of 127.0.0.1, optionally offering STARTTLS with
 * the test certificate, with hooks to misbehave: drop the connection at MAIL FROM or after DATA, or
 * refuse a recipient. Records every message it accepted and whether its session used TLS.
 */
final class SubethaServer implements AutoCloseable {
    /** A message the server accepted. */
    record Received(String sessionId, boolean tls, String from, List<String> recipients, byte[] data) {
    }

    /** Misbehaviour, decided per message by its session and its number within the session (1-based). */
    interface Faults {
        /** True to drop the connection when the client sends MAIL FROM (the message is not received). */
        default boolean dropAtMailFrom(String sessionId, int sessionNumber, int messageInSession) {
            return false;
        }

        /** True to store the message and then drop the connection before confirming it. */
        default boolean dropAfterData(String sessionId, int sessionNumber, int messageInSession) {
            return false;
        }

        /** How long to wait after storing the message before confirming it (a slow server); 0: at once. */
        default long confirmDelayMillis(String sessionId, int sessionNumber, int messageInSession) {
            return 0;
        }

        /** True to refuse this recipient with 550. */
        default boolean refuseRecipient(String recipient) {
            return false;
        }

        /**
         * A refusal of the {@code number}th (1-based) recipient of the message, such as {@code "452 4.5.3
         * Too many recipients"}; null to go on with {@link #refuseRecipient}.
         */
        default String recipientReply(String recipient, int number) {
            return null;
        }
    }

    private final SMTPServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> sessionNumbers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> perSession = new ConcurrentHashMap<>();
    private final AtomicInteger sessions = new AtomicInteger();

    private SubethaServer(boolean startTls, Faults faults) throws Exception {
        SMTPServer.Builder builder = SMTPServer.port(0)
                .bindAddress(InetAddress.getLoopbackAddress())
                .hostName("localhost")
                .messageHandlerFactory(context -> new Handler((Session) context, faults));
        if (startTls) {
            SSLContext tls = TestCertificates.serverContext();
            builder.enableTLS().startTlsSocketFactory(tls);
        }
        server = builder.build();
        server.start();
    }

    /** A server offering STARTTLS. */
    static SubethaServer withStartTls() throws Exception {
        return new SubethaServer(true, new Faults() { });
    }

    /** A server that does not offer STARTTLS. */
    static SubethaServer plain() throws Exception {
        return new SubethaServer(false, new Faults() { });
    }

    /** A plain server misbehaving as {@code faults} say. */
    static SubethaServer plain(Faults faults) throws Exception {
        return new SubethaServer(false, faults);
    }

    int port() {
        return server.getPortAllocated();
    }

    List<Received> received() {
        return new ArrayList<>(received);
    }

    /** How many SMTP sessions started a mail transaction. */
    int sessions() {
        return sessions.get();
    }

    @Override
    public void close() {
        server.stop();
    }

    private final class Handler implements MessageHandler {
        private final Session session;
        private final Faults faults;
        private final int sessionNumber;
        private final int messageInSession;
        private String from = "";
        private final List<String> recipients = new ArrayList<>();
        private int refused;

        Handler(Session session, Faults faults) {
            this.session = session;
            this.faults = faults;
            this.sessionNumber = sessionNumbers.computeIfAbsent(session.getSessionId(), id -> sessions.incrementAndGet());
            this.messageInSession = perSession.computeIfAbsent(session.getSessionId(), id -> new AtomicInteger()).incrementAndGet();
        }

        @Override
        public void from(String from) throws RejectException {
            if (faults.dropAtMailFrom(session.getSessionId(), sessionNumber, messageInSession)) {
                drop();
                throw new RejectException(421, "dropping the connection (test)");
            }
            this.from = from;
        }

        @Override
        public void recipient(String recipient) throws RejectException {
            String reply = faults.recipientReply(recipient, recipients.size() + refused + 1);
            if (reply != null) {
                refused++;
                throw new RejectException(Integer.parseInt(reply.substring(0, 3)), reply.substring(4));
            }
            if (faults.refuseRecipient(recipient)) {
                throw new RejectException(550, "5.1.1 <" + recipient + ">: no such user (test)");
            }
            recipients.add(recipient);
        }

        @Override
        public String data(InputStream data) throws IOException {
            byte[] bytes = data.readAllBytes();
            received.add(new Received(session.getSessionId(), session.isTLSStarted(), from, List.copyOf(recipients), bytes));
            long delay = faults.confirmDelayMillis(session.getSessionId(), sessionNumber, messageInSession);
            if (delay > 0) {
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (faults.dropAfterData(session.getSessionId(), sessionNumber, messageInSession)) {
                drop();
                throw new IOException("dropping the connection after data (test)");
            }
            return null;
        }

        @Override
        public void done() {
        }

        private void drop() {
            try {
                session.getSocket().setSoLinger(true, 0);
                session.closeSocket();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }
}
