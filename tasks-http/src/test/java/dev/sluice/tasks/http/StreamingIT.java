package dev.sluice.tasks.http;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class StreamingIT extends WireMockSupport {
    static final int PAGES = 200;
    static final int PER_PAGE = 500;

    private static void stubBigApi(AtomicInteger requests) {
        String page = "{\"items\":[" + IntStream.range(0, PER_PAGE)
                .mapToObj(i -> "{\"id\":" + i + ",\"name\":\"record number " + i + "\",\"tags\":[\"a\",\"b\",\"c\"]}")
                .collect(Collectors.joining(",")) + "]}";
        server.stubFor(get(urlPathEqualTo("/big")).withQueryParam("page", matching("[1-9][0-9]?|1[0-9][0-9]|200"))
                .willReturn(okJson(page)));
        server.stubFor(get(urlPathEqualTo("/big")).withQueryParam("page", matching("20[1-9]|2[1-9][0-9]"))
                .willReturn(okJson("{\"items\":[]}")));
        // the highest page asked for: a request retried after a slow answer (a loaded CI machine) is not a page more
        server.addMockServiceRequestListener((request, response) -> {
            String asked = request.queryParameter("page").isPresent() ? request.queryParameter("page").firstValue() : "0";
            requests.accumulateAndGet(Integer.parseInt(asked), Math::max);
        });
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4})
    void twoHundredPagesStreamWithOnlyAPageOrTwoInMemory(int concurrency) throws InterruptedException {
        AtomicInteger requests = new AtomicInteger();
        stubBigApi(requests);
        long count = 0;
        WeakReference<JsonNode> firstRecord = null;
        try (Stream<JsonNode> s = HttpExtract.get(url("/big")).records("/items")
                .paginate(Pagination.pageNumber("page", 1, "per_page", PER_PAGE)).concurrency(concurrency).stream()) {
            Iterator<JsonNode> it = s.iterator();
            while (it.hasNext()) {
                JsonNode record = it.next();
                if (count == 0) {
                    firstRecord = new WeakReference<>(record);
                }
                record = null;
                count++;
                if (count % PER_PAGE == 0) {
                    long pagesConsumed = count / PER_PAGE;
                    // never a page further than the pages in flight ahead of the consumer (ahead = concurrency)
                    assertThat(requests.get()).isLessThanOrEqualTo((int) pagesConsumed + concurrency);
                }
                if (count == 100L * PER_PAGE) {
                    // page 1's records are garbage by now: the extract holds no earlier page
                    assertThat(collected(firstRecord)).isTrue();
                }
            }
        }
        assertThat(count).isEqualTo((long) PAGES * PER_PAGE);
        assertThat(requests.get()).as("the last page asked for").isBetween(PAGES + 1, PAGES + concurrency);
    }

    private static boolean collected(WeakReference<?> ref) throws InterruptedException {
        for (int i = 0; i < 20 && ref.get() != null; i++) {
            System.gc();
            Thread.sleep(20);
        }
        return ref.get() == null;
    }

    @Test
    void rateLimitSpacesRequests() {
        for (int p = 1; p <= 6; p++) {
            server.stubFor(get(urlPathEqualTo("/slow")).withQueryParam("page", equalTo(Integer.toString(p)))
                    .willReturn(okJson(p == 6 ? items(0, 0) : items(0, 1))));
        }
        HttpExtract<JsonNode> extract = HttpExtract.get(url("/slow")).records("/data/items")
                .paginate(Pagination.pageNumber("page")).rateLimit(5);

        long start = System.nanoTime();
        assertThat(extract.run()).hasSize(5);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        // 6 requests at 5/s: the first is free, then 5 gaps of 200 ms
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(900)).isLessThan(Duration.ofSeconds(30));
    }
}
