package dev.sluice.tasks.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.tasks.http.HttpExtractException;
import dev.sluice.tasks.http.OAuth2ClientCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
 * Access tokens of the OAuth2 client-credentials blocks, cached per block in this JVM until
 * shortly before they expire. One token request at a time per block.
 */
public final class OAuth2Tokens {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Map<OAuth2ClientCredentials, Holder> CACHE = new ConcurrentHashMap<>();

    private record Token(String value, Instant refreshAt) {
    }

    private static final class Holder {
        @Nullable Token token;
    }

    private OAuth2Tokens() {
    }

    /** Forgets every cached token (tests). */
    public static void clear() {
        CACHE.clear();
    }

    /** A valid access token for {@code creds}: the cached one, or a new one from the token endpoint. */
    static String get(OAuth2ClientCredentials creds, HttpClient client, Duration timeout, Logger log) throws Retryable {
        Holder h = CACHE.computeIfAbsent(creds, c -> new Holder());
        synchronized (h) {
            Token t = h.token;
            if (t != null && HttpSettings.clock().instant().isBefore(t.refreshAt())) {
                return t.value();
            }
            Token fresh = request(creds, client, timeout, log);
            h.token = fresh;
            return fresh.value();
        }
    }

    /** Drops {@code value} if it is still the cached token of {@code creds} (the API answered 401 to it). */
    static void invalidate(OAuth2ClientCredentials creds, String value) {
        Holder h = CACHE.get(creds);
        if (h != null) {
            synchronized (h) {
                if (h.token != null && h.token.value().equals(value)) {
                    h.token = null;
                }
            }
        }
    }

    private static Token request(OAuth2ClientCredentials creds, HttpClient client, Duration timeout, Logger log)
            throws Retryable {
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
            String pair = Urls.encode(creds.clientId()) + ":" + Urls.encode(secret);
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        } else {
            form.append("&client_id=").append(Urls.encode(creds.clientId()))
                    .append("&client_secret=").append(Urls.encode(secret));
        }
        b.POST(HttpRequest.BodyPublishers.ofString(form.toString()));
        String what = "OAuth2 token request for client '" + creds.clientId() + "' to " + shown;
        log.debug("requesting an OAuth2 token for client '{}' from {}", creds.clientId(), shown);
        HttpResponse<InputStream> resp;
        try {
            resp = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            HttpExtractException x = new HttpExtractException(what + " failed: " + e, 0, shown, e);
            throw new Retryable(x, e, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted during " + what);
        }
        try (InputStream in = resp.body()) {
            int status = resp.statusCode();
            if (status / 100 != 2) {
                String start = Bodies.start(in, List.of(secret));
                HttpExtractException x = new HttpExtractException(what + " failed with HTTP " + status + ": " + start
                        + (status == 400 || status == 401 ? "; check the client id, secret and scopes of the block" : ""),
                        status, shown, null);
                if (status == 429 || status >= 500) {
                    throw new Retryable(x, x, RetryAfter.parse(resp.headers().firstValue("Retry-After").orElse(null),
                            HttpSettings.clock().instant()).orElse(null));
                }
                throw x;
            }
            JsonNode json;
            try {
                json = MAPPER.readTree(in);
            } catch (IOException e) {
                throw new HttpExtractException(what + " answered with a body that is not JSON", status, shown, null);
            }
            String token = json == null ? "" : json.path("access_token").asText("");
            if (token.isEmpty()) {
                throw new HttpExtractException(what + " answered without an access_token; fields: "
                        + (json == null ? "[]" : fieldNames(json)), status, shown, null);
            }
            Instant now = HttpSettings.clock().instant();
            long expiresIn = json.path("expires_in").asLong(0);
            Instant refreshAt = expiresIn > 0
                    ? now.plusSeconds(expiresIn - Math.min(30, expiresIn / 10))
                    : Instant.MAX;
            return new Token(token, refreshAt);
        } catch (IOException e) {
            HttpExtractException x = new HttpExtractException(what + " failed: " + e, 0, shown, e);
            throw new Retryable(x, e, null);
        }
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
