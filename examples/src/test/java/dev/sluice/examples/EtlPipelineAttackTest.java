package dev.sluice.examples;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import dev.sluice.Flow;
import dev.sluice.FlowRun;
import dev.sluice.LogLine;
import dev.sluice.RunContext;
import dev.sluice.SluiceRuntime;
import dev.sluice.State;
import dev.sluice.Task;
import dev.sluice.TaskRun;
import dev.sluice.block.BlockStore;
import dev.sluice.block.Blocks;
import dev.sluice.block.Secret;
import dev.sluice.cache.CachePolicy;
import dev.sluice.history.FlowRunDetail;
import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.history.LogEntry;
import dev.sluice.history.LogQuery;
import dev.sluice.notify.Notify;
import dev.sluice.tasks.email.EmailNotifier;
import dev.sluice.tasks.email.EmailSecurity;
import dev.sluice.tasks.email.EmailServerCredentials;
import dev.sluice.tasks.http.BearerToken;
import dev.sluice.tasks.http.HttpExtract;
import dev.sluice.tasks.http.Pagination;
import dev.sluice.tasks.slack.SlackWebhook;
import dev.sluice.tasks.sql.DatabaseCredentials;
import dev.sluice.tasks.sql.LoadSpec;
import dev.sluice.tasks.sql.SqlStatement;
import dev.sluice.tasks.sql.SqlTasks;
import jakarta.mail.internet.MimeMessage;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The headline use case written as a new user writes it from the README: an HTTP extract with a bearer-token
 * block, a transform, an upsert into SQL with a database block, and failure notifications to Slack and email
 * with their own blocks; then attacked: 429s, an API that dies mid-pagination, a load that fails half-way, a
 * notifier that is down or slow, flow retries, a re-run after the fix, and the SQLite history of it all.
 */
class EtlPipelineAttackTest {
    private static final String API_TOKEN = "fake-api-token-5e1f";
    private static final String DB_PASSWORD = "fake-db-pw-77c3";
    private static final String SMTP_PASSWORD = "fake-smtp-pw-93ab";
    private static final String SLACK_PATH = "/services/TFAKE0001/BFAKE0002/fakeSlackSecret9f";

    /** An order as the API sends it. */
    public record Order(String id, String customer, String amount) {
    }

    /** An order as the warehouse keeps it. */
    public record OrderRow(String id, String customer, BigDecimal amount) {
    }

    @TempDir
    Path home;
    private WireMockServer api;
    private GreenMail smtp;
    private History history;
    private SluiceRuntime runtime;
    private String dbUrl;

    @BeforeEach
    void start() throws Exception {
        api = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        api.start();
        smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort())
                .withConfiguration(GreenMailConfiguration.aConfig().withUser("etl@example.com", "etl@example.com", SMTP_PASSWORD));
        smtp.start();
        api.stubFor(post(urlEqualTo(SLACK_PATH)).willReturn(aResponse().withStatus(200).withBody("ok")));
        history = History.open(HistoryDatabase.sqlite(home.resolve("sluice.db")));
        runtime = SluiceRuntime.builder().withoutExtensions().home(home).blockStore(BlockStore.inMemory())
                .recorder(history.recorder()).hookTimeout(Duration.ofSeconds(3)).build();
        dbUrl = "jdbc:h2:file:" + home.resolve("warehouse").toAbsolutePath();
        runtime.run(() -> {
            Blocks.save("orders-api", new BearerToken(Secret.of(API_TOKEN)));
            Blocks.save("warehouse", DatabaseCredentials.of(dbUrl, "etl", Secret.of(DB_PASSWORD)));
            Blocks.save("ops-smtp", EmailServerCredentials.of("127.0.0.1", EmailSecurity.NONE, "etl@example.com",
                    Secret.of(SMTP_PASSWORD)).withPort(smtp.getSmtp().getPort()));
            Blocks.save("ops-slack", SlackWebhook.of(Secret.of(api.baseUrl() + SLACK_PATH)));
            SqlTasks.execute().run(Blocks.load(DatabaseCredentials.class, "warehouse"), SqlStatement.of(
                    "create table orders (id varchar(20) primary key, customer varchar(40) not null, amount numeric(10,2))"));
        });
    }

    @AfterEach
    void stop() {
        runtime.close();
        history.close();
        smtp.stop();
        api.stop();
    }

    private void page(int page, String body) {
        api.stubFor(get(urlPathEqualTo("/orders")).withQueryParam("page", equalTo(String.valueOf(page)))
                .withHeader("Authorization", equalTo("Bearer " + API_TOKEN))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body)));
    }

    private static String orders(String... idCustomerAmount) {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < idCustomerAmount.length; i += 3) {
            String customer = idCustomerAmount[i + 1] == null ? "null" : "\"" + idCustomerAmount[i + 1] + "\"";
            items.add("{\"id\":\"" + idCustomerAmount[i] + "\",\"customer\":" + customer + ",\"amount\":\""
                    + idCustomerAmount[i + 2] + "\"}");
        }
        return "{\"data\":[" + String.join(",", items) + "]}";
    }

    /** The pipeline as the README builds it, with every credential from a block. */
    private Flow<String, Long> pipeline(int flowRetries) {
        BearerToken token = Blocks.load(BearerToken.class, "orders-api");
        DatabaseCredentials warehouse = Blocks.load(DatabaseCredentials.class, "warehouse");
        Task<String, List<Order>> extract = Task.named("extract-orders")
                .withCache(CachePolicy.inputs().expireAfter(Duration.ofHours(1)))
                .of((String day) -> HttpExtract.get(api.baseUrl() + "/orders")
                        .query("day", day)
                        .auth(token)
                        .records("/data")
                        .paginate(Pagination.pageNumber("page", 1, "per_page", 2))
                        .retryPolicy(dev.sluice.RetryPolicy.fixed(3, Duration.ofMillis(50)))
                        .as(Order.class)
                        .list());
        Task<List<Order>, List<OrderRow>> transform = Task.of("transform-orders", (List<Order> in) -> in.stream()
                .map(o -> new OrderRow(o.id(), o.customer(), new BigDecimal(o.amount()))).toList());
        var load = SqlTasks.load();
        Notify notify = Notify.via(Blocks.load(SlackWebhook.class, "ops-slack"),
                EmailNotifier.of("ops-smtp", List.of("ops@example.com")));
        return Flow.named("orders-etl")
                .withRetries(flowRetries, Duration.ofMillis(50))
                .onFailure(notify)
                .of((String day) -> {
                    List<OrderRow> rows = transform.run(extract.run(day));
                    RunContext.logger().info("loading {} rows as etl/{} into {}", rows.size(), warehouse.password().reveal(),
                            warehouse.jdbcUrl());
                    return load.run(warehouse, LoadSpec.into("orders").withUpsertOn("id").withBatchSize(1), rows).rows();
                });
    }

    private List<Map<String, Object>> table() {
        return runtime.call(() -> SqlTasks.fetchAll().run(Blocks.load(DatabaseCredentials.class, "warehouse"),
                SqlStatement.of("select id, customer, amount from orders order by id")));
    }

    private List<String> mails() throws Exception {
        List<String> texts = new ArrayList<>();
        for (MimeMessage m : smtp.getReceivedMessages()) {
            texts.add(m.getSubject() + "\n" + GreenMailUtil.getBody(m));
        }
        return texts;
    }

    private List<String> slackPosts() {
        return api.findAll(postRequestedFor(urlEqualTo(SLACK_PATH))).stream().map(r -> r.getBodyAsString()).toList();
    }

    private static void assertNoSecret(String text) {
        assertThat(text).doesNotContain(API_TOKEN).doesNotContain(DB_PASSWORD).doesNotContain(SMTP_PASSWORD)
                .doesNotContain("fakeSlackSecret9f").doesNotContain("BFAKE0002");
    }

    @Test
    void a429ThenSuccessLoadsEverythingOnceAndHistoryHasItMasked() throws Exception {
        api.stubFor(get(urlPathEqualTo("/orders")).withQueryParam("page", equalTo("1")).inScenario("rl")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "0")).willSetStateTo("ok"));
        api.stubFor(get(urlPathEqualTo("/orders")).withQueryParam("page", equalTo("1")).inScenario("rl")
                .whenScenarioStateIs("ok").willReturn(aResponse().withStatus(200)
                        .withHeader("Content-Type", "application/json").withBody(orders("o1", "ann", "1.50", "o2", "bob", "2.00"))));
        page(2, orders("o3", "cid", "3.25"));
        page(3, orders());

        FlowRun<Long> run = runtime.call(() -> pipeline(0).runForState("2026-11-20"));

        assertThat(run.state()).as("%s", run.error()).isEqualTo(State.COMPLETED);
        assertThat(run.result()).isEqualTo(3L);
        assertThat(table()).hasSize(3);
        assertThat(slackPosts()).isEmpty();
        assertThat(smtp.getReceivedMessages()).isEmpty();
        String logs = run.logs().stream().map(LogLine::message).collect(Collectors.joining("\n"));
        assertThat(logs).contains("etl/**********");
        assertNoSecret(logs);

        assertThat(history.flush(Duration.ofSeconds(5))).isTrue();
        FlowRunDetail detail = history.flowRun(run.id()).orElseThrow();
        assertThat(detail.toString()).contains("COMPLETED");
        List<LogEntry> stored = history.logs(LogQuery.of(run.id())).items();
        String storedText = stored.stream().map(LogEntry::toString).collect(Collectors.joining("\n"));
        assertThat(storedText).contains("etl/**********");
        assertNoSecret(storedText);
    }

    @Test
    void aLoadFailingHalfWayWritesNothingNotifiesOnceWithoutSecretsAndTheFixedRerunLoadsOnce() throws Exception {
        page(1, orders("o1", "ann", "1.50", "o2", "bob", "2.00"));
        page(2, orders("o3", null, "3.25"));    // customer null: NOT NULL refuses the third row
        page(3, orders());

        FlowRun<Long> failed = runtime.call(() -> pipeline(1).runForState("2026-11-20"));

        assertThat(failed.state()).isEqualTo(State.FAILED);
        assertThat(table()).isEmpty();
        // the flow retried once: the extract came from the cache the second time
        assertThat(api.findAll(getRequestedFor(urlPathEqualTo("/orders")))).hasSize(2);
        List<TaskRun> extracts = failed.taskRuns().stream().filter(t -> t.definitionName().equals("extract-orders")).toList();
        assertThat(extracts).extracting(TaskRun::state).containsExactly(State.COMPLETED, State.CACHED);
        assertThat(slackPosts()).hasSize(1);
        assertThat(mails()).hasSize(1);
        assertNoSecret(slackPosts().get(0));
        assertNoSecret(mails().get(0));
        assertThat(slackPosts().get(0)).contains("orders-etl").contains("sql-load").contains("NULL not allowed")
                .contains(failed.id());
        assertThat(mails().get(0)).contains("orders-etl").contains("sql-load").contains("NULL not allowed")
                .contains(failed.id());
        assertNoSecret(String.valueOf(failed.error()));

        // fixed at the source; a re-run, then the same re-run again: each row once
        page(2, orders("o3", "cid", "3.25"));
        api.resetRequests();
        FlowRun<Long> fixed = runtime.call(() -> pipeline(0).runForState("2026-11-21"));
        FlowRun<Long> again = runtime.call(() -> pipeline(0).runForState("2026-11-21"));
        assertThat(fixed.state()).as("%s", fixed.error()).isEqualTo(State.COMPLETED);
        assertThat(again.state()).isEqualTo(State.COMPLETED);
        assertThat(table()).hasSize(3);
        assertThat(slackPosts()).as("no notification for the runs that completed").isEmpty();

        assertThat(history.flush(Duration.ofSeconds(5))).isTrue();
        FlowRunDetail detail = history.flowRun(failed.id()).orElseThrow();
        assertNoSecret(detail.toString());
        assertThat(detail.run().state()).isEqualTo(State.FAILED);
        assertThat(detail.run().attempts()).isEqualTo(2);
        assertThat(detail.stateHistory()).extracting(c -> c.state()).contains(State.RUNNING, State.FAILED);
        assertThat(detail.taskRuns().items()).extracting(t -> t.taskName() + ":" + t.state()).containsExactly(
                "extract-orders:COMPLETED", "transform-orders:COMPLETED", "sql-load:FAILED",
                "extract-orders:CACHED", "transform-orders:COMPLETED", "sql-load:FAILED");
        assertThat(detail.error()).isNotNull();
        assertThat(detail.error().message()).contains("NULL not allowed");
        assertThat(detail.logs().items()).extracting(LogEntry::message).anyMatch(m -> m.contains("etl/**********"));
        assertThat(history.flowRun(fixed.id()).orElseThrow().run().state()).isEqualTo(State.COMPLETED);
    }

    private void useWarehouse(DatabaseCredentials credentials) {
        runtime.run(() -> {
            Blocks.save("warehouse", credentials, true);
            SqlTasks.execute().run(credentials, SqlStatement.of(
                    "create table orders (id varchar(20) primary key, customer varchar(40) not null, amount numeric(10,2))"));
        });
    }

    /** Half-way failure with flow retries, then the fixed source loaded twice: every row once, nothing else. */
    private void failThenFixTwice() throws Exception {
        page(1, orders("o1", "ann", "1.50", "o2", "bob", "2.00"));
        page(2, orders("o3", null, "3.25"));
        FlowRun<Long> failed = runtime.call(() -> pipeline(1).runForState("2026-11-20"));
        assertThat(failed.state()).isEqualTo(State.FAILED);
        assertThat(table()).isEmpty();
        assertThat(slackPosts()).hasSize(1);
        assertThat(mails()).hasSize(1);
        assertNoSecret(slackPosts().get(0) + mails().get(0) + failed.error());

        page(2, orders("o3", "cid", "3.25"));
        FlowRun<Long> fixed = runtime.call(() -> pipeline(0).runForState("2026-11-21"));
        FlowRun<Long> again = runtime.call(() -> pipeline(0).runForState("2026-11-21"));
        assertThat(fixed.state()).as("%s", fixed.error()).isEqualTo(State.COMPLETED);
        assertThat(again.state()).as("%s", again.error()).isEqualTo(State.COMPLETED);
        assertThat(table()).extracting(r -> String.valueOf(r.values())).hasSize(3);
        assertThat(slackPosts()).hasSize(1);
    }

    @Test
    void onASqliteFileTheHalfWayFailureLeavesNothingAndTheRerunLoadsOnce() throws Exception {
        useWarehouse(DatabaseCredentials.of("jdbc:sqlite:" + home.resolve("warehouse.db"), "etl", Secret.of(DB_PASSWORD)));
        failThenFixTwice();
    }

    @Test
    void onPostgresqlTheHalfWayFailureLeavesNothingAndTheRerunLoadsOnce() throws Exception {
        try (io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder().start()) {
            try (var c = pg.getPostgresDatabase().getConnection(); var st = c.createStatement()) {
                st.execute("create role etl login password '" + DB_PASSWORD + "'");
                st.execute("create database wh owner etl");
            }
            useWarehouse(DatabaseCredentials.of(pg.getJdbcUrl("etl", "wh"), "etl", Secret.of(DB_PASSWORD)));
            failThenFixTwice();
            runtime.close();   // the pool, before the server goes
        }
    }

    @Test
    void aDatabaseThatIsDownAndNotifiersThatRefuseLeakNoSecretToTheLogsTheHistoryOrTheCaller() throws Exception {
        page(1, orders("o1", "ann", "1.50"));
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String url = "jdbc:postgresql://127.0.0.1:" + closedPort + "/wh?user=etl&password=" + DB_PASSWORD + "&connectTimeout=2";
        runtime.run(() -> {
            Blocks.save("warehouse", DatabaseCredentials.of(url, "etl", Secret.of(DB_PASSWORD)), true);
            Blocks.save("ops-smtp", EmailServerCredentials.of("127.0.0.1", EmailSecurity.NONE, "etl@example.com",
                    Secret.of(SMTP_PASSWORD + "-wrong")).withPort(smtp.getSmtp().getPort()), true);
        });
        api.stubFor(post(urlEqualTo(SLACK_PATH)).willReturn(aResponse().withStatus(404).withBody("no_service")));
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        FlowRun<Long> run;
        try {
            System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
            run = runtime.call(() -> pipeline(0).runForState("2026-11-20"));
        } finally {
            System.setErr(err);
        }
        assertThat(run.state()).isEqualTo(State.FAILED);
        String logs = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(logs).contains("orders-etl");
        assertNoSecret(logs);
        assertNoSecret(String.valueOf(run.error()));
        assertNoSecret(run.logs().toString());
        assertThat(history.flush(Duration.ofSeconds(5))).isTrue();
        assertNoSecret(history.flowRun(run.id()).orElseThrow().toString());
    }

    @Test
    void aFlowTimeoutWhileTheApiHangsEndsTimedOutAtItsDeadlineWithOneNotificationAndNothingLoaded() throws Exception {
        api.stubFor(get(urlPathEqualTo("/orders")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(orders("o1", "ann", "1.50")).withFixedDelay(2_500)));
        long start = System.nanoTime();
        FlowRun<Long> run = runtime.call(() -> pipeline(0).withTimeout(Duration.ofMillis(800)).runForState("2026-11-20"));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(run.state()).isEqualTo(State.TIMED_OUT);
        assertThat(took).isLessThan(Duration.ofMillis(3_500));
        assertThat(run.taskRuns()).extracting(TaskRun::state).containsExactly(State.CANCELLED);
        assertThat(slackPosts()).hasSize(1);
        assertThat(slackPosts().get(0)).contains("TIMED_OUT").contains("extract-orders");
        assertThat(mails()).hasSize(1);
        assertNoSecret(slackPosts().get(0) + mails().get(0));
        assertThat(table()).isEmpty();
        assertThat(history.flush(Duration.ofSeconds(5))).isTrue();
        FlowRunDetail detail = history.flowRun(run.id()).orElseThrow();
        assertThat(detail.run().state()).isEqualTo(State.TIMED_OUT);
        assertThat(detail.taskRuns().items()).extracting(t -> t.state()).containsExactly(State.CANCELLED);
    }

    @Test
    void aFlowRetryAfterTheApiDiedMidPaginationExtractsAgainFromTheFirstPageAndLoadsEachRowOnce() throws Exception {
        page(1, orders("o1", "ann", "1.50", "o2", "bob", "2.00"));
        page(3, orders());
        String state = Scenario.STARTED;
        for (int i = 1; i <= 4; i++) {   // the extract's four tries of page 2 fail: the first flow attempt fails
            api.stubFor(get(urlPathEqualTo("/orders")).withQueryParam("page", equalTo("2")).inScenario("p2")
                    .whenScenarioStateIs(state).willReturn(aResponse().withStatus(503)).willSetStateTo("f" + i));
            state = "f" + i;
        }
        api.stubFor(get(urlPathEqualTo("/orders")).withQueryParam("page", equalTo("2")).inScenario("p2")
                .whenScenarioStateIs(state).willReturn(aResponse().withStatus(200)
                        .withHeader("Content-Type", "application/json").withBody(orders("o3", "cid", "3.25", "o4", "dan", "4.00"))));

        FlowRun<Long> run = runtime.call(() -> pipeline(1).runForState("2026-11-20"));

        assertThat(run.state()).as("%s", run.error()).isEqualTo(State.COMPLETED);
        assertThat(run.attempts()).isEqualTo(2);
        assertThat(run.result()).isEqualTo(4L);
        assertThat(table()).hasSize(4);
        assertThat(slackPosts()).isEmpty();
        assertThat(mails()).isEmpty();
    }

    @Test
    void credentialsPassedAsFlowParametersStayMaskedInTheNotificationTheRunAndTheHistory() throws Exception {
        Task<DatabaseCredentials, Integer> count = Task.of("count-orders", (DatabaseCredentials db) -> {
            throw new IllegalStateException("warehouse is read-only");
        });
        Flow<DatabaseCredentials, Integer> flow = Flow.named("orders-count")
                .withParameterNames("db")
                .onFailure(Notify.via(runtime.call(() -> Blocks.load(SlackWebhook.class, "ops-slack"))))
                .of((DatabaseCredentials db) -> count.run(db));
        DatabaseCredentials db = DatabaseCredentials.of("jdbc:postgresql://127.0.0.1:1/wh?password=" + DB_PASSWORD + "-url",
                "etl", Secret.of(DB_PASSWORD + "-field"));

        FlowRun<Integer> run = runtime.call(() -> flow.runForState(db));

        assertThat(run.state()).isEqualTo(State.FAILED);
        assertThat(slackPosts()).hasSize(1);
        assertNoSecret(slackPosts().get(0));
        assertNoSecret(run.parameters().toString());
        assertNoSecret(run.taskRuns().get(0).parameters().toString());
        assertThat(history.flush(Duration.ofSeconds(5))).isTrue();
        FlowRunDetail detail = history.flowRun(run.id()).orElseThrow();
        assertNoSecret(detail.toString());
        assertNoSecret(history.taskRun(run.taskRuns().get(0).id()).orElseThrow().toString());
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + home.resolve("sluice.db"));
                var st = c.createStatement()) {
            StringBuilder all = new StringBuilder();
            for (String table : List.of("flow_run", "task_run", "log_line")) {
                try (var rs = st.executeQuery("select * from " + table)) {
                    while (rs.next()) {
                        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                            all.append(rs.getString(i)).append(' ');
                        }
                    }
                } catch (java.sql.SQLException e) {
                    all.append("(no table ").append(table).append(") ");
                }
            }
            assertNoSecret(all.toString());
        }
    }

    @Test
    void aConcurrentExtractWhosePageDiesFailsWholeAndPromptlyAndTheFlowLoadsNothing() throws Exception {
        for (int p = 1; p <= 9; p++) {
            if (p != 5) {
                page(p, orders("a" + p, "ann", "1.00", "b" + p, "bob", "2.00"));
            }
        }
        page(10, orders());
        api.stubFor(get(urlPathEqualTo("/orders")).withQueryParam("page", equalTo("5"))
                .willReturn(aResponse().withStatus(502).withBody("bad gateway")));
        DatabaseCredentials warehouse = runtime.call(() -> Blocks.load(DatabaseCredentials.class, "warehouse"));
        BearerToken token = runtime.call(() -> Blocks.load(BearerToken.class, "orders-api"));
        Flow<String, Long> flow = Flow.named("orders-etl-concurrent")
                .onFailure(Notify.via(runtime.call(() -> Blocks.load(SlackWebhook.class, "ops-slack"))))
                .of((String day) -> {
                    List<Order> all = HttpExtract.get(api.baseUrl() + "/orders").query("day", day).auth(token)
                            .records("/data").paginate(Pagination.pageNumber("page", 1, "per_page", 2))
                            .retryPolicy(dev.sluice.RetryPolicy.fixed(2, Duration.ofMillis(50)))
                            .concurrency(4).as(Order.class).run();
                    return SqlTasks.load().run(warehouse, LoadSpec.into("orders").withUpsertOn("id"), all.stream()
                            .map(o -> new OrderRow(o.id(), o.customer(), new BigDecimal(o.amount()))).toList()).rows();
                });
        long start = System.nanoTime();
        FlowRun<Long> run = runtime.call(() -> flow.runForState("2026-11-20"));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(run.state()).isEqualTo(State.FAILED);
        assertThat(String.valueOf(run.error())).contains("page 5").contains("502");
        assertThat(took).isLessThan(Duration.ofSeconds(5));
        assertThat(table()).isEmpty();
        assertThat(slackPosts()).hasSize(1);
        assertNoSecret(slackPosts().get(0) + run.error());
    }

    @Test
    void theApiDyingMidPaginationFailsTheRunWithNothingLoaded() throws Exception {
        page(1, orders("o1", "ann", "1.50", "o2", "bob", "2.00"));
        api.stubFor(get(urlPathEqualTo("/orders")).withQueryParam("page", equalTo("2"))
                .willReturn(aResponse().withStatus(500).withBody("internal error, token " + API_TOKEN)));

        FlowRun<Long> run = runtime.call(() -> pipeline(0).runForState("2026-11-20"));

        assertThat(run.state()).isEqualTo(State.FAILED);
        assertThat(table()).isEmpty();
        assertThat(slackPosts()).hasSize(1);
        assertThat(mails()).hasSize(1);
        assertNoSecret(slackPosts().get(0));
        assertNoSecret(mails().get(0));
        assertThat(String.valueOf(run.error())).contains("HTTP 500").contains("token **********");
        assertNoSecret(String.valueOf(run.error()));
        assertThat(history.flush(Duration.ofSeconds(5))).isTrue();
        FlowRunDetail detail = history.flowRun(run.id()).orElseThrow();
        assertThat(detail.error().message()).contains("HTTP 500");
        assertNoSecret(detail.toString());
        for (var taskRun : detail.taskRuns().items()) {
            assertThat(taskRun.state()).isEqualTo(State.FAILED);
            assertNoSecret(history.taskRun(taskRun.id()).orElseThrow().toString());
        }
        assertNoSecret(history.logs(LogQuery.of(run.id())).items().toString());
    }

    @Test
    void aSlowOrDeadNotifierDoesNotHoldTheOutcomeBackPastTheHookTimeout() throws Exception {
        page(1, orders("o1", null, "1.50"));
        page(2, orders());
        api.stubFor(post(urlEqualTo(SLACK_PATH)).willReturn(aResponse().withStatus(200).withBody("ok")
                .withFixedDelay(4_500)));

        long start = System.nanoTime();
        FlowRun<Long> run = runtime.call(() -> pipeline(0).runForState("2026-11-20"));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(run.state()).isEqualTo(State.FAILED);
        assertThat(took).as("the hook timeout is 3 s, Slack answers after 4.5 s").isLessThan(Duration.ofMillis(4_400));
    }
}
