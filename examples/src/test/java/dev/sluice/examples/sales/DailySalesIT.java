package dev.sluice.examples.sales;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.block.Blocks;
import dev.sluice.FlowRun;
import dev.sluice.notify.Notification;
import dev.sluice.notify.Notifier;
import dev.sluice.State;
import dev.sluice.TaskRun;
import dev.sluice.tasks.http.ApiKey;
import dev.sluice.tasks.sql.DatabaseCredentials;
import dev.sluice.tasks.sql.SqlPools;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import dev.sluice.testkit.TemporarySluiceHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The main example end to end, as a new user runs it: nothing configured, a fresh SLUICE_HOME, the
 * stand-in API and the embedded H2 database. A first run loads; a second run reuses the extracts
 * from the cache and leaves the table as it was; a failing run notifies without the API key.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DailySalesIT {
    private static final LocalDate DATE = LocalDate.of(2026, 11, 20);
    private static final List<String> REGIONS = List.of("north", "south");

    @RegisterExtension
    static final TemporarySluiceHome HOME = new TemporarySluiceHome();
    private final List<Notification> notifications = new CopyOnWriteArrayList<>();
    private final Notifier capture = notifications::add;

    @AfterAll
    static void restoreHome() {
        SqlPools.close();
    }

    private static DailySales.Options options(String failAt) {
        return new DailySales.Options(DATE, REGIONS, null, "sales-api-key", "sales-db", List.of(), failAt, 120);
    }

    private DailySales.Outcome run(String failAt, StringBuilder printed) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DailySales.Outcome outcome;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            outcome = DailySales.run(options(failAt), List.of(capture), out);
            DailySales.printSummary(outcome, out);
        }
        printed.append(bytes.toString(StandardCharsets.UTF_8));
        return outcome;
    }

    private static Map<String, BigDecimal> expectedRevenue() throws Exception {
        return SalesExpectations.normalized(SalesExpectations.expectedRevenue(DATE, REGIONS));
    }

    private static Map<String, BigDecimal> tableRevenue() throws Exception {
        return SalesExpectations.tableRevenue(Blocks.load(DatabaseCredentials.class, "sales-db"), DATE);
    }

    @Test
    @Order(1)
    void aFirstRunExtractsWithARetryTransformsAndLoads() throws Exception {
        StringBuilder printed = new StringBuilder();
        DailySales.Outcome outcome = run(null, printed);
        FlowRun<Long> run = outcome.run();

        assertThat(run.state()).isEqualTo(State.COMPLETED);
        assertThat(run.tags()).contains("example", "env:local");
        assertThat(run.subflowRuns()).hasSize(2).extracting(FlowRun::name)
                .containsExactly("sales-north-2026-11-20", "sales-south-2026-11-20");
        Map<String, BigDecimal> expected = expectedRevenue();
        assertThat(expected).as("the stand-in has sales for the day").isNotEmpty();
        assertThat(run.result()).isEqualTo((long) expected.size());
        assertThat(tableRevenue()).isEqualTo(expected);
        long invalid = SalesExpectations.expectedSkipped(DATE, REGIONS);
        assertThat(invalid).as("the stand-in serves invalid sales").isPositive();
        assertThat(outcome.skipped()).isEqualTo(invalid); // every 25th is missing a product, every 25th has a negative amount
        assertThat(printed).contains("a local STAND-IN").contains("page 2 fetched")
                .contains("rows loaded into daily_sales").contains("extract-north").contains("COMPLETED");
        assertThat(run.subflowRuns().get(0).logs()).anySatisfy(l ->
                assertThat(l.message()).contains("HTTP 503").contains("Retry-After"));
        assertThat(notifications).isEmpty();
        // the blocks a new user gets were saved, with the secrets encrypted on disk
        assertThat(Blocks.find(ApiKey.class, "sales-api-key")).isPresent();
        String key = Blocks.load(ApiKey.class, "sales-api-key").key().reveal();
        try (Stream<Path> files = Files.walk(HOME.path().resolve("blocks"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(f)).doesNotContain(key);
            }
        }
    }

    @Test
    @Order(2)
    void aSecondRunWithinTheHourReusesTheExtractsAndLeavesTheSameTable() throws Exception {
        StringBuilder printed = new StringBuilder();
        DailySales.Outcome outcome = run(null, printed);

        assertThat(outcome.run().state()).isEqualTo(State.COMPLETED);
        List<TaskRun> extracts = outcome.run().subflowRuns().stream()
                .flatMap(r -> r.taskRuns().stream())
                .filter(t -> t.definitionName().equals("extract-sales")).toList();
        assertThat(extracts).hasSize(2).allSatisfy(t -> assertThat(t.state()).isEqualTo(State.CACHED));
        assertThat(printed).contains("2 extract(s) reused from the cache");
        assertThat(tableRevenue()).isEqualTo(expectedRevenue());
    }

    @Test
    @Order(3)
    void aFailingRunNotifiesWithTheFailedTaskAndNoSecret() throws Exception {
        Map<String, BigDecimal> before = tableRevenue();
        StringBuilder printed = new StringBuilder();
        DailySales.Outcome outcome = run("transform", printed);
        String key = Blocks.load(ApiKey.class, "sales-api-key").key().reveal();

        assertThat(outcome.run().state()).isEqualTo(State.FAILED);
        assertThat(notifications).singleElement().satisfies(n -> {
            String text = n.text() + n.fields();
            assertThat(text).contains("daily-sales").contains("FAILED").contains("transform-sales")
                    .contains("transform failed on purpose").contains("api_key=**********")
                    .doesNotContain(key);
        });
        assertThat(printed.toString()).contains("failed:").doesNotContain(key);
        assertThat(outcome.run().error().orElseThrow().stackTrace()).doesNotContain(key);
        assertThat(tableRevenue()).isEqualTo(before);
    }

    @Test
    @Order(4)
    void failingAtTheExtractFailsEvenWhenAnEarlierRunCachedIt() throws Exception {
        notifications.clear();
        StringBuilder printed = new StringBuilder();
        DailySales.Outcome outcome = run("extract", printed); // the runs above cached every extract within the hour

        assertThat(outcome.run().state()).as(printed.toString()).isEqualTo(State.FAILED);
        assertThat(notifications).singleElement().satisfies(n -> assertThat(n.text() + n.fields())
                .contains("extract failed on purpose"));
    }
}
