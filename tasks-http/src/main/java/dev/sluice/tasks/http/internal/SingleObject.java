package dev.sluice.tasks.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.tasks.http.HttpExtractException;
import dev.sluice.tasks.http.PageRequest;
import io.github.resilience4j.ratelimiter.RateLimiter;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * One request whose JSON value at the records pointer is the result, mapped whole: a single
 * object (or array, or scalar) rather than records. Retries, auth, redirects and the rate limit as
 * for pages; pagination does not apply.
 */
public final class SingleObject {
    private SingleObject() {
    }

    /**
     * The value at the records pointer of {@code spec}'s response, mapped by {@code mapper}.
     *
     * @throws HttpExtractException when the request fails, the body is not JSON, or the value is
     *         missing, null or does not map
     */
    public static <T> T fetch(ExtractSpec spec, @Nullable RateLimiter limiter, Logger log, Function<JsonNode, T> mapper,
            String typeName) {
        Requester requester = new Requester(spec, limiter, log, "application/json");
        long maxBytes = spec.maxBodyBytes < 0 ? ExtractSpec.DEFAULT_MAX_PAGE_BYTES : spec.maxBodyBytes;
        record Value(JsonNode node, String what, int status, String shown) {
        }
        Value v = requester.execute(PageRequest.of(spec.uri, spec.body), "request", (status, headers, uri, body) -> {
            String shown = spec.show(uri);
            String what = spec.method + " " + shown;
            if (status == 204) {
                throw new HttpExtractException(what + " answered 204 No Content: no object to map to " + typeName,
                        status, shown, null);
            }
            JsonNode root = JsonResponses.read(what, shown, status, headers, body, maxBytes, requester.secrets());
            JsonNode node = JsonResponses.at(root, spec.recordsPointer, spec.recordsPointerText, "the object", what,
                    status, shown);
            if (node.isNull()) {
                throw new HttpExtractException(what + " has null at the records pointer '" + spec.recordsPointerText
                        + "', not a value to map to " + typeName, status, shown, null);
            }
            return new Value(node, what, status, shown);
        });
        if (log.isDebugEnabled()) {
            log.debug("{}: one {}", v.what(), v.node().getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        try {
            return mapper.apply(v.node());
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j : e;
            String reason = cause instanceof com.fasterxml.jackson.core.JsonProcessingException j
                    ? JsonResponses.reason(j) : String.valueOf(e.getMessage());
            throw new HttpExtractException("the JSON of " + v.what() + " cannot be mapped to " + typeName + ": " + reason,
                    v.status(), v.shown(), cause);
        }
    }
}
