package dev.sluice.tasks.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.Sleeper;
import dev.sluice.SluiceRuntime;
import dev.sluice.block.BlockStore;
import dev.sluice.block.Secret;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Clocks, sleepers and OAuth2 tokens come from the runtime of the calling code, never from a JVM-wide setting. */
class RuntimesIT extends WireMockSupport {
    /** Both dates are 10:02:00 GMT: the wait is whatever each runtime's clock says is left until then. */
    private static final String RETRY_AT = "Sat, 21 Nov 2026 10:02:00 GMT";

    private static SluiceRuntime runtime(Instant now, Sleeper sleeper) {
        return SluiceRuntime.builder().blockStore(BlockStore.inMemory())
                .clock(Clock.fixed(now, ZoneOffset.UTC)).sleeper(sleeper).build();
    }

    private static void limitedOnceThenServed(String path) {
        server.stubFor(get(urlPathEqualTo(path)).inScenario(path).whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", RETRY_AT)).willSetStateTo("ok"));
        server.stubFor(get(urlPathEqualTo(path)).inScenario(path).whenScenarioStateIs("ok").willReturn(okJson(items(0, 2))));
    }

    @Test
    void twoRuntimesUsedAtOnceEachWaitByTheirOwnClockAndSleeper() throws Exception {
        limitedOnceThenServed("/a");
        limitedOnceThenServed("/b");
        List<Duration> sleptA = new CopyOnWriteArrayList<>();
        List<Duration> sleptB = new CopyOnWriteArrayList<>();
        // each sleeper waits for the other: both extracts are inside their retry wait at the same time
        CyclicBarrier together = new CyclicBarrier(2);
        Sleeper meet = d -> {
            try {
                together.await(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("the other runtime's extract never waited", e);
            }
        };
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try (SluiceRuntime a = runtime(Instant.parse("2026-11-21T10:00:00Z"), d -> { sleptA.add(d); meet.sleep(d); });
                SluiceRuntime b = runtime(Instant.parse("2026-11-21T10:01:30Z"), d -> { sleptB.add(d); meet.sleep(d); })) {
            CompletableFuture<List<JsonNode>> fromA = CompletableFuture.supplyAsync(
                    () -> a.call(() -> HttpExtract.get(url("/a")).records("/data/items").list()), threads);
            CompletableFuture<List<JsonNode>> fromB = CompletableFuture.supplyAsync(
                    () -> b.call(() -> HttpExtract.get(url("/b")).records("/data/items").list()), threads);

            assertThat(fromA.get(20, TimeUnit.SECONDS)).hasSize(2);
            assertThat(fromB.get(20, TimeUnit.SECONDS)).hasSize(2);
        } finally {
            threads.shutdownNow();
        }

        assertThat(sleptA).containsExactly(Duration.ofSeconds(120));
        assertThat(sleptB).containsExactly(Duration.ofSeconds(30));
        assertThat(sleeps).as("the default runtime's sleeper").isEmpty();
    }

    @Test
    void pagesFetchedAheadOnOtherThreadsUseTheRuntimeTheExtractWasStartedUnder() {
        for (int p = 1; p <= 4; p++) {
            String page = Integer.toString(p);
            if (p == 2) {
                server.stubFor(get(urlPathEqualTo("/ahead")).withQueryParam("page", equalTo(page)).inScenario("ahead")
                        .whenScenarioStateIs(STARTED)
                        .willReturn(aResponse().withStatus(503).withHeader("Retry-After", RETRY_AT)).willSetStateTo("ok"));
                server.stubFor(get(urlPathEqualTo("/ahead")).withQueryParam("page", equalTo(page)).inScenario("ahead")
                        .whenScenarioStateIs("ok").willReturn(okJson(items(2, 4))));
            } else {
                server.stubFor(get(urlPathEqualTo("/ahead")).withQueryParam("page", equalTo(page))
                        .willReturn(okJson(p == 4 ? items(0, 0) : items(2 * p - 2, 2 * p))));
            }
        }
        List<Duration> slept = new CopyOnWriteArrayList<>();

        try (SluiceRuntime a = runtime(Instant.parse("2026-11-21T10:01:00Z"), slept::add)) {
            List<JsonNode> records = a.call(() -> HttpExtract.get(url("/ahead")).records("/data/items")
                    .paginate(Pagination.pageNumber("page", 1, "n", 2)).concurrency(3).list());

            assertThat(records).extracting(r -> r.get("id").asInt()).containsExactly(0, 1, 2, 3, 4, 5);
        }
        assertThat(slept).containsExactly(Duration.ofSeconds(60)); // by the runtime's clock, read on the pool thread
        assertThat(sleeps).isEmpty();
    }

    @Test
    void theOAuth2TokenCacheIsPerRuntime() {
        server.stubFor(post(urlPathEqualTo("/oauth/token"))
                .willReturn(okJson("{\"access_token\":\"at-77\",\"expires_in\":3600}")));
        server.stubFor(get(urlPathEqualTo("/api")).withHeader("Authorization", equalTo("Bearer at-77"))
                .willReturn(okJson(items(0, 1))));
        HttpExtract<JsonNode> extract = HttpExtract.get(url("/api")).records("/data/items")
                .auth(new OAuth2ClientCredentials(url("/oauth/token"), "client-1", Secret.of("client-secret-xyz"), List.of()));
        Instant now = Instant.parse("2026-11-21T10:00:00Z");

        try (SluiceRuntime a = runtime(now, d -> { }); SluiceRuntime b = runtime(now, d -> { })) {
            a.call(extract::list);
            a.call(extract::list);
            server.verify(1, postRequestedFor(urlPathEqualTo("/oauth/token")));

            b.call(extract::list); // a runtime of its own: a token of its own
            server.verify(2, postRequestedFor(urlPathEqualTo("/oauth/token")));

            a.call(extract::list);
            b.call(extract::list);
            server.verify(2, postRequestedFor(urlPathEqualTo("/oauth/token")));
        }
        try (SluiceRuntime c = runtime(now, d -> { })) {
            c.call(extract::list); // closed runtimes took their tokens with them; a new one starts empty
        }
        server.verify(3, postRequestedFor(urlPathEqualTo("/oauth/token")));
    }
}
