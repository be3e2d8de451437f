package dev.sluice.tasks.email;

import dev.sluice.block.Block;
import dev.sluice.block.BlockType;
import dev.sluice.block.Secret;
import dev.sluice.tasks.email.internal.Checks;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How to reach and log in to an SMTP server: a {@link Block}, so it can be saved once and loaded by
 * name. TLS certificates and host names are verified unless {@link #trustAll()} is set, which is
 * for tests against servers with self-signed certificates only.
 *
 * <pre>{@code
 * EmailServerCredentials smtp = EmailServerCredentials.of("smtp.example.com", EmailSecurity.STARTTLS,
 *         "reports@example.com", Secret.of(System.getenv("SMTP_PASSWORD")));
 * }</pre>
 *
 * @param host           the server's host name or address
 * @param port           the server's port; {@code 0} means the default for {@code security}
 *                       (465, 587 or 25)
 * @param security       {@link EmailSecurity#SSL}, {@link EmailSecurity#STARTTLS} (never falls back
 *                       to plain text) or {@link EmailSecurity#NONE} (warned about on each connection)
 * @param username       the login, also the default sender when it is an email address (SendGrid's
 *                       {@code apikey} is not: give such messages a sender); null to send without logging in
 * @param password       the password; null exactly when {@code username} is null
 * @param trustAll       true to accept any certificate for any host name: for tests only, warned
 *                       about on each connection
 * @param connectTimeoutMillis how long to wait for the TCP connection, in milliseconds; {@code 0}
 *                       means {@link #DEFAULT_CONNECT_TIMEOUT} (see {@link #connectTimeout()})
 * @param readTimeoutMillis how long each server reply may take in all (and each write), in milliseconds;
 *                       {@code 0} means {@link #DEFAULT_READ_TIMEOUT} (see {@link #readTimeout()})
 */
@BlockType("email-server-credentials")
public record EmailServerCredentials(
        String host,
        int port,
        EmailSecurity security,
        @Nullable String username,
        @Nullable Secret password,
        boolean trustAll,
        long connectTimeoutMillis,
        long readTimeoutMillis) implements Block {

    /** The connect timeout unless set: 30 seconds. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);
    /** The read timeout unless set: 60 seconds. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);

    /** Validates; a {@code port} or timeout of 0 becomes its default. */
    public EmailServerCredentials {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(security, "security");
        if (host.isBlank() || host.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            throw new IllegalArgumentException("host must be a host name or address without spaces or control characters, was '"
                    + Checks.printable(host) + "'");
        }
        if (port == 0) {
            port = security.defaultPort();
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be between 1 and 65535 (or 0 for the default), was " + port);
        }
        if (username != null) {
            Checks.noLineBreaks("username", username);
            if (username.isEmpty()) {
                throw new IllegalArgumentException("username must not be empty; use null to send without logging in");
            }
        }
        if ((username == null) != (password == null)) {
            throw new IllegalArgumentException(username == null
                    ? "password given without a username: give both, or neither to send without logging in"
                    : "username '" + username + "' given without a password: give both, or neither to send without logging in");
        }
        connectTimeoutMillis = checkTimeout("connectTimeoutMillis", connectTimeoutMillis, DEFAULT_CONNECT_TIMEOUT);
        readTimeoutMillis = checkTimeout("readTimeoutMillis", readTimeoutMillis, DEFAULT_READ_TIMEOUT);
    }

    /** Credentials that log in as {@code username}, on the default port of {@code security}. */
    public static EmailServerCredentials of(String host, EmailSecurity security, String username, Secret password) {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        return new EmailServerCredentials(host, 0, security, username, password, false, 0, 0);
    }

    /** Credentials that send without logging in (a relay that trusts the network), on the default port of {@code security}. */
    public static EmailServerCredentials of(String host, EmailSecurity security) {
        return new EmailServerCredentials(host, 0, security, null, null, false, 0, 0);
    }

    /** A copy using {@code port} (0 = the default for the security). */
    public EmailServerCredentials withPort(int port) {
        return new EmailServerCredentials(host, port, security, username, password, trustAll, connectTimeoutMillis,
                readTimeoutMillis);
    }

    /** A copy logging in as {@code username} with {@code password}. */
    public EmailServerCredentials withLogin(String username, Secret password) {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        return new EmailServerCredentials(host, port, security, username, password, trustAll, connectTimeoutMillis,
                readTimeoutMillis);
    }

    /**
     * A copy that, if {@code trustAll}, accepts any TLS certificate for any host name. This defeats
     * TLS: use it only in tests against a server with a self-signed certificate. Every connection
     * made with it logs a warning.
     */
    public EmailServerCredentials withTrustAll(boolean trustAll) {
        return new EmailServerCredentials(host, port, security, username, password, trustAll, connectTimeoutMillis,
                readTimeoutMillis);
    }

    /** A copy with these timeouts (each positive, at most {@code Integer.MAX_VALUE} ms). */
    public EmailServerCredentials withTimeouts(Duration connectTimeout, Duration readTimeout) {
        return new EmailServerCredentials(host, port, security, username, password, trustAll,
                positiveMillis("connectTimeout", connectTimeout), positiveMillis("readTimeout", readTimeout));
    }

    /** How long to wait for the TCP connection. */
    public Duration connectTimeout() {
        return Duration.ofMillis(connectTimeoutMillis);
    }

    /**
     * How long each server reply may take in all (the TLS handshake too), and each write: a server that trickles its reply
     * in a byte at a time has its connection closed once the reply took this long, so it cannot hold
     * a send for longer however slowly it answers.
     */
    public Duration readTimeout() {
        return Duration.ofMillis(readTimeoutMillis);
    }

    /** {@code host:port}, as error messages name the server. */
    public String address() {
        return host + ":" + port;
    }

    private static long checkTimeout(String field, long millis, Duration fallback) {
        if (millis == 0) {
            return fallback.toMillis();
        }
        if (millis < 0 || millis > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(field + " must be between 1 and " + Integer.MAX_VALUE
                    + " (or 0 for the default), was " + millis);
        }
        return millis;
    }

    private static long positiveMillis(String field, Duration timeout) {
        Objects.requireNonNull(timeout, field);
        if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() == 0) {
            throw new IllegalArgumentException(field + " must be at least 1 ms, was " + timeout);
        }
        if (timeout.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException(field + " must be at most " + Integer.MAX_VALUE + " ms, was " + timeout);
        }
        return timeout.toMillis();
    }
}
