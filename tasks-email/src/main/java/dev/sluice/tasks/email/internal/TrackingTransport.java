package dev.sluice.tasks.email.internal;

import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import java.io.IOException;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * Angus's SMTP transport, noting whether the current message was handed over completely (the
 * end-of-data marker was being sent). A connection lost before that point means the message was
 * not delivered and may be sent again; lost after it, delivery is unknown and it must not be. Each
 * server reply is timed by the session's {@link SocketGuard}.
 */
final class TrackingTransport extends SMTPTransport {
    private boolean handedOver;
    private volatile boolean replied;
    private volatile boolean handshaking;

    TrackingTransport(Session session, URLName url, boolean ssl) {
        super(session, url, "smtp", ssl);
    }

    @Override
    protected int readServerResponse() throws MessagingException {
        SocketGuard guard = SmtpConnection.guard(session);
        if (guard == null) {
            return replied(super.readServerResponse());
        }
        guard.replyStarted();
        try {
            return replied(super.readServerResponse());
        } finally {
            if (handshaking) {
                guard.replyStarted(); // the server's 220 to STARTTLS: the handshake that follows is timed as a reply
            } else {
                guard.replyEnded();
            }
        }
    }

    @Override
    protected void startTLS() throws MessagingException {
        SocketGuard guard = SmtpConnection.guard(session);
        handshaking = true;
        try {
            super.startTLS();
        } finally {
            handshaking = false;
            if (guard != null) {
                guard.replyEnded();
            }
        }
    }

    @Override
    public synchronized void sendMessage(Message message, Address[] addresses) throws MessagingException {
        handedOver = false;
        super.sendMessage(message, addresses);
    }

    @Override
    protected void finishData() throws IOException, MessagingException {
        handedOver = true;
        super.finishData();
    }

    @Override
    protected void finishBdat() throws IOException, MessagingException {
        handedOver = true;
        super.finishBdat();
    }

    private int replied(int code) {
        if (code > 0) {
            replied = true;
        }
        return code;
    }

    /** True once the server sent a reply (its greeting, the first). */
    boolean replied() {
        return replied;
    }

    /** The session this transport belongs to. */
    Session session() {
        return session;
    }

    /** True once the end of the current message's data started to go out. */
    synchronized boolean handedOver() {
        return handedOver;
    }
}
