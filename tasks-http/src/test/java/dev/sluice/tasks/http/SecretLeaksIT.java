package dev.sluice.tasks.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import org.junit.jupiter.api.Test;

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
                .withHeader("Location", "https://cdn.example.com/a b?access_token=hunter2-token")));

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
}
