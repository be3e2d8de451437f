package dev.sluice.tasks.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.Flow;
import dev.sluice.FlowRun;
import dev.sluice.State;
import dev.sluice.TaskRun;
import dev.sluice.block.Secret;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code one()}: a single JSON object from one request, mapped whole. */
class OneObjectIT extends WireMockSupport {
    record Customer(int id, String name) {
    }

    @Test
    void aSingleObjectIsMappedWhole() {
        server.stubFor(get(urlPathEqualTo("/customers/42")).willReturn(okJson("{\"id\":42,\"name\":\"Ada\",\"extra\":true}")));

        Customer c = HttpExtract.get(url("/customers/42")).as(Customer.class).one();

        assertThat(c).isEqualTo(new Customer(42, "Ada"));
    }

    @Test
    void theRecordsPointerSaysWhereTheObjectIs() {
        server.stubFor(get(urlPathEqualTo("/wrapped")).willReturn(okJson("{\"data\":{\"id\":7,\"name\":\"Bo\"},\"meta\":{}}")));

        assertThat(HttpExtract.get(url("/wrapped")).records("/data").as(Customer.class).one())
                .isEqualTo(new Customer(7, "Bo"));
        // an array is one value too: not split into records
        server.stubFor(get(urlPathEqualTo("/list")).willReturn(okJson("[{\"id\":1},{\"id\":2}]")));
        JsonNode array = HttpExtract.get(url("/list")).one();
        assertThat(array.isArray()).isTrue();
        assertThat(array).hasSize(2);
    }

    @Test
    void itIsRetriedAuthenticatedAndCanBeAPost() {
        server.stubFor(post(urlPathEqualTo("/search")).inScenario("s").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("ok"));
        server.stubFor(post(urlPathEqualTo("/search")).inScenario("s").whenScenarioStateIs("ok")
                .withHeader("Authorization", com.github.tomakehurst.wiremock.client.WireMock.equalTo("Bearer tok-123456"))
                .withRequestBody(equalToJson("{\"name\":\"Ada\"}"))
                .willReturn(okJson("{\"id\":42,\"name\":\"Ada\"}")));

        Customer c = HttpExtract.post(url("/search")).jsonBody(Map.of("name", "Ada"))
                .auth(new BearerToken(Secret.of("tok-123456"))).as(Customer.class).one();

        assertThat(c.id()).isEqualTo(42);
        assertThat(sleeps).hasSize(1);
    }

    @Test
    void missingNullOrUnmappableValuesFailWithTheUrl() {
        server.stubFor(get(urlPathEqualTo("/c")).willReturn(okJson("{\"data\":null,\"other\":{\"id\":\"not a number\"}}")));
        HttpExtract<Customer> c = HttpExtract.get(url("/c")).as(Customer.class);

        assertThatThrownBy(() -> c.records("/nope").one()).isInstanceOf(HttpExtractException.class)
                .hasMessageContaining("GET " + url("/c") + " has nothing at the records pointer '/nope'")
                .hasMessageContaining("top-level fields are [data, other]");
        assertThatThrownBy(() -> c.records("/data").one()).isInstanceOf(HttpExtractException.class)
                .hasMessageContaining("has null at the records pointer '/data'");
        assertThatThrownBy(() -> c.records("/other").one()).isInstanceOf(HttpExtractException.class)
                .hasMessageContaining("the JSON of GET " + url("/c") + " cannot be mapped to " + Customer.class.getName());
        server.stubFor(get(urlPathEqualTo("/404")).willReturn(aResponse().withStatus(404).withBody("no such customer")));
        assertThatThrownBy(() -> HttpExtract.get(url("/404")).one()).isInstanceOf(HttpExtractException.class)
                .hasMessageContaining("request of GET " + url("/404") + " failed with HTTP 404: 'no such customer'");
        server.verify(1, getRequestedFor(urlPathEqualTo("/404")));
    }

    @Test
    void oneRunsInTheCallersRunAndOneTaskIsARunOfItsOwn() {
        server.stubFor(get(urlPathEqualTo("/customers/1")).willReturn(okJson("{\"id\":1,\"name\":\"Cy\"}")));
        HttpExtract<Customer> extract = HttpExtract.get(url("/customers/1")).named("customer").as(Customer.class);

        FlowRun<List<Customer>> run = Flow.of("lookup", () -> List.of(extract.one(), extract.oneTask().run())).runForState();

        assertThat(run.state()).isEqualTo(State.COMPLETED);
        assertThat(run.result()).containsExactly(new Customer(1, "Cy"), new Customer(1, "Cy"));
        assertThat(run.taskRuns()).extracting(TaskRun::definitionName).containsExactly("customer"); // oneTask's only
        server.verify(2, getRequestedFor(urlPathEqualTo("/customers/1")));
    }
}
