package dev.sluice.server;

import dev.sluice.block.Secret;
import java.util.Objects;

/**
 * A key just created: its stored description and the key itself, which is shown this once and never
 * kept (only its hash is). {@code toString()} masks the key.
 *
 * @param key the stored description
 * @param token the key to give to its holder ({@code Authorization: Bearer <token>}); reveal it to print it
 */
public record NewApiKey(ApiKey key, Secret token) {
    /** Validates the fields. */
    public NewApiKey {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(token, "token");
    }
}
