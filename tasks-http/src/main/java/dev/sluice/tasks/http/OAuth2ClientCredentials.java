package dev.sluice.tasks.http;

import dev.sluice.block.BlockType;
import dev.sluice.block.Secret;
import dev.sluice.tasks.http.internal.Urls;
import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * OAuth 2.0 client credentials grant (RFC 6749 section 4.4): a token is requested from
 * {@code tokenUrl} with the client id and secret, sent as {@code Authorization: Bearer}, cached per
 * {@link dev.sluice.SluiceRuntime} (so two runtimes in one JVM never share a token) until shortly
 * before it expires by the runtime's clock, and fetched again once when the API answers 401. A
 * token request that fails with a connection failure, 429 or 5xx is retried as the extract's
 * request is, in the same retry loop.
 *
 * @param tokenUrl the token endpoint
 * @param clientId the client id
 * @param clientSecret the client secret
 * @param scopes the scopes to ask for (none: the server's default)
 * @param clientAuth how the client id and secret reach the token endpoint
 */
@BlockType("http-oauth2-client-credentials")
public record OAuth2ClientCredentials(String tokenUrl, String clientId, Secret clientSecret, List<String> scopes,
        ClientAuth clientAuth) implements HttpAuth {

    /** How the client authenticates to the token endpoint (RFC 6749 section 2.3.1). */
    public enum ClientAuth {
        /** HTTP Basic with the client id and secret ({@code client_secret_basic}); the default. */
        BASIC,
        /** {@code client_id} and {@code client_secret} in the form body ({@code client_secret_post}). */
        BODY
    }

    /** Checks the fields and copies the scopes. */
    public OAuth2ClientCredentials {
        Objects.requireNonNull(tokenUrl, "tokenUrl");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(clientSecret, "clientSecret");
        Objects.requireNonNull(clientAuth, "clientAuth");
        scopes = List.copyOf(Objects.requireNonNull(scopes, "scopes"));
        URI uri;
        try {
            uri = URI.create(tokenUrl);
        } catch (IllegalArgumentException e) {
            // not chained: the parser's message quotes the whole URL, credentials included
            throw new IllegalArgumentException("tokenUrl is not a valid URI: " + Urls.maskText(tokenUrl));
        }
        if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("tokenUrl must be an http or https URL, was '" + Urls.mask(uri) + "'");
        }
        for (String scope : scopes) {
            if (scope.isBlank() || scope.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("scopes must be single non-blank words, got " + scopes);
            }
        }
    }

    /** Client credentials sent with HTTP Basic to the token endpoint. */
    public OAuth2ClientCredentials(String tokenUrl, String clientId, Secret clientSecret, List<String> scopes) {
        this(tokenUrl, clientId, clientSecret, scopes, ClientAuth.BASIC);
    }
}
