package dev.sluice.tasks.http;

import dev.sluice.block.BlockType;
import dev.sluice.block.Secret;
import java.util.Objects;

/**
 * HTTP Basic authentication (RFC 7617): {@code Authorization: Basic base64(username:password)}, UTF-8.
 *
 * @param username the user name; must not contain ':'
 * @param password the password
 */
@BlockType("http-basic-auth")
public record BasicAuth(String username, Secret password) implements HttpAuth {
    /** Checks the fields. */
    public BasicAuth {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        if (username.indexOf(':') >= 0) {
            throw new IllegalArgumentException("username must not contain ':' (RFC 7617), was '" + username + "'");
        }
    }
}
