package dev.sluice.tasks.email;

/** How the connection to the SMTP server is protected. */
public enum EmailSecurity {
    /** TLS from the first byte ("implicit TLS", SMTPS); port 465 by default. */
    SSL(465),
    /**
     * A plain connection upgraded with STARTTLS before anything else is sent; port 587 by default.
     * If the server does not offer STARTTLS the send fails: it never falls back to plain text.
     */
    STARTTLS(587),
    /**
     * No encryption at all; port 25 by default. Mail and password cross the network in the clear,
     * so only choose it for a relay on a trusted network; every connection logs a warning.
     */
    NONE(25);

    private final int defaultPort;

    EmailSecurity(int defaultPort) {
        this.defaultPort = defaultPort;
    }

    /** The port used when the credentials give none (465, 587 or 25). */
    public int defaultPort() {
        return defaultPort;
    }
}
