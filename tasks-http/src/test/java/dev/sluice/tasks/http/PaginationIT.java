package dev.sluice.tasks.http;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class PaginationIT extends WireMockSupport {

    static List<Integer> ids(List<JsonNode> records) {
        return records.stream().map(r -> r.get("id").asInt()).toList();
    }

    static List<Integer> range(int from, int to) {
        return IntStream.range(from, to).boxed().toList();
    }

    @Test
    void pageNumberStopsAtAShorterPage() {
        server.stubFor(get(urlPathEqualTo("/items")).withQueryParam("page", equalTo("1"))
                .withQueryParam("per_page", equalTo("3")).willReturn(okJson(items(0, 3))));
        server.stubFor(get(urlPathEqualTo("/items")).withQueryParam("page", equalTo("2"))
                .willReturn(okJson(items(3, 6))));
        server.stubFor(get(urlPathEqualTo("/items")).withQueryParam("page", equalTo("3"))
                .willReturn(okJson(items(6, 7))));

        List<JsonNode> records = HttpExtract.get(url("/items")).records("/data/items")
                .paginate(Pagination.pageNumber("page", 1, "per_page", 3)).run();

        assertThat(ids(records)).isEqualTo(range(0, 7));
        server.verify(3, getRequestedFor(urlPathEqualTo("/items")));
    }

    @Test
    void aNoContentAnswerIsAnEmptyPage() {
        // an API that answers 204 No Content past its last page (or for an empty list)
        server.stubFor(get(urlPathEqualTo("/items")).withQueryParam("p", equalTo("1")).willReturn(okJson(items(0, 2))));
        server.stubFor(get(urlPathEqualTo("/items")).withQueryParam("p", equalTo("2"))
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.noContent()));
        server.stubFor(get(urlPathEqualTo("/none")).willReturn(com.github.tomakehurst.wiremock.client.WireMock.noContent()));

        assertThat(ids(HttpExtract.get(url("/items")).records("/data/items").paginate(Pagination.pageNumber("p")).run()))
                .isEqualTo(range(0, 2));
        assertThat(HttpExtract.get(url("/none")).records("/data/items").list()).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> HttpExtract.get(url("/none")).one())
                .isInstanceOf(HttpExtractException.class)
                .hasMessageContaining("204");
    }

    @Test
    void nextLinksWithCharactersServersLeaveUnencodedAreFollowed() {
        // a '|' and a space left unencoded in the next link (browsers and curl follow it): paging used to stop
        // after page 1 without a word (Link header) or fail with URI.create's message (body)
        server.stubFor(get(urlPathEqualTo("/articles")).withQueryParam("page", absent())
                .willReturn(okJson("{\"data\":[{\"id\":1}],\"links\":{\"next\":\"/articles?status=open|draft&city=New York&page=2\"}}")
                        .withHeader("Link", "<" + url("/articles") + "?status=open|draft&city=New York&page=2>; rel=\"next\"")));
        server.stubFor(get(urlPathEqualTo("/articles")).withQueryParam("page", equalTo("2"))
                .withQueryParam("status", equalTo("open|draft")).withQueryParam("city", equalTo("New York"))
                .willReturn(okJson("{\"data\":[{\"id\":2}],\"links\":{\"next\":null}}")));

        for (Pagination p : List.of(Pagination.linkHeader(), Pagination.nextUrl("/links/next"))) {
            assertThat(ids(HttpExtract.get(url("/articles")).records("/data").paginate(p).list())).as(p.toString())
                    .isEqualTo(range(1, 3));
        }
    }

    @Test
    void pageNumberWithoutSizeStopsAtAnEmptyPage() {
        server.stubFor(get(urlPathEqualTo("/items")).withQueryParam("p", equalTo("1")).willReturn(okJson(items(0, 2))));
        server.stubFor(get(urlPathEqualTo("/items")).withQueryParam("p", equalTo("2")).willReturn(okJson(items(2, 3))));
        server.stubFor(get(urlPathEqualTo("/items")).withQueryParam("p", equalTo("3")).willReturn(okJson(items(0, 0))));

        List<JsonNode> records = HttpExtract.get(url("/items")).records("/data/items")
                .paginate(Pagination.pageNumber("p")).run();

        assertThat(ids(records)).isEqualTo(range(0, 3));
        server.verify(3, getRequestedFor(urlPathEqualTo("/items")));
    }

    @Test
    void offsetAndLimit() {
        server.stubFor(get(urlPathEqualTo("/rows")).withQueryParam("offset", equalTo("0"))
                .withQueryParam("limit", equalTo("2")).willReturn(okJson("[{\"id\":0},{\"id\":1}]")));
        server.stubFor(get(urlPathEqualTo("/rows")).withQueryParam("offset", equalTo("2"))
                .withQueryParam("limit", equalTo("2")).willReturn(okJson("[{\"id\":2},{\"id\":3}]")));
        server.stubFor(get(urlPathEqualTo("/rows")).withQueryParam("offset", equalTo("4"))
                .withQueryParam("limit", equalTo("2")).willReturn(okJson("[{\"id\":4}]")));

        List<JsonNode> records = HttpExtract.get(url("/rows")).paginate(Pagination.offset("offset", "limit", 2)).run();

        assertThat(ids(records)).isEqualTo(range(0, 5));
    }

    @Test
    void cursorFromTheBody() {
        server.stubFor(get(urlPathEqualTo("/events")).withQueryParam("cursor", absent())
                .willReturn(okJson("{\"events\":[{\"id\":0},{\"id\":1}],\"meta\":{\"next\":\"c1\"}}")));
        server.stubFor(get(urlPathEqualTo("/events")).withQueryParam("cursor", equalTo("c1"))
                .willReturn(okJson("{\"events\":[{\"id\":2}],\"meta\":{\"next\":\"c 2/+\"}}")));
        server.stubFor(get(urlPathEqualTo("/events")).withQueryParam("cursor", equalTo("c 2/+"))
                .willReturn(okJson("{\"events\":[{\"id\":3}],\"meta\":{\"next\":null}}")));

        List<JsonNode> records = HttpExtract.get(url("/events?kind=all")).records("/events")
                .paginate(Pagination.cursor("/meta/next", "cursor")).run();

        assertThat(ids(records)).isEqualTo(range(0, 4));
        server.verify(3, getRequestedFor(urlPathEqualTo("/events")).withQueryParam("kind", equalTo("all")));
    }

    @Test
    void linkHeaderRelNext() {
        server.stubFor(get(urlPathEqualTo("/repos")).withQueryParam("page", absent()).willReturn(okJson("[{\"id\":0}]")
                .withHeader("Link", "<" + url("/repos?page=2") + ">; rel=\"next\", <" + url("/repos?page=3") + ">; rel=\"last\"")));
        server.stubFor(get(urlPathEqualTo("/repos")).withQueryParam("page", equalTo("2")).willReturn(okJson("[{\"id\":1}]")
                .withHeader("Link", "</repos?page=1>; rel=\"prev first\", </repos?page=3>; rel=\"next last\"")));
        server.stubFor(get(urlPathEqualTo("/repos")).withQueryParam("page", equalTo("3")).willReturn(okJson("[{\"id\":2}]")
                .withHeader("Link", "</repos?page=2>; rel=\"prev\"")));

        List<JsonNode> records = HttpExtract.get(url("/repos")).paginate(Pagination.linkHeader()).run();

        assertThat(ids(records)).isEqualTo(range(0, 3));
    }

    /**
     * A next link that cannot be followed is an error naming the page: it used to end a Link-header extract as if
     * that page were the last, the records after it dropped without a word (and a body's next URL to another scheme
     * came out as a bare IllegalArgumentException).
     */
    @Test
    void aNextLinkThatCannotBeFollowedFailsTheExtractInsteadOfEndingIt() {
        server.stubFor(get(urlPathEqualTo("/bad-link")).willReturn(okJson("[{\"id\":0}]")
                .withHeader("Link", "<http://[::1/items?page=2>; rel=\"next\"")));
        server.stubFor(get(urlPathEqualTo("/ftp-next")).willReturn(okJson("{\"items\":[{\"id\":0}],\"next\":\"ftp://127.0.0.1/x\"}")));

        assertThatThrownBy(() -> HttpExtract.get(url("/bad-link")).paginate(Pagination.linkHeader()).list())
                .isInstanceOf(HttpExtractException.class)
                .hasMessageContaining("page 1")
                .hasMessageContaining("Link");
        assertThatThrownBy(() -> HttpExtract.get(url("/ftp-next")).records("/items").paginate(Pagination.nextUrl("/next")).list())
                .isInstanceOf(HttpExtractException.class)
                .hasMessageContaining("page 1")
                .hasMessageContaining("http or https");
    }

    @Test
    void nextUrlInTheBodyRelativeOrAbsolute() {
        server.stubFor(get(urlPathEqualTo("/a")).willReturn(okJson("{\"items\":[{\"id\":0}],\"links\":{\"next\":\"/b?x=1\"}}")));
        server.stubFor(get(urlPathEqualTo("/b")).willReturn(okJson("{\"items\":[{\"id\":1}],\"links\":{\"next\":\"" + url("/c") + "\"}}")));
        server.stubFor(get(urlPathEqualTo("/c")).willReturn(okJson("{\"items\":[{\"id\":2}],\"links\":{}}")));

        List<JsonNode> records = HttpExtract.get(url("/a")).records("/items")
                .paginate(Pagination.nextUrl("/links/next")).run();

        assertThat(ids(records)).isEqualTo(range(0, 3));
        server.verify(getRequestedFor(urlPathEqualTo("/b")).withQueryParam("x", equalTo("1")));
    }

    @Test
    void customStrategy() {
        // ?since=<last id> until a page is empty
        server.stubFor(get(urlPathEqualTo("/feed")).withQueryParam("since", equalTo("0")).willReturn(okJson(items(1, 3))));
        server.stubFor(get(urlPathEqualTo("/feed")).withQueryParam("since", equalTo("2")).willReturn(okJson(items(3, 4))));
        server.stubFor(get(urlPathEqualTo("/feed")).withQueryParam("since", equalTo("3")).willReturn(okJson(items(0, 0))));
        Pagination since = new Pagination() {
            @Override
            public PageRequest first(PageRequest request) {
                return request.withQueryParameter("since", "0");
            }

            @Override
            public Optional<PageRequest> next(PageRequest previous, Page page) {
                if (page.records().isEmpty()) {
                    return Optional.empty();
                }
                String last = page.records().get(page.records().size() - 1).get("id").asText();
                return Optional.of(previous.withQueryParameter("since", last));
            }
        };

        List<JsonNode> records = HttpExtract.get(url("/feed")).records("/data/items").paginate(since).run();

        assertThat(ids(records)).isEqualTo(range(1, 4));
    }

    @Test
    void postWithJsonBodyHeadersAndQuery() {
        server.stubFor(post(urlPathEqualTo("/search")).withQueryParam("q", equalTo("a b&c"))
                .withHeader("X-Tenant", equalTo("acme")).withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("{\"filter\":{\"status\":\"open\"}}"))
                .willReturn(okJson(items(0, 2))));

        List<JsonNode> records = HttpExtract.post(url("/search")).query("q", "a b&c").header("X-Tenant", "acme")
                .jsonBody(Map.of("filter", Map.of("status", "open"))).records("/data/items").run();

        assertThat(ids(records)).isEqualTo(range(0, 2));
    }

    @Test
    void maxPagesAndMaxRecordsEndTheExtractNormally() {
        server.stubFor(get(urlPathEqualTo("/many")).willReturn(okJson(items(0, 10))));

        assertThat(HttpExtract.get(url("/many")).records("/data/items").paginate(Pagination.pageNumber("page"))
                .maxPages(3).run()).hasSize(30);
        server.verify(3, getRequestedFor(urlPathEqualTo("/many")));
        server.resetRequests();
        assertThat(HttpExtract.get(url("/many")).records("/data/items").paginate(Pagination.pageNumber("page"))
                .maxRecords(15).run()).hasSize(15);
        server.verify(2, getRequestedFor(urlPathEqualTo("/many")));
    }

    record Item(int id, String name) {
    }

    @Test
    void recordsMapToATypeWithUnknownFieldsIgnored() {
        server.stubFor(get(urlPathEqualTo("/typed")).willReturn(okJson(
                "{\"items\":[{\"id\":1,\"name\":\"a\",\"extra\":true},{\"id\":2,\"name\":\"b\"}]}")));

        List<Item> items = HttpExtract.get(url("/typed")).records("/items").as(Item.class).run();

        assertThat(items).containsExactly(new Item(1, "a"), new Item(2, "b"));
    }

    @Test
    void aRecordThatDoesNotMapNamesPageRecordAndType() {
        server.stubFor(get(urlPathEqualTo("/typed")).willReturn(okJson(
                "{\"items\":[{\"id\":1,\"name\":\"a\"},{\"id\":\"not a number\",\"name\":\"b\"}]}")));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> HttpExtract.get(url("/typed")).records("/items")
                        .as(Item.class).stream().count())
                .isInstanceOf(HttpExtractException.class)
                .hasMessageContaining("record 2 of page 1 cannot be mapped to " + Item.class.getName());
    }

    @Test
    void aNullRecordOrAMissingPrimitiveIsARecordThatDoesNotMap() {
        server.stubFor(get(urlPathEqualTo("/nulls")).willReturn(okJson("{\"items\":[{\"id\":1,\"name\":null},null]}")));
        server.stubFor(get(urlPathEqualTo("/noid")).willReturn(okJson("{\"items\":[{\"id\":1},{\"name\":\"noid\"}]}")));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> HttpExtract.get(url("/nulls")).records("/items")
                        .as(Item.class).list())
                .isInstanceOf(HttpExtractException.class)
                .hasMessageContaining("record 2 of page 1 cannot be mapped to " + Item.class.getName() + ": it is null");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> HttpExtract.get(url("/noid")).records("/items")
                        .as(Item.class).list())
                .isInstanceOf(HttpExtractException.class)
                .hasMessageContaining("record 2 of page 1 cannot be mapped to " + Item.class.getName() + ": ")
                .hasMessageContaining("`int`")
                .hasMessageNotContaining("DeserializationConfig");
        // as JSON trees, a null record is a null node: nothing is lost or refused
        assertThat(HttpExtract.get(url("/nulls")).records("/items").list()).hasSize(2);
    }

    @Test
    void concurrentPageNumbersKeepPageOrder() {
        for (int p = 1; p <= 10; p++) {
            server.stubFor(get(urlPathEqualTo("/par")).withQueryParam("page", equalTo(Integer.toString(p)))
                    .willReturn(okJson(items((p - 1) * 5, p == 10 ? (p - 1) * 5 + 2 : p * 5))
                            .withFixedDelay(p % 3 == 0 ? 30 : 0)));
        }
        for (int p = 11; p <= 20; p++) {
            server.stubFor(get(urlPathEqualTo("/par")).withQueryParam("page", equalTo(Integer.toString(p)))
                    .willReturn(okJson(items(0, 0))));
        }

        List<JsonNode> records = HttpExtract.get(url("/par")).records("/data/items")
                .paginate(Pagination.pageNumber("page", 1, "size", 5)).concurrency(4).run();

        assertThat(ids(records)).isEqualTo(range(0, 47));
    }

    @Test
    void streamIsLazyAndClosesEarly() {
        server.stubFor(get(urlPathEqualTo("/lazy")).willReturn(okJson(items(0, 10))));

        try (Stream<JsonNode> s = HttpExtract.get(url("/lazy")).records("/data/items")
                .paginate(Pagination.pageNumber("page")).stream()) {
            server.verify(0, getRequestedFor(urlPathEqualTo("/lazy")));
            assertThat(s.limit(15).count()).isEqualTo(15);
        }
        server.verify(2, getRequestedFor(urlPathEqualTo("/lazy")));
    }
}
