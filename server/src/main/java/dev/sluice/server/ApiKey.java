package dev.sluice.server;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An API key as stored: everything but the key itself, of which only a hash is kept.
 *
 * @param id the key's public id (also the part of the key after {@code sluice_} and before the next {@code _})
 * @param name a name for people ({@code "ci"}, {@code "alice"})
 * @param role what the key may do
 * @param createdAt when it was created
 * @param revokedAt when it was revoked, or {@code null} while it is valid
 */
public record ApiKey(String id, String name, Role role, Instant createdAt, @Nullable Instant revokedAt) {
    /** Validates the fields. */
    public ApiKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** Whether the key still lets its holder in. */
    public boolean isActive() {
        return revokedAt == null;
    }

    /** When it was revoked, if it was. */
    public Optional<Instant> revoked() {
        return Optional.ofNullable(revokedAt);
    }
}
