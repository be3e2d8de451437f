package dev.sluice.tasks.http;

import dev.sluice.block.BlockType;
import dev.sluice.block.Secret;
import java.util.Objects;

/**
 * A bearer token sent as {@code Authorization: Bearer <token>}.
 *
 * <pre>{@code
 * HttpExtract<JsonNode> items = HttpExtract.get("https://api.example.com/items")
 *         .auth(new BearerToken(Secret.of(System.getenv("API_TOKEN"))));
 * }</pre>
 *
 * @param token the token
 */
@BlockType("http-bearer-token")
public record BearerToken(Secret token) implements HttpAuth {
    /** Checks that the token is present. */
    public BearerToken {
        Objects.requireNonNull(token, "token");
    }
}
