package dev.sluice.tasks.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.sluice.RetryPolicy;
import dev.sluice.block.Secret;
import dev.sluice.TaskFailedException;
import dev.sluice.testkit.TestRuntimes;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class RetriesIT extends WireMockSupport {

    private static HttpExtract<JsonNode> items(String path) {
        return HttpExtract.get(url(path)).records("/data/items");
    }

    /** Fails {@code failures} times with {@code failure}, then serves {@code body}. */
    private static void failThenServe(String path, int failures,
            com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder failure, String body) {
        String state = STARTED;
        for (int i = 1; i <= failures; i++) {
            server.stubFor(get(urlPathEqualTo(path)).inScenario(path).whenScenarioStateIs(state)
                    .willReturn(failure).willSetStateTo("failed-" + i));
            state = "failed-" + i;
        }
        server.stubFor(get(urlPathEqualTo(path)).inScenario(path).whenScenarioStateIs(state).willReturn(okJson(body)));
    }

    @Test
    void serverErrorsAreRetriedWithThePolicysBackoff() {
        failThenServe("/flaky", 2, aResponse().withStatus(503).withBody("busy"), items(0, 3));

        List<JsonNode> records = items("/flaky")
                .retryPolicy(RetryPolicy.exponential(3, Duration.ofMillis(100), Duration.ofSeconds(1))).run();

        assertThat(records).hasSize(3);
        assertThat(sleeps).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
    }

    @Test
    void retryAfterInSecondsIsHonoured() {
        failThenServe("/limited", 1, aResponse().withStatus(429).withHeader("Retry-After", "120"), items(0, 1));

        assertThat(items("/limited").run()).hasSize(1);

        assertThat(sleeps).containsExactly(Duration.ofSeconds(120));
    }

    @Test
    void retryAfterAsAnHttpDateIsHonoured() {
        Instant now = Instant.parse("2026-11-21T10:00:00Z");
        TestRuntimes.use(b -> b.clock(Clock.fixed(now, ZoneOffset.UTC)));
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(now.plusSeconds(90).atOffset(ZoneOffset.UTC));
        failThenServe("/dated", 1, aResponse().withStatus(503).withHeader("Retry-After", date), items(0, 1));

        assertThat(items("/dated").run()).hasSize(1);

        assertThat(sleeps).containsExactly(Duration.ofSeconds(90));
    }

    @Test
    void aRealOneSecondRetryAfterIsWaited() {
        TestRuntimes.reset(); // the real sleeper
        failThenServe("/real", 1, aResponse().withStatus(429).withHeader("Retry-After", "1"), items(0, 1));

        long start = System.nanoTime();
        assertThat(items("/real").run()).hasSize(1);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(950)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void aRetryAfterLongerThanTheMaximumFailsInsteadOfWaiting() {
        server.stubFor(get(urlPathEqualTo("/later")).willReturn(aResponse().withStatus(503).withHeader("Retry-After", "3600")));

        assertThatThrownBy(() -> items("/later").maxRetryAfter(Duration.ofMinutes(1)).stream().count())
                .isInstanceOf(HttpExtractException.class)
                .hasMessageContaining("HTTP 503")
                .hasMessageContaining("retry after 3600 s")
                .hasMessageContaining("maxRetryAfter");
        assertThat(sleeps).isEmpty();
    }

    @Test
    void clientErrorsFailAtOnceWithStatusMaskedUrlAndBodyStart() {
        Secret key = Secret.of("sk-live-1234567890");
        server.stubFor(get(urlPathEqualTo("/missing")).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\": \"no such list\", \"echo\": \"sk-live-1234567890\"}")));

        assertThatThrownBy(() -> items("/missing").query("list", "42").auth(ApiKey.query("api_key", key)).run())
                .isInstanceOf(TaskFailedException.class)
                .cause()
                .isInstanceOf(HttpExtractException.class)
                .hasMessageContaining("HTTP 404")
                .hasMessageContaining(url("/missing") + "?list=42")
                .hasMessageContaining("no such list")
                .hasMessageNotContaining("sk-live-1234567890")
                .satisfies(e -> assertThat(((HttpExtractException) e).status()).hasValue(404));
        server.verify(1, getRequestedFor(urlPathEqualTo("/missing")).withQueryParam("api_key", equalTo("sk-live-1234567890")));
        assertThat(sleeps).isEmpty();
    }

    @Test
    void connectionFailuresAreRetriedThenFail() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }

        assertThatThrownBy(() -> HttpExtract.get("http://127.0.0.1:" + port + "/x")
                .retryPolicy(RetryPolicy.fixed(2, Duration.ofMillis(10))).stream().count())
                .isInstanceOf(HttpExtractException.class)
                .hasMessageContaining("page 1 of GET http://127.0.0.1:" + port + "/x failed")
                .hasMessageContaining("ConnectException")
                .hasMessageContaining("gave up after 3 attempts");
        assertThat(sleeps).hasSize(2);
    }

    @Test
    void aConnectionResetMidBodyIsRetried() {
        failThenServe("/reset", 1, aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER), items(0, 2));

        assertThat(items("/reset").run()).hasSize(2);
        assertThat(sleeps).hasSize(1);
    }

    @Test
    void aPageFailingAfterRetriesFailsTheWholeExtract() {
        server.stubFor(get(urlPathEqualTo("/pages")).withQueryParam("page", equalTo("1")).willReturn(okJson(items(0, 5))));
        server.stubFor(get(urlPathEqualTo("/pages")).withQueryParam("page", equalTo("2")).willReturn(okJson(items(5, 10))));
        server.stubFor(get(urlPathEqualTo("/pages")).withQueryParam("page", equalTo("3"))
                .willReturn(aResponse().withStatus(500).withBody("boom")));
        HttpExtract<JsonNode> extract = items("/pages").paginate(Pagination.pageNumber("page"))
                .retryPolicy(RetryPolicy.fixed(2, Duration.ofSeconds(1)));

        // run(): no list at all, not the 10 records of pages 1 and 2
        assertThatThrownBy(extract::run)
                .isInstanceOf(TaskFailedException.class)
                .cause().hasMessageContaining("page 3 of GET").hasMessageContaining("HTTP 500").hasMessageContaining("'boom'")
                .hasMessageContaining("gave up after 3 attempts");

        // stream(): the records before arrive, then the failure ends the stream with an exception
        List<Integer> seen = new ArrayList<>();
        assertThatThrownBy(() -> {
            try (Stream<JsonNode> s = extract.stream()) {
                s.forEach(r -> seen.add(r.get("id").asInt()));
            }
        }).isInstanceOf(HttpExtractException.class).hasMessageContaining("page 3");
        assertThat(seen).hasSize(10);
        server.verify(6, getRequestedFor(urlPathEqualTo("/pages")).withQueryParam("page", equalTo("3")));
    }

    @Test
    void concurrentFetchingAlsoFailsTheExtractOnAFailedPage() {
        for (int p = 1; p <= 8; p++) {
            server.stubFor(get(urlPathEqualTo("/cpages")).withQueryParam("page", equalTo(Integer.toString(p)))
                    .willReturn(p == 4 ? aResponse().withStatus(403).withBody("forbidden") : okJson(items(0, 5))));
        }

        assertThatThrownBy(() -> items("/cpages").paginate(Pagination.pageNumber("page", 1, "n", 5)).concurrency(3).run())
                .isInstanceOf(TaskFailedException.class)
                .cause().hasMessageContaining("page 4").hasMessageContaining("HTTP 403");
    }

    @Test
    void theRetryPolicysConditionsApply() {
        server.stubFor(get(urlPathEqualTo("/cond")).willReturn(aResponse().withStatus(502)));

        assertThatThrownBy(() -> items("/cond").retryPolicy(RetryPolicy.fixed(5, Duration.ofMillis(1))
                .retryIf(e -> !(e instanceof HttpExtractException h && h.status().orElse(0) == 502))).stream().count())
                .isInstanceOf(HttpExtractException.class).hasMessageContaining("HTTP 502");
        server.verify(1, getRequestedFor(urlPathEqualTo("/cond")));
    }

    @Test
    void aSlowResponseTimesOutPerRequestAndIsRetried() {
        server.stubFor(get(urlPathEqualTo("/slow")).willReturn(okJson(items(0, 1)).withFixedDelay(3000)));

        assertThatThrownBy(() -> items("/slow").requestTimeout(Duration.ofMillis(200))
                .retryPolicy(RetryPolicy.fixed(1, Duration.ofMillis(1))).stream().count())
                .isInstanceOf(HttpExtractException.class)
                .hasMessageContaining("HttpTimeoutException")
                .hasMessageContaining("gave up after 2 attempts");
    }

    @Test
    void theTasksTimeoutStopsTheExtract() {
        server.stubFor(get(urlPathEqualTo("/stuck")).willReturn(okJson(items(0, 1)).withFixedDelay(5000)));

        assertThatThrownBy(() -> items("/stuck").task().withTimeout(Duration.ofMillis(300)).run())
                .isInstanceOfSatisfying(TaskFailedException.class,
                        e -> assertThat(e.state()).isEqualTo(dev.sluice.State.TIMED_OUT));
    }
}
