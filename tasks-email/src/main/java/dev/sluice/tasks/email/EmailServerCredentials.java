package dev.sluice.tasks.email;

import dev.sluice.Block;
import dev.sluice.BlockType;
import dev.sluice.Secret;
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
 * @param username       the login, also the default sender; null to send without logging in
 * @param password       the password; null exactly when {@code username} is null
 * @param trustAll       true to accept any certificate for any host name: for tests only, warned
 *                       about on each connection
 * @param connectTimeout how long to wait for the TCP connection
 * @param readTimeout    how long to wait for each server reply (and each write)
 */
@BlockType("email-server-credentials")
public record EmailServerCredentials(
        String host,
        int port,
        EmailSecurity security,
        @Nullable String username,
        @Nullable Secret password,
        boolean trustAll,
        Duration connectTimeout,
        Duration readTimeout) implements Block {

    /** The connect timeout unless set: 30 seconds. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);
    /** The read timeout unless set: 60 seconds. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);

    /** Validates; a {@code port} of 0 becomes the default port of {@code security}. */
    public EmailServerCredentials {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(security, "security");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(readTimeout, "readTimeout");
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
        checkTimeout("connectTimeout", connectTimeout);
        checkTimeout("readTimeout", readTimeout);
    }

    /** Credentials that log in as {@code username}, on the default port of {@code security}. */
    public static EmailServerCredentials of(String host, EmailSecurity security, String username, Secret password) {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        return new EmailServerCredentials(host, 0, security, username, password, false,
                DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT);
    }

    /** Credentials that send without logging in (a relay that trusts the network), on the default port of {@code security}. */
    public static EmailServerCredentials of(String host, EmailSecurity security) {
        return new EmailServerCredentials(host, 0, security, null, null, false,
                DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT);
    }

    /** A copy using {@code port} (0 = the default for the security). */
    public EmailServerCredentials withPort(int port) {
        return new EmailServerCredentials(host, port, security, username, password, trustAll, connectTimeout, readTimeout);
    }

    /** A copy logging in as {@code username} with {@code password}. */
    public EmailServerCredentials withLogin(String username, Secret password) {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        return new EmailServerCredentials(host, port, security, username, password, trustAll, connectTimeout, readTimeout);
    }

    /**
     * A copy that, if {@code trustAll}, accepts any TLS certificate for any host name. This defeats
     * TLS: use it only in tests against a server with a self-signed certificate. Every connection
     * made with it logs a warning.
     */
    public EmailServerCredentials withTrustAll(boolean trustAll) {
        return new EmailServerCredentials(host, port, security, username, password, trustAll, connectTimeout, readTimeout);
    }

    /** A copy with these timeouts (each positive). */
    public EmailServerCredentials withTimeouts(Duration connectTimeout, Duration readTimeout) {
        return new EmailServerCredentials(host, port, security, username, password, trustAll, connectTimeout, readTimeout);
    }

    /** {@code host:port}, as error messages name the server. */
    public String address() {
        return host + ":" + port;
    }

    private static void checkTimeout(String field, Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(field + " must be positive, was " + timeout);
        }
        if (timeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(field + " must be at most " + Integer.MAX_VALUE + " ms, was " + timeout);
        }
    }
}
