package dev.sluice.tasks.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.sluice.block.Secret;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Credentials in URLs a server hands out (redirects) or a user is given (pre-signed URLs) never show in errors. */
class SecretLeaksIT extends WireMockSupport {
    private static void assertNoSecretInChain(Throwable e) {
        assertThat(e).isNotNull();
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t)).doesNotContain("hunter2");
        }
    }

    @Test
    void anInvalidRedirectLocationIsNotQuotedWithItsToken() {
        server.stubFor(get(urlPathEqualTo("/moved")).willReturn(aResponse().withStatus(302)
                // a space in the host: no URL even for a browser (one in the path is encoded and followed)
                .withHeader("Location", "https://cdn example.com/a?access_token=hunter2-token")));

        Throwable e = catchThrowable(() -> HttpExtract.get(url("/moved")).stream().count());

        assertThat(e).isInstanceOf(HttpExtractException.class).hasMessageContaining("invalid Location");
        assertNoSecretInChain(e);
    }

    @Test
    void preSignedUrlSignaturesAndSessionTokensAreMasked() {
        server.stubFor(get(urlPathEqualTo("/file")).willReturn(aResponse().withStatus(404)));
        String signed = url("/file?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Security-Token=hunter2-session"
                + "&X-Amz-Signature=hunter2-signature&X-Goog-Signature=hunter2-goog");

        Throwable e = catchThrowable(() -> HttpExtract.get(signed).stream().count());

        assertThat(e).isInstanceOf(HttpExtractException.class).hasMessageContaining("HTTP 404");
        assertNoSecretInChain(e);
        assertThat(HttpExtract.get(signed).url()).contains("X-Amz-Algorithm=AWS4-HMAC-SHA256").doesNotContain("hunter2");
    }

    /** java.net.http rejects a header value with a control character by quoting the value in its message. */
    @ParameterizedTest
    @ValueSource(strings = {"bearer", "apikey", "header"})
    void aSecretWithATrailingNewlineIsNotQuotedInTheHeaderError(String how) {
        server.stubFor(get(urlPathEqualTo("/items")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("[]")));
        String token = "hunter2-token\n"; // as read from a file
        HttpExtract<?> extract = switch (how) {
            case "bearer" -> HttpExtract.get(url("/items")).auth(new BearerToken(Secret.of(token)));
            case "apikey" -> HttpExtract.get(url("/items")).auth(ApiKey.header("X-Api-Key", Secret.of(token)));
            default -> HttpExtract.get(url("/items")).header("X-Api-Key", "hunter2-token\u0001");
        };

        Throwable streamed = catchThrowable(() -> extract.stream().count());
        assertThat(streamed).isNotNull();
        assertNoSecretInChain(streamed);
        Throwable run = catchThrowable(extract::run);
        assertThat(run).isNotNull();
        assertNoSecretInChain(run);
    }

    /** An API that echoes the OAuth2 access token in its error body: the token is masked like the client secret. */
    @Test
    void anEchoedOAuth2AccessTokenIsMasked() {
        server.stubFor(post(urlPathEqualTo("/oauth/token"))
                .willReturn(okJson("{\"access_token\":\"hunter2-access-token\",\"expires_in\":3600}")));
        server.stubFor(get(urlPathEqualTo("/api")).willReturn(aResponse().withStatus(403)
                .withBody("{\"error\":\"token hunter2-access-token lacks the scope read:items\"}")));
        HttpExtract<?> extract = HttpExtract.get(url("/api")).auth(new OAuth2ClientCredentials(url("/oauth/token"),
                "client-1", Secret.of("client-secret-xyz"), List.of()));

        Throwable e = catchThrowable(() -> extract.stream().count());

        assertThat(e).isInstanceOf(HttpExtractException.class).hasMessageContaining("HTTP 403")
                .hasMessageContaining("lacks the scope");
        assertNoSecretInChain(e);
    }

    /** A server that echoes the Basic credentials (base64 of user:password) in its error body. */
    @Test
    void echoedBasicCredentialsAreMaskedInTheirBase64Form() {
        String b64 = java.util.Base64.getEncoder().encodeToString("etl:hunter2-basic".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        server.stubFor(get(urlPathEqualTo("/basic")).willReturn(aResponse().withStatus(403)
                .withBody("{\"error\":\"forbidden for Authorization: Basic " + b64 + "\"}")));

        Throwable e = catchThrowable(() -> HttpExtract.get(url("/basic"))
                .auth(new BasicAuth("etl", Secret.of("hunter2-basic"))).stream().count());

        assertThat(e).isInstanceOf(HttpExtractException.class).hasMessageContaining("HTTP 403");
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t)).doesNotContain(b64).doesNotContain("hunter2");
        }
    }

    /** The body is masked before it is shortened or its white space collapsed. */
    @Test
    void aSecretAcrossTheCutOrWithWhiteSpaceInItDoesNotLeak() {
        String secret = "hunter2\tspaced-" + "z".repeat(40);
        Secret.of(secret).reveal();
        String body = "x".repeat(280) + secret + " and again: " + secret;
        server.stubFor(get(urlPathEqualTo("/long")).willReturn(aResponse().withStatus(400).withBody(body)));

        Throwable e = catchThrowable(() -> HttpExtract.get(url("/long")).stream().count());

        assertThat(e).isInstanceOf(HttpExtractException.class);
        String shown = String.valueOf(e.getMessage());
        assertThat(shown).doesNotContain("hunter2").doesNotContain("zzzzzzzzzz").contains("**********");
    }
}
