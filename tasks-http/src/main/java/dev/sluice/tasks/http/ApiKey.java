package dev.sluice.tasks.http;

import dev.sluice.block.BlockType;
import dev.sluice.block.Secret;
import java.util.Objects;

/**
 * An API key sent either as a request header ({@code X-Api-Key: <key>}) or as a query parameter
 * ({@code ?api_key=<key>}). A key sent in the query is masked in every URL Sluice logs or puts in
 * an exception message.
 *
 * <pre>{@code
 * ApiKey inHeader = ApiKey.header("X-Api-Key", Secret.of(key));
 * ApiKey inQuery = ApiKey.query("api_key", Secret.of(key));
 * HttpExtract<JsonNode> items = HttpExtract.get("https://api.example.com/items").auth(inHeader);
 * }</pre>
 *
 * @param name the header or query parameter name
 * @param key the key
 * @param in where the key goes
 */
@BlockType("http-api-key")
public record ApiKey(String name, Secret key, Location in) implements HttpAuth {
    /** Where the key is sent. */
    public enum Location {
        /** As a request header named {@link ApiKey#name()}. */
        HEADER,
        /** As a query parameter named {@link ApiKey#name()}. */
        QUERY
    }

    /** Checks the fields. */
    public ApiKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(in, "in");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
    }

    /** A key sent as the header {@code name}. */
    public static ApiKey header(String name, Secret key) {
        return new ApiKey(name, key, Location.HEADER);
    }

    /** A key sent as the query parameter {@code name}. */
    public static ApiKey query(String name, Secret key) {
        return new ApiKey(name, key, Location.QUERY);
    }
}
