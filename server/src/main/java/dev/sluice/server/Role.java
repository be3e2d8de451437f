package dev.sluice.server;

import java.util.Locale;

/**
 * What the holder of an API key may do; each role may do everything the roles before it may.
 */
public enum Role {
    /** Reads runs, logs, blocks (secret fields masked) and everything else the dashboard shows. */
    VIEWER,
    /** A viewer who may also trigger, cancel, pause and backfill runs. */
    OPERATOR,
    /** An operator who may also create and revoke API keys and manage blocks. */
    ADMIN;

    /** Whether this role may do what {@code required} may. */
    public boolean allows(Role required) {
        return compareTo(required) >= 0;
    }

    /** The lower-case name used in the API and on the command line ({@code viewer}, {@code operator}, {@code admin}). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The role named {@code text} ({@code viewer}, {@code operator} or {@code admin}, any case).
     *
     * @throws IllegalArgumentException naming the roles if it is none of them
     */
    public static Role parse(String text) {
        for (Role r : values()) {
            if (r.name().equalsIgnoreCase(text == null ? "" : text.strip())) {
                return r;
            }
        }
        throw new IllegalArgumentException("role must be one of viewer, operator, admin, was '" + text + "'");
    }
}
