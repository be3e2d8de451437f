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
import dev.sluice.Flow;
import dev.sluice.FlowFailedException;
import dev.sluice.RetryPolicy;
import dev.sluice.Task;
import dev.sluice.TaskFailedException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Retries compose: the extract's default policy steps aside inside a task that retries, so a server
 * that always fails sees one request per task attempt; a policy the user gives retries as told.
 */
class RetryCompositionIT extends WireMockSupport {

    private static HttpExtract<JsonNode> alwaysBusy() {
        server.stubFor(get(urlPathEqualTo("/busy")).willReturn(aResponse().withStatus(503).withBody("busy")));
        return HttpExtract.get(url("/busy")).records("/data/items");
    }

    @Test
    void onItsOwnTheDefaultPolicyRetriesThreeTimes() {
        HttpExtract<JsonNode> extract = alwaysBusy();

        assertThatThrownBy(extract::list)
                .isInstanceOf(HttpExtractException.class)
                .hasMessageContaining("HTTP 503")
                .hasMessageContaining("gave up after 4 attempts");

        server.verify(4, getRequestedFor(urlPathEqualTo("/busy")));
        assertThat(sleeps).hasSize(3);
    }

    @Test
    void insideATaskWithThreeRetriesTheDefaultPolicyMakesOneRequestPerTaskAttempt() {
        HttpExtract<JsonNode> extract = alwaysBusy();
        var load = Task.of("load", () -> extract.list().size()).withRetries(3, Duration.ofSeconds(2));

        assertThatThrownBy(load::run)
                .isInstanceOf(TaskFailedException.class)
                .cause().isInstanceOf(HttpExtractException.class).hasMessageContaining("HTTP 503");

        server.verify(4, getRequestedFor(urlPathEqualTo("/busy"))); // not 16
        assertThat(sleeps).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(2));
    }

    @Test
    void theNestedTaskRunOfRunDoesNotMultiplyRetriesEither() {
        HttpExtract<JsonNode> extract = alwaysBusy();
        var load = Task.of("load", () -> extract.run().size()).withRetries(3, Duration.ofMillis(1));

        assertThatThrownBy(load::run).isInstanceOf(TaskFailedException.class);

        server.verify(4, getRequestedFor(urlPathEqualTo("/busy")));
    }

    @Test
    void concurrentPagesInsideARetryingTaskAreNotRetriedOnThePoolEither() {
        server.stubFor(get(urlPathEqualTo("/pages")).withQueryParam("page", equalTo("1")).willReturn(okJson(items(0, 2))));
        server.stubFor(get(urlPathEqualTo("/pages")).withQueryParam("page", equalTo("2"))
                .willReturn(aResponse().withStatus(503)));
        server.stubFor(get(urlPathEqualTo("/pages")).withQueryParam("page", equalTo("3")).willReturn(okJson(items(0, 0))));
        HttpExtract<JsonNode> extract = HttpExtract.get(url("/pages")).records("/data/items")
                .paginate(Pagination.pageNumber("page", 1, "n", 2)).concurrency(3);
        var load = Task.of("load", () -> extract.list().size()).withRetries(2, Duration.ofMillis(1));

        assertThatThrownBy(load::run).isInstanceOf(TaskFailedException.class).cause().hasMessageContaining("page 2");

        server.verify(3, getRequestedFor(urlPathEqualTo("/pages")).withQueryParam("page", equalTo("2")));
    }

    @Test
    void aPolicyTheUserGivesRetriesAsToldEvenInsideARetryingTask() {
        HttpExtract<JsonNode> extract = alwaysBusy().retryPolicy(RetryPolicy.fixed(2, Duration.ofMillis(5)));
        var load = Task.of("load", () -> extract.list().size()).withRetries(3, Duration.ofSeconds(1));

        assertThatThrownBy(load::run).isInstanceOf(TaskFailedException.class)
                .cause().hasMessageContaining("gave up after 3 attempts");

        server.verify(12, getRequestedFor(urlPathEqualTo("/busy"))); // 4 task attempts x 3 requests, as asked
        assertThat(sleeps).filteredOn(d -> d.equals(Duration.ofMillis(5))).hasSize(8);
        assertThat(sleeps).filteredOn(d -> d.equals(Duration.ofSeconds(1))).hasSize(3);
    }

    @Test
    void inAFlowWithoutRetriesTheDefaultPolicyRetries() {
        HttpExtract<JsonNode> extract = alwaysBusy();
        var flow = Flow.of("etl", () -> extract.run().size());

        assertThatThrownBy(flow::run).isInstanceOf(FlowFailedException.class);

        server.verify(4, getRequestedFor(urlPathEqualTo("/busy")));
    }

    @Test
    void theServersRetryAfterIsHonouredByTheEnclosingTask() {
        server.stubFor(get(urlPathEqualTo("/limited")).inScenario("l").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7")).willSetStateTo("ok"));
        server.stubFor(get(urlPathEqualTo("/limited")).inScenario("l").whenScenarioStateIs("ok")
                .willReturn(okJson(items(0, 3))));
        HttpExtract<JsonNode> extract = HttpExtract.get(url("/limited")).records("/data/items");

        int n = Task.of("load", () -> extract.list().size()).withRetries(3, Duration.ofMillis(1)).run();

        assertThat(n).isEqualTo(3);
        assertThat(sleeps).containsExactly(Duration.ofSeconds(7)); // the task waited what the server asked
        server.verify(2, getRequestedFor(urlPathEqualTo("/limited")));
    }

    @Test
    void maxRetryAfterIsThePolicysCapWhicheverIsSet() {
        server.stubFor(get(urlPathEqualTo("/later")).willReturn(aResponse().withStatus(503).withHeader("Retry-After", "30")));
        HttpExtract<JsonNode> base = HttpExtract.get(url("/later")).records("/data/items");

        for (HttpExtract<JsonNode> extract : java.util.List.of(
                base.maxRetryAfter(Duration.ofSeconds(10)),
                base.retryPolicy(RetryPolicy.fixed(3, Duration.ofMillis(1)).withMaxRetryAfter(Duration.ofSeconds(10))),
                base.maxRetryAfter(Duration.ofSeconds(10)).retryPolicy(RetryPolicy.fixed(3, Duration.ofMillis(1))))) {
            assertThatThrownBy(extract::list)
                    .isInstanceOf(HttpExtractException.class)
                    .hasMessageContaining("retry after 30 s (Retry-After), more than maxRetryAfter (10 s)")
                    .satisfies(e -> assertThat(((HttpExtractException) e).retryAfter()).contains(Duration.ofSeconds(30)));
        }
        assertThat(sleeps).isEmpty();
        server.verify(3, getRequestedFor(urlPathEqualTo("/later")));
        assertThat(base.maxRetryAfter(Duration.ofSeconds(10)).toString()).contains("maxRetryAfter=PT10S");
    }

    @Test
    void failuresSayWhetherTheyAreWorthRetrying() {
        server.stubFor(get(urlPathEqualTo("/gone")).willReturn(aResponse().withStatus(404)));

        assertThatThrownBy(HttpExtract.get(url("/gone"))::list)
                .isInstanceOfSatisfying(HttpExtractException.class, e -> {
                    assertThat(e.isRetryable()).isFalse();
                    assertThat(e.retryAfter()).isEmpty();
                });
        assertThatThrownBy(alwaysBusy().retryPolicy(RetryPolicy.none())::list)
                .isInstanceOfSatisfying(HttpExtractException.class, e -> assertThat(e.isRetryable()).isTrue());
    }
}
