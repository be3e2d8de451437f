package dev.sluice.tasks.http;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.sluice.block.Secret;
import java.util.List;
import org.junit.jupiter.api.Test;

class BadInputIT extends WireMockSupport {

    @Test
    void aBodyWithMoreThanOneJsonValueFailsInsteadOfDroppingAllButTheFirst() {
        // NDJSON labelled application/json: the extract used to return the first record and drop the rest
        server.stubFor(get(urlPathEqualTo("/nd")).willReturn(okJson("{\"id\":1}\n{\"id\":2}\n{\"id\":3}\n")));
        server.stubFor(get(urlPathEqualTo("/tail")).willReturn(okJson("[{\"id\":1}]<html>oops</html>")));

        assertThatThrownBy(() -> HttpExtract.get(url("/nd")).list())
                .isInstanceOf(HttpExtractException.class)
                .hasMessageStartingWith("page 1 of GET " + url("/nd") + " is not valid JSON")
                .hasMessageContaining("after the JSON value");
        assertThatThrownBy(() -> HttpExtract.get(url("/tail")).list())
                .isInstanceOf(HttpExtractException.class)
                .hasMessageContaining("is not valid JSON");
    }

    @Test
    void malformedJsonNamesThePage() {
        server.stubFor(get(urlPathEqualTo("/bad")).withQueryParam("page", equalTo("1")).willReturn(okJson(items(0, 3))));
        server.stubFor(get(urlPathEqualTo("/bad")).withQueryParam("page", equalTo("2"))
                .willReturn(okJson("{\"data\":{\"items\":[{\"id\":3},{\"id\":")));

        assertThatThrownBy(() -> HttpExtract.get(url("/bad")).records("/data/items")
                .paginate(Pagination.pageNumber("page")).stream().count())
                .isInstanceOf(HttpExtractException.class)
                .hasMessageStartingWith("page 2 of GET " + url("/bad?page=2") + " is not valid JSON");
        // a malformed page is not retried: the server answered, wrongly
        server.verify(1, getRequestedFor(urlPathEqualTo("/bad")).withQueryParam("page", equalTo("2")));
    }

    @Test
    void aPointerThatMatchesNothingNamesPageAndPointer() {
        server.stubFor(get(urlPathEqualTo("/p")).withQueryParam("cursor", absent())
                .willReturn(okJson("{\"data\":{\"items\":[{\"id\":1}]},\"next\":\"x\"}")));
        server.stubFor(get(urlPathEqualTo("/p")).withQueryParam("cursor", equalTo("x"))
                .willReturn(okJson("{\"error\":\"rate\",\"retry\":true}")));

        assertThatThrownBy(() -> HttpExtract.get(url("/p")).records("/data/items")
                .paginate(Pagination.cursor("/next", "cursor")).run())
                .cause()
                .isInstanceOf(HttpExtractException.class)
                .hasMessageContaining("page 2 of GET " + url("/p?cursor=x"))
                .hasMessageContaining("nothing at the records pointer '/data/items'")
                .hasMessageContaining("top-level fields are [error, retry]");
    }

    @Test
    void aNonJsonContentTypeFails() {
        server.stubFor(get(urlPathEqualTo("/html")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/html; charset=utf-8").withBody("<html><body>Login</body></html>")));

        assertThatThrownBy(() -> HttpExtract.get(url("/html")).stream().count())
                .isInstanceOf(HttpExtractException.class)
                .hasMessageContaining("page 1 of GET " + url("/html"))
                .hasMessageContaining("Content-Type 'text/html; charset=utf-8', not JSON")
                .hasMessageContaining("<html><body>Login");
    }

    @Test
    void aRepeatingCursorIsDetectedAndStopped() {
        server.stubFor(get(urlPathEqualTo("/loop")).withQueryParam("c", absent())
                .willReturn(okJson("{\"items\":[{\"id\":1}],\"next\":\"A\"}")));
        server.stubFor(get(urlPathEqualTo("/loop")).withQueryParam("c", equalTo("A"))
                .willReturn(okJson("{\"items\":[{\"id\":2}],\"next\":\"B\"}")));
        server.stubFor(get(urlPathEqualTo("/loop")).withQueryParam("c", equalTo("B"))
                .willReturn(okJson("{\"items\":[{\"id\":3}],\"next\":\"A\"}")));

        assertThatThrownBy(() -> HttpExtract.get(url("/loop")).records("/items")
                .paginate(Pagination.cursor("/next", "c")).run())
                .cause()
                .isInstanceOf(HttpExtractException.class)
                .hasMessageContaining("pagination is looping")
                .hasMessageContaining("page 4 would be GET " + url("/loop?c=A") + " again, the request of page 2")
                .hasMessageContaining("stopped after 3 pages");
        server.verify(3, getRequestedFor(urlPathEqualTo("/loop")));
    }

    /** A redirect not followed says so and where it led (token masked), instead of calling a 302 a client error. */
    @Test
    void aRedirectThatIsNotFollowedSaysWhy() {
        server.stubFor(get(urlPathEqualTo("/moved-away")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", url("/new-home?token=fake-tok-3x"))));
        server.stubFor(get(urlPathEqualTo("/nowhere")).willReturn(aResponse().withStatus(301)));

        assertThatThrownBy(() -> HttpExtract.get(url("/moved-away")).followRedirects(false).list())
                .isInstanceOf(HttpExtractException.class)
                .hasMessageContaining("HTTP 302")
                .hasMessageContaining("redirect to " + url("/new-home?token=**********"))
                .hasMessageContaining("followRedirects(false)")
                .hasMessageNotContaining("fake-tok-3x")
                .hasMessageNotContaining("client error");
        assertThatThrownBy(() -> HttpExtract.get(url("/nowhere")).list())
                .isInstanceOf(HttpExtractException.class)
                .hasMessageContaining("HTTP 301")
                .hasMessageContaining("without a Location header")
                .hasMessageNotContaining("client error");
    }

    @Test
    void aRedirectToAnotherOriginDoesNotCarryTheAuth() {
        WireMockServer other = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        other.start();
        try {
            String elsewhere = "http://127.0.0.1:" + other.port() + "/landing";
            server.stubFor(get(urlPathEqualTo("/moved")).willReturn(aResponse().withStatus(302).withHeader("Location", elsewhere)));
            other.stubFor(get(urlPathEqualTo("/landing")).willReturn(okJson(items(0, 2))));

            List<JsonNode> records = HttpExtract.get(url("/moved")).records("/data/items")
                    .header("Cookie", "session=abc")
                    .auth(new BearerToken(Secret.of("token-never-forwarded"))).run();

            assertThat(records).hasSize(2);
            server.verify(getRequestedFor(urlPathEqualTo("/moved"))
                    .withHeader("Authorization", equalTo("Bearer token-never-forwarded"))
                    .withHeader("Cookie", equalTo("session=abc")));
            other.verify(1, getRequestedFor(urlPathEqualTo("/landing"))
                    .withHeader("Authorization", absent()).withHeader("Cookie", absent()));
        } finally {
            other.stop();
        }
    }

    @Test
    void aRedirectToAnotherOriginDoesNotCarryAQueryApiKey() {
        WireMockServer other = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        other.start();
        try {
            server.stubFor(get(urlPathEqualTo("/moved")).willReturn(aResponse().withStatus(307)
                    .withHeader("Location", "http://127.0.0.1:" + other.port() + "/landing?x=1")));
            other.stubFor(get(urlPathEqualTo("/landing")).willReturn(okJson(items(0, 1))));

            assertThat(HttpExtract.get(url("/moved")).records("/data/items")
                    .auth(ApiKey.query("api_key", Secret.of("qk-never-forwarded"))).run()).hasSize(1);

            server.verify(getRequestedFor(urlPathEqualTo("/moved")).withQueryParam("api_key", equalTo("qk-never-forwarded")));
            other.verify(1, getRequestedFor(urlPathEqualTo("/landing")).withQueryParam("api_key", absent()));
        } finally {
            other.stop();
        }
    }

    @Test
    void aRedirectWithinTheOriginKeepsTheAuthIncludingAQueryKey() {
        server.stubFor(get(urlPathEqualTo("/old")).willReturn(aResponse().withStatus(301).withHeader("Location", "/new?v=2")));
        server.stubFor(get(urlPathEqualTo("/new")).withQueryParam("key", equalTo("k-123456"))
                .withQueryParam("v", equalTo("2")).willReturn(okJson(items(0, 1))));

        assertThat(HttpExtract.get(url("/old")).records("/data/items")
                .auth(ApiKey.query("key", Secret.of("k-123456"))).run()).hasSize(1);
    }

    @Test
    void aBodyBiggerThanTheLimitFails() {
        server.stubFor(get(urlPathEqualTo("/huge")).willReturn(okJson(items(0, 2000))));

        assertThatThrownBy(() -> HttpExtract.get(url("/huge")).maxBodyBytes(1024).stream().count())
                .isInstanceOf(HttpExtractException.class)
                .hasMessageContaining("page 1 of GET " + url("/huge"))
                .hasMessageContaining("bigger than the limit of 1024 bytes");
    }

    @Test
    void aChunkedBodyBiggerThanTheLimitFailsWhileStreaming() {
        server.stubFor(get(urlPathEqualTo("/chunked")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(items(0, 2000))
                .withChunkedDribbleDelay(4, 20)));

        assertThatThrownBy(() -> HttpExtract.get(url("/chunked")).maxBodyBytes(1024).stream().count())
                .isInstanceOf(HttpExtractException.class)
                .hasMessageContaining("bigger than the limit of 1024 bytes");
    }
}
