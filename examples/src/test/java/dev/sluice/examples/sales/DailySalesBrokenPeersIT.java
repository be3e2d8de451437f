package dev.sluice.examples.sales;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.sluice.State;
import dev.sluice.block.Blocks;
import dev.sluice.block.Secret;
import dev.sluice.notify.Notification;
import dev.sluice.tasks.http.ApiKey;
import dev.sluice.tasks.sql.DatabaseCredentials;
import dev.sluice.tasks.sql.SqlPools;
import dev.sluice.testkit.TemporarySluiceHome;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The main example against peers that misbehave, as a new user breaks it: a real API (WireMock) given
 * with {@code --api-url} that answers 429s, malformed pages and bad records; a block name that was never
 * saved; a database that is down or refuses a row half-way through a load; the default database block
 * deleted while its file stays.
 */
class DailySalesBrokenPeersIT {
    private static final String KEY = "partner-key-0042";
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final TemporarySluiceHome home = new TemporarySluiceHome();
    private final List<Notification> notifications = new CopyOnWriteArrayList<>();
    private WireMockServer api;

    @BeforeEach
    void start() {
        api = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        api.start();
    }

    @AfterEach
    void stop() {
        SqlPools.close();
        api.stop();
    }

    private DailySales.Outcome run(String... args) throws Exception {
        DailySales.Options options = DailySales.Options.parse(args);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            DailySales.Outcome outcome = DailySales.run(options, List.of(notifications::add), out);
            DailySales.printSummary(outcome, out);
            return outcome;
        }
    }

    private static Map<String, Object> sale(int i, LocalDate date, String product, String amount, Object quantity) {
        Map<String, Object> sale = new LinkedHashMap<>();
        sale.put("id", "s" + i);
        sale.put("date", date.toString());
        sale.put("region", "north");
        sale.put("product", product);
        sale.put("amount", amount);
        sale.put("quantity", quantity);
        return sale;
    }

    private static String page(List<Map<String, Object>> items) throws Exception {
        return JSON.writeValueAsString(Map.of("data", Map.of("items", items)));
    }

    private void servePage(LocalDate date, int page, String body) {
        api.stubFor(get(urlPathEqualTo("/v1/sales")).withQueryParam("date", equalTo(date.toString()))
                .withQueryParam("page", equalTo(String.valueOf(page))).withHeader("X-API-Key", equalTo(KEY))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body)));
    }

    private static Map<String, BigDecimal> table(LocalDate date) throws Exception {
        return SalesExpectations.normalized(SalesExpectations.tableRevenue(Blocks.load(DatabaseCredentials.class, "sales-db"), date));
    }

    @Test
    void aRealApiWithoutItsKeyBlockIsAnErrorNamingTheBlockAndIsNeverSentAMadeUpKey() throws Exception {
        assertThatThrownBy(() -> run("--api-url", api.baseUrl(), "--regions", "north"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sales-api-key").hasMessageContaining("http-api-key");
        assertThatThrownBy(() -> run("--api-url", api.baseUrl(), "--api-key-block", "partner-ky", "--regions", "north"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("partner-ky");
        assertThat(Blocks.find(ApiKey.class, "sales-api-key")).as("no key made up for a real API").isEmpty();
        assertThat(Blocks.find(ApiKey.class, "partner-ky")).isEmpty();
        assertThat(api.findAll(anyRequestedFor(anyUrl()))).isEmpty();

        // a first run with the stand-in saved a made-up key under the default name: it is never sent to a real API
        assertThat(run("--regions", "north", "--date", "2026-11-09").run().state()).isEqualTo(State.COMPLETED);
        assertThatThrownBy(() -> run("--api-url", api.baseUrl(), "--regions", "north"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sales-api-key")
                .hasMessageContaining("stand-in");
        assertThat(api.findAll(anyRequestedFor(anyUrl()))).isEmpty();
    }

    @Test
    void aDatabaseBlockNameThatWasNeverSavedIsAnErrorNamingIt() {
        assertThatThrownBy(() -> run("--database-block", "warehuose", "--regions", "north"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("warehuose").hasMessageContaining("database-credentials");
        assertThat(Blocks.find(DatabaseCredentials.class, "warehuose")).as("no block saved under a mistyped name").isEmpty();
    }

    @Test
    void theDefaultDatabaseBlockDeletedWhileItsFileStaysLeavesTheNextRunWorking() throws Exception {
        LocalDate date = LocalDate.of(2026, 11, 10);
        assertThat(run("--date", date.toString(), "--regions", "north").run().state()).isEqualTo(State.COMPLETED);
        assertThat(Blocks.delete(DatabaseCredentials.class, "sales-db")).isTrue(); // bin/sluice blocks rm sales-db

        DailySales.Outcome again = run("--date", date.toString(), "--regions", "north");
        assertThat(again.run().state()).as(again.run().error().map(Object::toString).orElse("")).isEqualTo(State.COMPLETED);
        assertThat(table(date)).isEqualTo(SalesExpectations.normalized(SalesExpectations.expectedRevenue(date, List.of("north"))));
    }

    @Test
    void aDatabaseThatIsDownFailsTheRunAndSendsTheNotification() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        String password = "fake-down-db-pw-77";
        Blocks.save("down-db", DatabaseCredentials.of("jdbc:postgresql://127.0.0.1:" + closedPort + "/sales", "etl",
                Secret.of(password)).withConnectionTimeout(Duration.ofSeconds(2)));

        DailySales.Outcome outcome = run("--database-block", "down-db", "--regions", "north");

        assertThat(outcome.run().state()).isEqualTo(State.FAILED);
        assertThat(notifications).hasSize(1);
        assertThat(notifications.get(0).text()).contains("daily-sales").contains("FAILED").contains("127.0.0.1:" + closedPort)
                .doesNotContain(password);
    }

    @Test
    void aRecordWithAMalformedQuantityOrDateIsSkippedAndCountedLikeEveryBadRecord() throws Exception {
        LocalDate date = LocalDate.of(2026, 11, 11);
        Blocks.save("sales-api-key", ApiKey.header("X-API-Key", Secret.of(KEY)));
        servePage(date, 1, page(List.of(sale(1, date, "apple", "1.50", 2), sale(2, date, "apple", "2.00", "two"),
                sale(3, date, "pear", "0.70", -3), sale(4, date, "pear", "0.70", 1),
                sale(5, date, "pear", "0.70", 1))).replace("\"s5\",\"date\":\"" + date + "\"", "\"s5\",\"date\":\"yesterday\""));

        DailySales.Outcome outcome = run("--api-url", api.baseUrl(), "--date", date.toString(), "--regions", "north");

        assertThat(outcome.run().state()).as(outcome.run().error().map(Object::toString).orElse("")).isEqualTo(State.COMPLETED);
        assertThat(outcome.skipped()).as("'two' and -3 items and the date 'yesterday' are bad records").isEqualTo(3);
        assertThat(table(date)).isEqualTo(SalesExpectations.normalized(
                Map.of("north/apple", new BigDecimal("1.50"), "north/pear", new BigDecimal("0.70"))));
    }

    @Test
    void a429WithRetryAfterIsWaitedOutAndAMalformedPageFailsTheRunWithNothingLoaded() throws Exception {
        Blocks.save("sales-api-key", ApiKey.header("X-API-Key", Secret.of(KEY)));
        LocalDate ok = LocalDate.of(2026, 11, 12);
        api.stubFor(get(urlPathEqualTo("/v1/sales")).withQueryParam("date", equalTo(ok.toString()))
                .inScenario("busy").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")).willSetStateTo("served"));
        api.stubFor(get(urlPathEqualTo("/v1/sales")).withQueryParam("date", equalTo(ok.toString()))
                .inScenario("busy").whenScenarioStateIs("served")
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(page(List.of(sale(1, ok, "plum", "3.00", 1))))));
        DailySales.Outcome served = run("--api-url", api.baseUrl(), "--date", ok.toString(), "--regions", "north");
        assertThat(served.run().state()).isEqualTo(State.COMPLETED);
        assertThat(table(ok)).isEqualTo(SalesExpectations.normalized(Map.of("north/plum", new BigDecimal("3.00"))));

        LocalDate bad = LocalDate.of(2026, 11, 13);
        List<Map<String, Object>> full = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            full.add(sale(i, bad, "p" + (i % 5), "1.00", 1));
        }
        servePage(bad, 1, page(full));
        servePage(bad, 2, "{\"data\": {\"items\": [{\"id\": \"s50\", \"amount\": ");
        DailySales.Outcome failed = run("--api-url", api.baseUrl(), "--date", bad.toString(), "--regions", "north");
        assertThat(failed.run().state()).isEqualTo(State.FAILED);
        assertThat(failed.run().error().orElseThrow().message()).contains("page 2").contains("not valid JSON");
        assertThat(table(bad)).as("the first page is never loaded as if it were the day").isEmpty();
        assertThat(notifications).hasSize(1);
    }

    @Test
    void aLoadThatFailsHalfWayWritesNothingOfTheRegion() throws Exception {
        Blocks.save("sales-api-key", ApiKey.header("X-API-Key", Secret.of(KEY)));
        LocalDate date = LocalDate.of(2026, 11, 14);
        List<Map<String, Object>> sales = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            sales.add(sale(i, date, "product-" + (char) ('a' + i), "1.00", 1));
        }
        sales.add(sale(20, date, "z".repeat(100), "1.00", 1)); // longer than the column: refused by the database
        servePage(date, 1, page(sales));

        DailySales.Outcome outcome = run("--api-url", api.baseUrl(), "--date", date.toString(), "--regions", "north");

        assertThat(outcome.run().state()).isEqualTo(State.FAILED);
        assertThat(outcome.run().subflowRuns().get(0).taskRuns()).anySatisfy(t -> {
            assertThat(t.name()).isEqualTo("load-north");
            assertThat(t.state()).isEqualTo(State.FAILED);
        });
        assertThat(table(date)).as("all or nothing: none of the 20 good rows").isEmpty();
    }
}
