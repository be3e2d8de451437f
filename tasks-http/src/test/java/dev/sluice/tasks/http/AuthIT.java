package dev.sluice.tasks.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.block.Secret;
import dev.sluice.testkit.TestRuntimes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuthIT extends WireMockSupport {

    @Test
    void bearerToken() {
        server.stubFor(get(urlPathEqualTo("/b")).withHeader("Authorization", equalTo("Bearer t0ken-abc"))
                .willReturn(okJson(items(0, 1))));

        assertThat(HttpExtract.get(url("/b")).records("/data/items")
                .auth(new BearerToken(Secret.of("t0ken-abc"))).run()).hasSize(1);
    }

    @Test
    void basicAuth() {
        String expected = "Basic " + Base64.getEncoder().encodeToString("ana:pässwörd".getBytes(StandardCharsets.UTF_8));
        server.stubFor(get(urlPathEqualTo("/basic")).withHeader("Authorization", equalTo(expected))
                .willReturn(okJson(items(0, 1))));

        assertThat(HttpExtract.get(url("/basic")).records("/data/items")
                .auth(new BasicAuth("ana", Secret.of("pässwörd"))).run()).hasSize(1);
    }

    /** A URL with user info authenticates as curl does (the JDK's client would drop it): as Basic credentials. */
    @Test
    void userInfoInTheUrlIsSentAsBasicCredentialsAndMasked() {
        String expected = "Basic " + Base64.getEncoder().encodeToString("ana:s3cret-ui/1".getBytes(StandardCharsets.UTF_8));
        server.stubFor(get(urlPathEqualTo("/ui")).withHeader("Authorization", equalTo(expected))
                .willReturn(okJson(items(0, 1))));
        server.stubFor(get(urlPathEqualTo("/ui-refused")).willReturn(aResponse().withStatus(401)
                .withBody("no access for ana:s3cret-ui/1 (" + expected + ")")));
        String withUser = url("/ui").replace("http://", "http://ana:s3cret-ui%2F1@");

        assertThat(HttpExtract.get(withUser).records("/data/items").run()).hasSize(1);
        assertThatThrownBy(() -> HttpExtract.get(withUser.replace("/ui", "/ui-refused")).records("/data/items").run())
                .satisfies(e -> {
                    java.io.StringWriter trace = new java.io.StringWriter();
                    e.printStackTrace(new java.io.PrintWriter(trace));
                    assertThat(trace.toString()).contains("no access for").doesNotContain("s3cret-ui")
                            .doesNotContain(expected.substring(6));
                });
    }

    /**
     * The user info stands for the origin's credentials, as an auth block does: a next page given as an absolute
     * URL (GitHub's Link headers) and a redirect within the origin get them too; they used to be sent only while the
     * URL itself still carried the user info, so page 2 answered 401.
     */
    @Test
    void userInfoCredentialsGoToEveryPageAndRedirectOnTheOrigin() {
        String expected = "Basic " + Base64.getEncoder().encodeToString("ana:fake-pw-1".getBytes(StandardCharsets.UTF_8));
        server.stubFor(get(urlPathEqualTo("/ui-p1")).withHeader("Authorization", equalTo(expected))
                .willReturn(okJson(items(0, 2)).withHeader("Link", "<" + url("/ui-p2") + ">; rel=\"next\"")));
        server.stubFor(get(urlPathEqualTo("/ui-p2")).willReturn(aResponse().withStatus(301)
                .withHeader("Location", url("/ui-p2-moved"))));
        server.stubFor(get(urlPathEqualTo("/ui-p2-moved")).withHeader("Authorization", equalTo(expected))
                .willReturn(okJson(items(2, 3))));
        String withUser = url("/ui-p1").replace("http://", "http://ana:fake-pw-1@");

        assertThat(HttpExtract.get(withUser).records("/data/items").paginate(Pagination.linkHeader()).list()).hasSize(3);
        server.verify(getRequestedFor(urlPathEqualTo("/ui-p2")).withHeader("Authorization", equalTo(expected)));
    }

    @Test
    void apiKeyInAHeader() {
        server.stubFor(get(urlPathEqualTo("/h")).withHeader("X-Api-Key", equalTo("key-987654"))
                .willReturn(okJson(items(0, 1))));

        assertThat(HttpExtract.get(url("/h")).records("/data/items")
                .auth(ApiKey.header("X-Api-Key", Secret.of("key-987654"))).run()).hasSize(1);
    }

    @Test
    void apiKeyInTheQueryIsSentOnEveryPageAndMaskedInMessages() {
        server.stubFor(get(urlPathEqualTo("/q")).withQueryParam("api_key", equalTo("qkey-55555"))
                .withQueryParam("page", equalTo("1")).willReturn(okJson(items(0, 2))));
        server.stubFor(get(urlPathEqualTo("/q")).withQueryParam("api_key", equalTo("qkey-55555"))
                .withQueryParam("page", equalTo("2")).willReturn(aResponse().withStatus(400).withBody("bad page")));
        HttpExtract<?> extract = HttpExtract.get(url("/q")).records("/data/items").paginate(Pagination.pageNumber("page"))
                .auth(ApiKey.query("api_key", Secret.of("qkey-55555")));

        assertThat(extract.toString()).doesNotContain("qkey-55555");
        assertThatThrownBy(extract::run).cause()
                .hasMessageContaining("page 2 of GET " + url("/q?page=2"))
                .hasMessageContaining("HTTP 400").hasMessageContaining("bad page") // the stub that needs the key answered
                .hasMessageNotContaining("qkey-55555");
        server.verify(1, getRequestedFor(urlPathEqualTo("/q")).withQueryParam("page", equalTo("2"))
                .withQueryParam("api_key", equalTo("qkey-55555")));
    }

    @Test
    void userGivenSecretQueryParametersAreMaskedToo() {
        server.stubFor(get(urlPathEqualTo("/u")).willReturn(aResponse().withStatus(403)));

        assertThatThrownBy(() -> HttpExtract.get(url("/u?access_token=abcdef123&x=1")).stream().count())
                .hasMessageContaining(url("/u?access_token=**********&x=1"))
                .hasMessageNotContaining("abcdef123")
                .satisfies(e -> assertThat(((HttpExtractException) e).url()).doesNotContain("abcdef123"));
    }

    private static OAuth2ClientCredentials oauth(OAuth2ClientCredentials.ClientAuth how) {
        return new OAuth2ClientCredentials(url("/oauth/token"), "client-1", Secret.of("client-secret-xyz"),
                List.of("read:items", "write"), how);
    }

    @Test
    void oauth2TokenIsFetchedOnceAndCached() {
        server.stubFor(post(urlPathEqualTo("/oauth/token"))
                .withHeader("Authorization", equalTo("Basic " + Base64.getEncoder()
                        .encodeToString("client-1:client-secret-xyz".getBytes(StandardCharsets.UTF_8))))
                .withRequestBody(equalTo("grant_type=client_credentials&scope=read%3Aitems%20write"))
                .willReturn(okJson("{\"access_token\":\"at-1\",\"token_type\":\"Bearer\",\"expires_in\":3600}")));
        server.stubFor(get(urlPathEqualTo("/api")).withHeader("Authorization", equalTo("Bearer at-1"))
                .willReturn(okJson(items(0, 2))));
        HttpExtract<?> extract = HttpExtract.get(url("/api")).records("/data/items")
                .auth(oauth(OAuth2ClientCredentials.ClientAuth.BASIC));

        assertThat(extract.run()).hasSize(2);
        assertThat(extract.run()).hasSize(2);

        server.verify(1, postRequestedFor(urlPathEqualTo("/oauth/token")));
        server.verify(2, getRequestedFor(urlPathEqualTo("/api")));
    }

    @Test
    void oauth2TokenIsFetchedAgainWhenItExpires() {
        Instant now = Instant.parse("2026-11-21T10:00:00Z");
        SettableClock clock = new SettableClock(now);
        TestRuntimes.use(b -> b.clock(clock)); // the token's expiry is read from the runtime's clock
        server.stubFor(post(urlPathEqualTo("/oauth/token"))
                .withRequestBody(containing("client_id=client-1"))
                .withRequestBody(containing("client_secret=client-secret-xyz"))
                .willReturn(okJson("{\"access_token\":\"at-1\",\"expires_in\":600}")));
        server.stubFor(get(urlPathEqualTo("/api")).willReturn(okJson(items(0, 1))));
        HttpExtract<?> extract = HttpExtract.get(url("/api")).records("/data/items")
                .auth(oauth(OAuth2ClientCredentials.ClientAuth.BODY));

        extract.run();
        clock.set(now.plusSeconds(500));
        extract.run();
        server.verify(1, postRequestedFor(urlPathEqualTo("/oauth/token")));
        clock.set(now.plusSeconds(590)); // within the refresh margin
        extract.run();
        server.verify(2, postRequestedFor(urlPathEqualTo("/oauth/token")));
    }

    @Test
    void oauth2TokenIsRefreshedOnceOn401() {
        server.stubFor(post(urlPathEqualTo("/oauth/token")).inScenario("token").whenScenarioStateIs(STARTED)
                .willReturn(okJson("{\"access_token\":\"revoked\",\"expires_in\":3600}")).willSetStateTo("second"));
        server.stubFor(post(urlPathEqualTo("/oauth/token")).inScenario("token").whenScenarioStateIs("second")
                .willReturn(okJson("{\"access_token\":\"fresh\",\"expires_in\":3600}")));
        server.stubFor(get(urlPathEqualTo("/api")).withHeader("Authorization", equalTo("Bearer revoked"))
                .willReturn(aResponse().withStatus(401)));
        server.stubFor(get(urlPathEqualTo("/api")).withHeader("Authorization", equalTo("Bearer fresh"))
                .willReturn(okJson(items(0, 3))));

        assertThat(HttpExtract.get(url("/api")).records("/data/items")
                .auth(oauth(OAuth2ClientCredentials.ClientAuth.BASIC)).run()).hasSize(3);
        server.verify(2, postRequestedFor(urlPathEqualTo("/oauth/token")));
    }

    @Test
    void oauth2401AfterARefreshFailsWithoutLooping() {
        server.stubFor(post(urlPathEqualTo("/oauth/token")).willReturn(okJson("{\"access_token\":\"no-good\"}")));
        server.stubFor(get(urlPathEqualTo("/api")).willReturn(aResponse().withStatus(401).withBody("{\"error\":\"invalid_token\"}")));

        assertThatThrownBy(() -> HttpExtract.get(url("/api")).auth(oauth(OAuth2ClientCredentials.ClientAuth.BASIC)).stream().count())
                .isInstanceOf(HttpExtractException.class)
                .hasMessageContaining("HTTP 401")
                .hasMessageContaining("invalid_token");
        server.verify(2, postRequestedFor(urlPathEqualTo("/oauth/token")));
        server.verify(2, getRequestedFor(urlPathEqualTo("/api")));
    }

    @Test
    void oauth2TokenEndpointRejectionNamesTheClientNotTheSecret() {
        server.stubFor(post(urlPathEqualTo("/oauth/token")).willReturn(aResponse().withStatus(401)
                .withBody("{\"error\":\"invalid_client\",\"got\":\"client-secret-xyz\"}")));

        assertThatThrownBy(() -> HttpExtract.get(url("/api")).auth(oauth(OAuth2ClientCredentials.ClientAuth.BASIC)).stream().count())
                .isInstanceOf(HttpExtractException.class)
                .hasMessageContaining("OAuth2 token request for client 'client-1'")
                .hasMessageContaining("HTTP 401")
                .hasMessageContaining("invalid_client")
                .hasMessageNotContaining("client-secret-xyz");
    }
}
