package dev.sluice.tasks.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.RetryAfter;
import dev.sluice.SluiceRuntime;
import dev.sluice.tasks.http.HttpExtractException;
import dev.sluice.tasks.http.OAuth2ClientCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * Access tokens of the OAuth2 client-credentials blocks, cached per block in each
 * {@link SluiceRuntime} until shortly before they expire (by the runtime's clock). One token
 * request at a time per block. Get the runtime's instance with {@code runtime.resource(PER_RUNTIME)}.
 */
public final class OAuth2Tokens {
    /** One cache per runtime, dropped with it. */
    public static final SluiceRuntime.Resource<OAuth2Tokens> PER_RUNTIME =
            SluiceRuntime.Resource.of("sluice-tasks-http OAuth2 tokens", OAuth2Tokens::new);

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Clock clock;
    private final Map<OAuth2ClientCredentials, Holder> cache = new ConcurrentHashMap<>();

    private record Token(String value, Instant refreshAt) {
    }

    private static final class Holder {
        @Nullable Token token;
    }

    private OAuth2Tokens(SluiceRuntime runtime) {
        this.clock = runtime.clock();
    }

    /**
     * A valid access token for {@code creds}: the cached one, or a new one from the token endpoint.
     *
     * @throws HttpExtractException when the token request fails ({@link HttpExtractException#isRetryable()}
     *         for a connection failure, 429 or 5xx)
     */
    String get(OAuth2ClientCredentials creds, HttpClient client, Duration timeout, Logger log) {
        Holder h = cache.computeIfAbsent(creds, c -> new Holder());
        synchronized (h) {
            Token t = h.token;
            if (t != null && clock.instant().isBefore(t.refreshAt())) {
                return t.value();
            }
            Token fresh = request(creds, client, timeout, log);
            h.token = fresh;
            return fresh.value();
        }
    }

    /** Drops {@code value} if it is still the cached token of {@code creds} (the API answered 401 to it). */
    void invalidate(OAuth2ClientCredentials creds, String value) {
        Holder h = cache.get(creds);
        if (h != null) {
            synchronized (h) {
                if (h.token != null && h.token.value().equals(value)) {
                    h.token = null;
                }
            }
        }
    }

    private Token request(OAuth2ClientCredentials creds, HttpClient client, Duration timeout, Logger log) {
        URI uri = URI.create(creds.tokenUrl());
        String shown = Urls.mask(uri);
        String secret = creds.clientSecret().reveal();
        StringBuilder form = new StringBuilder("grant_type=client_credentials");
        if (!creds.scopes().isEmpty()) {
            form.append("&scope=").append(Urls.encode(String.join(" ", creds.scopes())));
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json");
        if (creds.clientAuth() == OAuth2ClientCredentials.ClientAuth.BASIC) {
            // RFC 6749 section 2.3.1: form-encode id and secret before Basic
            b.header("Authorization", "Basic " + Requester.basic(Urls.encode(creds.clientId()), Urls.encode(secret)));
        } else {
            form.append("&client_id=").append(Urls.encode(creds.clientId()))
                    .append("&client_secret=").append(Urls.encode(secret));
        }
        b.POST(HttpRequest.BodyPublishers.ofString(form.toString()));
        String what = "OAuth2 token request for client '" + creds.clientId() + "' to " + shown;
        log.debug("requesting an OAuth2 token for client '{}' from {}", creds.clientId(), shown);
        HttpResponse<InputStream> resp;
        try {
            resp = client.send(b.build(), Bodies.interruptible());
        } catch (IOException e) {
            throw new HttpExtractException(what + " failed: " + e, 0, shown, e, true, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted during " + what);
        }
        try (InputStream in = Bodies.idleTimeout(resp.body(), timeout)) {
            int status = resp.statusCode();
            if (status / 100 != 2) {
                String start = Bodies.start(in, List.of(secret));
                boolean retryable = status == 429 || status >= 500;
                Duration retryAfter = retryable
                        ? RetryAfter.parse(resp.headers().firstValue("Retry-After").orElse(null), clock).orElse(null)
                        : null;
                throw new HttpExtractException(what + " failed with HTTP " + status + ": " + start
                        + (status == 400 || status == 401 ? "; check the client id, secret and scopes of the block" : ""),
                        status, shown, null, retryable, retryAfter);
            }
            JsonNode json;
            try {
                json = MAPPER.readTree(in);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new HttpExtractException(what + " answered with a body that is not JSON", status, shown, null);
            } catch (IOException e) {
                // the connection lost or stalled while the token was read: worth another try
                throw new HttpExtractException(what + " failed while reading the answer: " + e.getClass().getSimpleName()
                        + ": " + e.getMessage(), status, shown, e, true, null);
            }
            String token = json == null ? "" : json.path("access_token").asText("");
            if (token.isEmpty()) {
                throw new HttpExtractException(what + " answered without an access_token; fields: "
                        + (json == null ? "[]" : fieldNames(json)), status, shown, null);
            }
            Instant now = clock.instant();
            long expiresIn = json.path("expires_in").asLong(0);
            Instant refreshAt = expiresIn > 0
                    ? now.plusSeconds(expiresIn - Math.min(30, expiresIn / 10))
                    : Instant.MAX;
            return new Token(token, refreshAt);
        } catch (IOException e) {
            throw new HttpExtractException(what + " failed: " + e, 0, shown, e, true, null);
        }
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
