package dev.sluice.tasks.email.internal;

import dev.sluice.block.Secret;
import dev.sluice.tasks.email.EmailException;
import dev.sluice.tasks.email.EmailSecurity;
import dev.sluice.tasks.email.EmailServerCredentials;
import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import javax.net.ssl.SSLException;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.util.MailConnectException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/** One open SMTP connection, made from {@link EmailServerCredentials}, with errors translated to {@link EmailException}. */
final class SmtpConnection implements AutoCloseable {
    /** What became of one message handed to {@link #send}. */
    sealed interface Outcome {
        /** Accepted by the server. */
        record Sent(String messageId) implements Outcome {
        }

        /** Refused by the server on a connection that is still open; {@code error} says why. */
        record Refused(EmailException error) implements Outcome {
        }

        /** The connection broke before the message was handed over: not delivered, may be sent again. */
        record LostBefore(EmailException error) implements Outcome {
        }

        /** The connection broke after the message was handed over: it may have been delivered. */
        record LostAfter(EmailException error) implements Outcome {
        }

        /**
         * Accepted for some recipients and refused for others ({@code error} names them).
         */
        record PartlySent(String messageId, EmailException error) implements Outcome {
        }
    }

    private final EmailServerCredentials credentials;
    private final TrackingTransport transport;

    private SmtpConnection(EmailServerCredentials credentials, TrackingTransport transport) {
        this.credentials = credentials;
        this.transport = transport;
    }

    private static final String GUARD_PROPERTY = "mail.smtp.socketFactory";

    /** The {@link SocketGuard} of {@code session}, or null for a session not made by {@link #session}. */
    static @Nullable SocketGuard guard(Session session) {
        return session.getProperties().get(GUARD_PROPERTY) instanceof SocketGuard g ? g : null;
    }

    /**
     * A Jakarta Mail session configured from {@code c}: TLS mode, verification, timeouts (each server
     * reply within the read timeout as a whole, and the connection closed when the thread using it is
     * interrupted: see {@link SocketGuard}); a message
     * some of whose recipients the server refuses still goes to the others ({@link Outcome.PartlySent}),
     * instead of to nobody.
     */
    static Session session(EmailServerCredentials c) {
        Properties p = new Properties();
        p.setProperty("mail.smtp.host", c.host());
        p.setProperty("mail.smtp.port", Integer.toString(c.port()));
        p.setProperty("mail.smtp.connectiontimeout", Long.toString(c.connectTimeout().toMillis()));
        p.setProperty("mail.smtp.timeout", Long.toString(c.readTimeout().toMillis()));
        p.setProperty("mail.smtp.writetimeout", Long.toString(c.readTimeout().toMillis()));
        p.setProperty("mail.smtp.auth", Boolean.toString(c.username() != null));
        switch (c.security()) {
            case SSL -> p.setProperty("mail.smtp.ssl.enable", "true");
            case STARTTLS -> {
                p.setProperty("mail.smtp.starttls.enable", "true");
                p.setProperty("mail.smtp.starttls.required", "true");
            }
            case NONE -> p.setProperty("mail.smtp.starttls.enable", "false");
        }
        p.setProperty("mail.smtp.sendpartial", "true");
        // every socket of the session through a guard that bounds each reply as a whole and heeds interrupts
        p.put(GUARD_PROPERTY, new SocketGuard(c.readTimeout()));
        if (c.trustAll()) {
            p.setProperty("mail.smtp.ssl.trust", "*");
            p.setProperty("mail.smtp.ssl.checkserveridentity", "false");
        } else {
            p.setProperty("mail.smtp.ssl.checkserveridentity", "true");
        }
        return Session.getInstance(p);
    }

    /**
     * Connects (and logs in, if the credentials have a username).
     *
     * @throws EmailException of kind CONNECTION, TLS or AUTHENTICATION, naming the server
     */
    static SmtpConnection open(EmailServerCredentials c, Session session, Logger log) {
        if (c.security() == EmailSecurity.NONE) {
            log.warn("SMTP server {} is used with security NONE: {} the network unencrypted;"
                    + " use SSL or STARTTLS unless this is a trusted relay", c.address(),
                    c.username() != null ? "mail and password cross" : "mail crosses");
        }
        if (c.trustAll() && c.security() != EmailSecurity.NONE) {
            log.warn("TLS certificate and host name verification is OFF for SMTP server {} (trustAll):"
                    + " anyone in the middle can read the mail; use trustAll only in tests", c.address());
        }
        log.debug("connecting to SMTP server {} (security {}, user {}, password {}, connect timeout {}, read timeout {})",
                c.address(), c.security(), c.username(), c.password() == null ? "none" : "<masked>",
                c.connectTimeout(), c.readTimeout());
        TrackingTransport transport = new TrackingTransport(session,
                new URLName("smtp", c.host(), c.port(), null, c.username(), null), c.security() == EmailSecurity.SSL);
        Secret password = c.password();
        try {
            transport.connect(c.host(), c.port(), c.username(), password == null ? null : password.reveal());
        } catch (AuthenticationFailedException e) {
            int code = transport.getLastReturnCode();
            closeQuietly(transport);
            if (code >= 400 && code < 500) {
                // 454 "Temporary authentication failure", "Too many login attempts, try again later": not the password
                throw new EmailException(EmailException.Kind.AUTHENTICATION, "SMTP server " + c.address()
                        + " refused the login as '" + c.username() + "' for now (" + oneLine(mask(c, e.getMessage()))
                        + "): a temporary refusal (" + code + "), which may succeed later", true, masked(c, e));
            }
            throw new EmailException(EmailException.Kind.AUTHENTICATION, "authentication as '" + c.username()
                    + "' at SMTP server " + c.address() + " failed (" + oneLine(mask(c, e.getMessage()))
                    + "); check the username and password of the email-server-credentials", false, masked(c, e));
        } catch (MessagingException e) {
            closeQuietly(transport);
            SocketGuard guard = guard(session);
            String why = guard == null ? null : guard.closedBecause();
            // no greeting at all: most often a port that speaks TLS from the first byte (465), waiting for ours
            String hint = transport.replied() || c.security() == EmailSecurity.SSL || !hasIoCause(e) ? ""
                    : "; the server sent no greeting: if this port speaks TLS from the first byte (SMTPS, usually 465),"
                            + " use security SSL";
            if (why != null) {
                throw new EmailException(EmailException.Kind.CONNECTION, "could not open a session with SMTP server "
                        + c.address() + " (security " + c.security() + "): " + why + hint, true, e);
            }
            EmailException failure = connectFailure(c, e);
            if (!hint.isEmpty() && failure.kind() == EmailException.Kind.CONNECTION && !(e instanceof MailConnectException)) {
                throw new EmailException(failure.kind(), failure.getMessage() + hint, failure.isRetryable(), e);
            }
            throw failure;
        }
        return new SmtpConnection(c, transport);
    }

    /**
     * Sends {@code message} to all its recipients; never throws for a send failure, see {@link Outcome}.
     * Recipients the server put off with {@code 452} (too many recipients for one message, RFC 5321
     * 4.5.3.1.10) once it took others get the message in further transactions, as long as the server
     * takes some each time: each recipient gets it once.
     */
    Outcome send(MimeMessage message) {
        String id;
        try {
            id = message.getMessageID();
            transport.sendMessage(message, message.getAllRecipients());
            return new Outcome.Sent(id == null ? "" : id);
        } catch (MessagingException e) {
            if (e instanceof SendFailedException sfe && sfe.getValidSentAddresses() != null
                    && sfe.getValidSentAddresses().length > 0) {
                return partly(message, sfe);
            }
            return classify(e);
        }
    }

    /** The rest of a send the server took for some recipients only: see {@link #send}. */
    private Outcome partly(MimeMessage message, SendFailedException first) {
        String id = idOrEmpty(message);
        List<Address> reached = new ArrayList<>();
        List<Address> refused = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        SendFailedException failure = first;
        while (true) {
            reached.addAll(List.of(failure.getValidSentAddresses()));
            List<Address> later = new ArrayList<>();
            for (Address a : addresses(failure.getInvalidAddresses(), failure.getValidUnsentAddresses())) {
                int code = refusalCode(failure, a);
                if (code == 452) {
                    later.add(a);
                } else {
                    refused.add(a);
                    addReason(reasons, refusalOf(failure, a));
                }
            }
            if (later.isEmpty()) {
                break;
            }
            try {
                transport.sendMessage(message, later.toArray(Address[]::new));
                reached.addAll(later);
                break;
            } catch (SendFailedException again) {
                if (again.getValidSentAddresses() != null && again.getValidSentAddresses().length > 0) {
                    failure = again; // the server took some more: go on with the rest
                    continue;
                }
                refused.addAll(later);
                addReason(reasons, describe(firstRefusal(again)));
                break;
            } catch (MessagingException again) {
                // the rest could not be sent (the connection broke or the server refused): named as refused
                refused.addAll(later);
                addReason(reasons, describe(again));
                if (!transport.isConnected()) {
                    closeQuietly(transport);
                }
                break;
            }
        }
        if (refused.isEmpty()) {
            return new Outcome.Sent(id);
        }
        return new Outcome.PartlySent(id, new EmailException(EmailException.Kind.REJECTED,
                "SMTP server " + credentials.address() + " refused recipients " + refused + " (" + String.join("; ", reasons)
                        + "); the message" + (id.isEmpty() ? "" : " " + id) + " was delivered to the other recipients "
                        + reached + " and is not sent again", false, first));
    }

    private static List<Address> addresses(Address @Nullable [] invalid, Address @Nullable [] unsent) {
        List<Address> all = new ArrayList<>();
        if (invalid != null) {
            all.addAll(List.of(invalid));
        }
        if (unsent != null) {
            all.addAll(List.of(unsent));
        }
        return all;
    }

    private static void addReason(List<String> reasons, String reason) {
        if (!reasons.contains(reason)) {
            reasons.add(reason);
        }
    }

    /** The server's refusal of {@code address} in {@code e}'s chain, else {@code e}'s first refusal. */
    private static String refusalOf(MessagingException e, Address address) {
        for (Throwable t = e; t != null; t = next(t)) {
            if (t instanceof SMTPAddressFailedException a && address.equals(a.getAddress())) {
                return describeOne(a);
            }
        }
        return describe(firstRefusal(e));
    }

    /** The reply code the server refused {@code address} with in {@code e}'s chain, else -1. */
    private static int refusalCode(MessagingException e, Address address) {
        for (Throwable t = e; t != null; t = next(t)) {
            if (t instanceof SMTPAddressFailedException a && address.equals(a.getAddress())) {
                return a.getReturnCode();
            }
        }
        return -1;
    }

    /** The message of {@code e} alone, on one line. */
    private static String describeOne(Throwable e) {
        String m = e.getMessage();
        return dev.sluice.block.Secret.mask(m == null || m.isBlank() ? e.getClass().getSimpleName() : m)
                .strip().replaceAll("\\s+", " ");
    }

    private static String idOrEmpty(MimeMessage message) {
        try {
            String id = message.getMessageID();
            return id == null ? "" : id;
        } catch (MessagingException e) {
            return "";
        }
    }

    /** The refusal of the first refused recipient in {@code e}'s chain, else {@code e}. */
    private static Throwable firstRefusal(MessagingException e) {
        for (Throwable t = e; t != null; t = next(t)) {
            if (t instanceof SMTPAddressFailedException) {
                return t;
            }
        }
        return e;
    }

    /** True if the connection is still open (checked with a NOOP). */
    boolean isOpen() {
        return transport.isConnected();
    }

    @Override
    public void close() {
        closeQuietly(transport);
    }

    /** The message of {@code e} and its causes, with why the guard closed the connection if it did. */
    private String explain(MessagingException e) {
        SocketGuard guard = guard(transport.session());
        String why = guard == null ? null : guard.closedBecause();
        return why == null ? describe(e) : why + ": " + describe(e);
    }

    private Outcome classify(MessagingException e) {
        int code = replyCode(e);
        boolean handedOver = transport.handedOver();
        boolean replied = code >= 400 && code < 600 && code != 421;
        if (replied && transport.isConnected()) {
            return new Outcome.Refused(refusal(e, code));
        }
        closeQuietly(transport);
        String server = credentials.address();
        if (replied) {
            return new Outcome.Refused(refusal(e, code));
        }
        if (handedOver && code != 421) {
            return new Outcome.LostAfter(new EmailException(EmailException.Kind.UNCONFIRMED, "the connection to SMTP server "
                    + server + " broke after the message was handed over and before the server confirmed it ("
                    + explain(e) + "); it may have been delivered, so it is not sent again", false, e));
        }
        return new Outcome.LostBefore(new EmailException(EmailException.Kind.CONNECTION, "the connection to SMTP server "
                + server + " was lost before the message was sent (" + explain(e) + ")", true, e));
    }

    private EmailException refusal(MessagingException e, int code) {
        String what;
        if (e instanceof SendFailedException sfe && sfe.getInvalidAddresses() != null && sfe.getInvalidAddresses().length > 0) {
            what = "refused recipients " + Arrays.toString(sfe.getInvalidAddresses());
        } else {
            what = "refused the message";
        }
        boolean temporary = code >= 400 && code < 500;
        return new EmailException(EmailException.Kind.REJECTED, "SMTP server " + credentials.address() + " " + what + ": "
                + describe(e) + (temporary ? " (temporary: may succeed later)" : ""), temporary, e);
    }

    /** The SMTP reply code behind {@code e}: the first one found in its chain, else the last one read, else -1. */
    private int replyCode(MessagingException e) {
        for (Throwable t = e; t != null; t = next(t)) {
            if (t instanceof SMTPSendFailedException s && s.getReturnCode() > 0) {
                return s.getReturnCode();
            }
            if (t instanceof SMTPAddressFailedException a && a.getReturnCode() > 0) {
                return a.getReturnCode();
            }
        }
        for (Throwable t = e; t != null; t = next(t)) {
            if (t instanceof IOException) {
                return -1;
            }
        }
        return transport.getLastReturnCode();
    }

    private static @Nullable Throwable next(Throwable t) {
        if (t instanceof MessagingException m && m.getNextException() != null && m.getNextException() != t) {
            return m.getNextException();
        }
        return t.getCause() == t ? null : t.getCause();
    }

    private static EmailException connectFailure(EmailServerCredentials c, MessagingException e) {
        String message = String.valueOf(e.getMessage());
        if (c.security() == EmailSecurity.STARTTLS && message.contains("STARTTLS")) {
            return new EmailException(EmailException.Kind.TLS, "SMTP server " + c.address() + " does not offer STARTTLS,"
                    + " which security STARTTLS requires; refusing to send unencrypted (use SSL if the server speaks TLS"
                    + " from the start, or NONE only for a trusted relay)", false, e);
        }
        for (Throwable t = e; t != null; t = next(t)) {
            if (t instanceof SSLException) {
                boolean certificate = false;
                for (Throwable u = t; u != null; u = next(u)) {
                    certificate |= u instanceof CertificateException
                            || String.valueOf(u.getMessage()).contains("PKIX")
                            || String.valueOf(u.getMessage()).contains("subject alternative");
                }
                String advice = certificate
                        ? "the server's certificate is not trusted by this JVM or does not match the host name '" + c.host()
                                + "'; add its CA to the JVM's trust store (trustAll is for tests only)"
                        : "check that the server speaks TLS " + (c.security() == EmailSecurity.SSL
                                ? "from the first byte on this port (SSL is usually port 465; use STARTTLS for 587)"
                                : "after STARTTLS on this port");
                return new EmailException(EmailException.Kind.TLS, "TLS with SMTP server " + c.address() + " failed ("
                        + oneLine(t.getMessage()) + "); " + advice, false, e);
            }
        }
        String cause = describe(e);
        if (e instanceof MailConnectException || hasIoCause(e)) {
            return new EmailException(EmailException.Kind.CONNECTION, "could not connect to SMTP server " + c.address()
                    + " (security " + c.security() + "): " + cause
                    + "; check the host and port and that the server is running", true, e);
        }
        return new EmailException(EmailException.Kind.CONNECTION, "could not open a session with SMTP server "
                + c.address() + " (security " + c.security() + "): " + cause, true, e);
    }

    private static boolean hasIoCause(Throwable e) {
        for (Throwable t = e; t != null; t = next(t)) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    private static String oneLine(@Nullable String text) {
        return text == null ? "" : text.strip().replaceAll("\\s+", " ");
    }

    /** The message of {@code e} and of its causes, on one line. */
    static String describe(Throwable e) {
        List<String> parts = new ArrayList<>();
        for (Throwable t = e; t != null && parts.size() < 4; t = next(t)) {
            String m = t.getMessage();
            // masked before the white space is collapsed: a secret with a space or tab in it stays masked
            String text = dev.sluice.block.Secret.mask(m == null || m.isBlank() ? t.getClass().getSimpleName() : m)
                    .strip().replaceAll("\\s+", " ");
            if (parts.stream().noneMatch(p -> p.contains(text))) {
                parts.add(text);
            }
        }
        return String.join(": ", parts);
    }

    /** {@code text} with the password, and the base64 forms AUTH PLAIN and LOGIN send it in, masked. */
    static String mask(EmailServerCredentials c, @Nullable String text) {
        if (text == null) {
            return "";
        }
        Secret password = c.password();
        if (password == null || password.isEmpty()) {
            return text;
        }
        String value = password.reveal();
        Base64.Encoder b64 = Base64.getEncoder();
        String user = c.username() == null ? "" : c.username();
        String[] forms = {
                b64.encodeToString(("\0" + user + "\0" + value).getBytes(StandardCharsets.UTF_8)),
                b64.encodeToString(value.getBytes(StandardCharsets.UTF_8)),
                value};
        String result = text;
        for (String form : forms) {
            result = result.replace(form, "**********");
        }
        return result;
    }

    /** {@code e}, or if its messages hold the password, a plain exception with them masked and no cause. */
    private static Throwable masked(EmailServerCredentials c, MessagingException e) {
        for (Throwable t = e; t != null; t = next(t)) {
            String m = t.getMessage();
            if (m != null && !m.equals(mask(c, m))) {
                MessagingException clean = new MessagingException(mask(c, describe(e)));
                clean.setStackTrace(e.getStackTrace());
                return clean;
            }
        }
        return e;
    }

    private static void closeQuietly(TrackingTransport transport) {
        try {
            transport.close();
        } catch (MessagingException | RuntimeException ignored) {
            // closing a broken connection: nothing to do
        }
    }
}
