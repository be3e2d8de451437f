package dev.sluice.tasks.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.sluice.block.Secret;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Credentials go to the configured URL's origin only: a next page on another host (a link in the body or in a
 * {@code Link} header) gets neither the auth block's credential nor a credential header set with {@code header()}.
 */
class CrossOriginIT extends WireMockSupport {
    static WireMockServer other;

    @BeforeAll
    static void startOther() {
        other = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        other.start();
    }

    @AfterAll
    static void stopOther() {
        other.stop();
    }

    @Test
    void aNextPageOnAnotherOriginGetsNoCredential() {
        String elsewhere = "http://127.0.0.1:" + other.port() + "/b";
        server.stubFor(get(urlPathEqualTo("/a")).willReturn(okJson("{\"items\": [1], \"next\": \"" + elsewhere + "\"}")
                .withHeader("Link", "<" + elsewhere + ">; rel=\"next\"")));
        other.stubFor(get(urlPathEqualTo("/b")).willReturn(okJson("{\"items\": [2]}")));
        Map<String, HttpAuth> auths = Map.of(
                "bearer", new BearerToken(Secret.of("tok-abcdef-123")),
                "query key", ApiKey.query("api_key", Secret.of("qkey-abcdef-123")),
                "header key", ApiKey.header("X-Api-Key", Secret.of("hkey-abcdef-123")),
                "basic", new BasicAuth("bob", Secret.of("bpass-abcdef-123")));
        for (Pagination pagination : List.of(Pagination.nextUrl("/next"), Pagination.linkHeader())) {
            for (Map.Entry<String, HttpAuth> auth : auths.entrySet()) {
                other.resetRequests();
                List<?> records = HttpExtract.get(url("/a")).records("/items").auth(auth.getValue())
                        .header("X-Session-Token", "sess-abcdef-123").header("Accept-Language", "en")
                        .paginate(pagination).list();
                assertThat(records).as(auth.getKey()).hasSize(2);
                List<LoggedRequest> seen = other.findAll(anyRequestedFor(anyUrl()));
                assertThat(seen).as(auth.getKey()).hasSize(1);
                LoggedRequest r = seen.get(0);
                assertThat(r.containsHeader("Authorization")).as(auth.getKey()).isFalse();
                assertThat(r.containsHeader("X-Api-Key")).as(auth.getKey()).isFalse();
                assertThat(r.containsHeader("X-Session-Token")).as(auth.getKey()).isFalse();
                assertThat(r.getHeader("Accept-Language")).as("a header that is no credential still goes").isEqualTo("en");
                assertThat(r.getUrl()).as(auth.getKey()).doesNotContain("qkey");
            }
        }
        // the configured origin still gets them all
        assertThat(server.findAll(anyRequestedFor(urlPathEqualTo("/a"))).get(0).getHeader("X-Session-Token"))
                .isEqualTo("sess-abcdef-123");
    }

    @Test
    void aCredentialHeaderEchoedByTheServerIsMasked() {
        server.stubFor(get(urlPathEqualTo("/echo")).willReturn(aResponse().withStatus(403)
                .withBody("you sent Token manual-cred-42 and manual-key-42 and {{request.headers.X-Other}}")));
        assertThatThrownBy(() -> HttpExtract.get(url("/echo")).header("Authorization", "Token manual-cred-42")
                .header("X-Api-Key", "manual-key-42").list())
                .isInstanceOf(HttpExtractException.class)
                .hasMessageContaining("HTTP 403")
                .message().doesNotContain("manual-cred-42").doesNotContain("manual-key-42");
    }
}
