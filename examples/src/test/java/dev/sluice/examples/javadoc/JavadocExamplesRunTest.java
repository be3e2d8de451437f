package dev.sluice.examples.javadoc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Flow;
import dev.sluice.FlowRun;
import dev.sluice.Run;
import dev.sluice.SluiceRuntime;
import dev.sluice.State;
import dev.sluice.StateChange;
import dev.sluice.Task;
import dev.sluice.TaskRun;
import dev.sluice.block.Block;
import dev.sluice.block.BlockStore;
import dev.sluice.block.Blocks;
import dev.sluice.block.Secret;
import dev.sluice.cache.ResultStore;
import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.notify.Notification;
import dev.sluice.scheduler.CatchUp;
import dev.sluice.scheduler.Deployment;
import dev.sluice.scheduler.Overlap;
import dev.sluice.scheduler.ParameterError;
import dev.sluice.scheduler.ParameterSchema;
import dev.sluice.tasks.email.EmailServerCredentials;
import dev.sluice.tasks.sql.DatabaseCredentials;
import dev.sluice.tasks.sql.LoadResult;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the Javadoc's examples whose comments promise a result ("runs for Boston", "// 587 for STARTTLS",
 * "// true"), each under a runtime of its own, against real peers that live in the JVM (H2, SQLite files, the file
 * block store), and checks the promise. {@link JavadocExamplesPeersIT} does the same against servers.
 */
class JavadocExamplesRunTest {
    @TempDir
    Path home;

    private SluiceRuntime runtime;

    @BeforeEach
    void runtime() {
        runtime = SluiceRuntime.builder().withoutExtensions().home(home)
                .blockStore(BlockStore.inMemory()).resultStore(ResultStore.inMemory()).sleeper(d -> { }).build();
    }

    @AfterEach
    void close() {
        runtime.close();
    }

    private <T> T under(Supplier<T> example) {
        return runtime.call(example);
    }

    // ---- sluice-core

    @Test
    void aParameterDefaultRunsForBostonAndTheRunSaysSo() {
        assertThat(under(CoreExamples::definitionParameterDefault)).containsEntry("city", "Boston");
    }

    @Test
    void thePackageExampleGivesTwiceTheLength() {
        assertThat(under(CoreExamples::corePackage)).isEqualTo(10);
    }

    @Test
    void aFlowRunsForItsResultAndForItsRecord() {
        FlowRun<Integer> run = under(CoreExamples::flow);
        assertThat(run.state()).isEqualTo(State.COMPLETED);
        assertThat(run.result()).isEqualTo("Boston:raw:clean".length());
    }

    @Test
    void tagsApplyToTheRunsInsideAndTheResultComesBack() {
        Flow<String, Integer> etl = Flow.of("tagged-etl", (String city) -> city.length());
        assertThat(under(() -> CoreExamples.tags(etl))).isEqualTo(6);
        assertThat(runtime.recentRuns().flowRuns()).singleElement()
                .satisfies(run -> assertThat(run.tags()).contains("env:prod"));
    }

    @Test
    void aSleeperThatRecordsSeesTheRetryDelays() throws Exception {
        List<Duration> waited = CoreExamples.sleeper();
        assertThat(waited).isEmpty();
        // the same sleeper, in a runtime that runs a task retried once after 2 seconds
        List<Duration> seen = new CopyOnWriteArrayList<>();
        try (SluiceRuntime recording = SluiceRuntime.builder().withoutExtensions().home(home).sleeper(seen::add).build()) {
            int[] calls = {0};
            Task<String, Integer> flaky = Task.of("flaky", (String s) -> {
                if (calls[0]++ == 0) {
                    throw new IOException("first call fails");
                }
                return s.length();
            }).withRetries(1, Duration.ofSeconds(2));
            assertThat(recording.call(() -> flaky.run("abc"))).isEqualTo(3);
        }
        assertThat(seen).containsExactly(Duration.ofSeconds(2));
    }

    @Test
    void aSnapshotCarriesTheTaskRunToAPoolThread() {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Task<String, String> task = Task.of("hands-off", (String s) -> {
                CoreExamples.runContextSnapshot(pool);
                pool.submit(() -> { }).get(); // the example's work is done
                return s;
            });
            under(() -> task.run("x"));
        } finally {
            pool.shutdownNow();
        }
        Run run = runtime.recentRuns().runs().stream().filter(r -> r.name().startsWith("hands-off"))
                .findFirst().orElseThrow();
        assertThat(run.logs()).anySatisfy(line -> assertThat(line.message()).isEqualTo("still in the task run"));
    }

    @Test
    void theSlotRecorderStartsAndEndsOneSpanPerRun() {
        CoreExamples.spanEvents.clear();
        try (SluiceRuntime traced = SluiceRuntime.builder().withoutExtensions().home(home)
                .recorder(new CoreExamples.SpanRecorder()).build()) {
            assertThat(traced.call(CoreExamples::corePackage)).isEqualTo(10);
        }
        // one flow run and one task run: each span started at the first state and ended at the last
        assertThat(CoreExamples.spanEvents).containsExactlyInAnyOrder("start demo", "end demo", "start length", "end length");
    }

    @Test
    void textCutsCutsTheBodyToItsJsonSize() {
        Notification notification = Notification.of("subject", "x\"".repeat(20_000), dev.sluice.notify.Severity.ERROR);
        String body = CoreExamples.textCuts(notification);
        assertThat(dev.sluice.notify.TextCuts.size(body, dev.sluice.notify.TextCuts.Measure.JSON)).isLessThanOrEqualTo(25_000);
        assertThat(body).endsWith("\u2026");
    }

    @Test
    void aBlockTypeSavesAndLoads() {
        CoreExamples.SftpServer sftp = under(CoreExamples::block);
        assertThat(sftp.host()).isEqualTo("sftp.example.com");
        assertThat(sftp.password().reveal()).isEqualTo("s3cret");
    }

    @Test
    void aBlockTypedAsTextGetsThePortOfItsSecurity() {
        Block smtp = under(() -> CoreExamples.blockSchema("typed-secret"));
        assertThat(smtp).isInstanceOfSatisfying(EmailServerCredentials.class, c -> {
            assertThat(c.port()).isEqualTo(587);
            assertThat(c.password().reveal()).isEqualTo("typed-secret");
        });
    }

    @Test
    void blocksLoadByTypeAndBySlug() {
        List<Object> loaded = under(CoreExamples::blocks);
        assertThat(loaded.get(0)).isInstanceOfSatisfying(DatabaseCredentials.class, db -> assertThat(db.poolSize()).isEqualTo(4));
        assertThat(loaded.get(1)).isEqualTo(loaded.get(0));
    }

    @Test
    void anEncryptedComponentIsNeverWrittenInPlainText() throws IOException {
        try (SluiceRuntime files = SluiceRuntime.builder().withoutExtensions().home(home)
                .blockStore(BlockStore.file(home, Map.of())).build()) {
            files.run(() -> Blocks.save("dw", new CoreExamples.WarehouseConnection(
                    "jdbc:postgresql://db/dw?password=plain-in-url", "etl", Secret.of("s3cret-pw"))));
            CoreExamples.WarehouseConnection back = files.call(() -> Blocks.load(CoreExamples.WarehouseConnection.class, "dw"));
            assertThat(back.jdbcUrl()).isEqualTo("jdbc:postgresql://db/dw?password=plain-in-url");
        }
        try (Stream<Path> written = Files.walk(home.resolve("blocks"))) {
            for (Path file : written.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(file)).doesNotContain("plain-in-url", "db/dw", "s3cret-pw");
            }
        }
    }

    @Test
    void jdbcUrlsShowAndFindWhatTheCommentsSay() {
        List<Object> results = CoreExamples.jdbcUrls();
        assertThat(results.get(0)).isEqualTo("jdbc:postgresql://**********@db:5432/dw?...");
        assertThat(results.get(1)).isEqualTo(List.of("s3cret"));
    }

    // ---- sluice-scheduler

    @Test
    void aDeploymentMergesItsSchedulesAndRunsWithItsDefaults() {
        List<Object> results = under(SchedulerExamples::deployment);
        @SuppressWarnings("unchecked")
        List<Instant> slots = (List<Instant>) results.get(0);
        assertThat(slots).hasSize(5).isSorted();
        FlowRun<?> run = (FlowRun<?>) results.get(1);
        assertThat(run.state()).isEqualTo(State.COMPLETED);
        assertThat(SchedulerExamples.lastBuilt).hasToString("Report[city=Boston, days=30]");
    }

    @Test
    void catchUpAndOverlapAreKeptInTheCopiesTheExamplesKeep() {
        Deployment deployment = SchedulerExamples.reportDeployment();
        List<Deployment> copies = SchedulerExamples.catchUp(deployment);
        assertThat(copies).extracting(Deployment::catchUp)
                .containsExactly(CatchUp.NONE, CatchUp.LATEST, CatchUp.LATEST, CatchUp.ALL);
        assertThat(copies).extracting(Deployment::catchUpWindow).containsExactly(Optional.empty(), Optional.empty(),
                Optional.of(Duration.ofHours(6)), Optional.of(Duration.ofDays(1)));
        assertThat(SchedulerExamples.overlap(deployment).overlap()).isEqualTo(Overlap.SKIP);
        // the deployment the examples started from is what it was: a statement that drops the copy does nothing
        assertThat(deployment.overlap()).isNotEqualTo(Overlap.SKIP);
        assertThat(deployment.catchUpWindow()).isEmpty();
    }

    @Test
    void aParameterErrorReadsAsTheCommentSays() {
        assertThat(SchedulerExamples.parameterError()).isEqualTo("days: 0 is less than the minimum 1");
    }

    @Test
    void aParameterSchemaValidatesAndConvertsAsTheCommentsSay() {
        List<Object> results = SchedulerExamples.parameterSchema();
        String json = (String) results.get(0);
        assertThat(json).startsWith("{\"type\":\"object\",\"properties\":{\"city\":{").contains("\"required\":[\"city\",\"day\"]");
        assertThat(results.get(1)).hasToString("{city=Boston, day=2026-01-31, days=7, mode=FULL}");
        assertThat(results.get(2)).hasToString("Report[city=Boston, day=2026-01-31, days=30, mode=FULL, note=Optional.empty]");

        SchedulerExamples.stored.clear();
        SchedulerExamples.parameterValidation(ParameterSchema.parse(json));
        assertThat(SchedulerExamples.stored).singleElement().hasToString("{city=Boston, day=2026-01-31, days=30, mode=FULL}");
    }

    @Test
    void aScheduleDescribesItselfAndItsTextParsesBack() {
        List<Object> results = SchedulerExamples.schedule();
        @SuppressWarnings("unchecked")
        List<Instant> next = (List<Instant>) results.get(0);
        assertThat(next).hasSize(3).isSorted().allSatisfy(slot -> assertThat(slot).isAfter(Instant.now().minusSeconds(5)));
        assertThat(next).allSatisfy(slot -> assertThat(slot.atZone(ZoneId.of("Europe/Berlin")).getHour()).isEqualTo(6));
        assertThat(results.get(1)).isEqualTo("every day at 06:00 Europe/Berlin");
        assertThat(results.get(2)).isEqualTo(true);
    }

    @Test
    void invalidParametersReachTheForm() {
        List<String> marked = new ArrayList<>();
        SchedulerExamples.invalidParametersException(SchedulerExamples.reportDeployment(), (p, m) -> marked.add(p + ": " + m));
        assertThat(marked).singleElement().asString().startsWith("days: ");
    }

    @Test
    void aDeploymentRunDayOutsideADeploymentIsYesterday() {
        ZoneId zone = ZoneId.of("Europe/Berlin");
        assertThat(SchedulerExamples.deploymentRunSlotTime(zone)).isEqualTo(LocalDate.now(zone).minusDays(1));
    }

    @Test
    void theSchedulerPackageExampleRunsWithTheDefaultCity() {
        List<Object> results = under(SchedulerExamples::schedulerPackage);
        assertThat(results.get(1)).asString().contains("\"city\"", "\"days\"");
        assertThat(((FlowRun<?>) results.get(2)).state()).isEqualTo(State.COMPLETED);
        assertThat(SchedulerExamples.lastBuilt).hasToString("Report[city=Boston, days=30]");
    }

    // ---- sluice-history

    @Test
    void aFlowCompletedWithinTheDayIsNotRunAgain() {
        HistoryDatabase db = HistoryDatabase.sqlite(home.resolve("runs.db"));
        int[] runs = {0};
        Flow<LocalDate, Integer> etl = Flow.of("daily-etl", (LocalDate day) -> ++runs[0]);
        try (History history = History.open(db);
             SluiceRuntime recorded = SluiceRuntime.builder().withoutExtensions().home(home).recorder(history.recorder()).build()) {
            recorded.run(() -> HistoryExamples.hasCompleted(history, etl, LocalDate.now()));
            assertThat(runs[0]).isEqualTo(1);
            history.flush();
            recorded.run(() -> HistoryExamples.hasCompleted(history, etl, LocalDate.now()));
            assertThat(runs[0]).isEqualTo(1);
        }
    }

    // ---- sluice-cli

    @Test
    void theCliListsTheFailedRunsAsJson() throws Exception {
        try (History history = History.open(HistoryDatabase.sqlite(home.resolve("sluice.db")));
             SluiceRuntime recorded = SluiceRuntime.builder().withoutExtensions().home(home).recorder(history.recorder()).build()) {
            recorded.run(Flow.of("javadoc-cli-ok", (String s) -> s.length()), "fine");
            recorded.call(() -> Flow.of("javadoc-cli-failing", (String s) -> {
                throw new IllegalStateException("no data for " + s);
            }).runForState("Boston"));
            history.flush();
        }
        java.io.ByteArrayOutputStream outBytes = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream errBytes = new java.io.ByteArrayOutputStream();
        java.io.PrintStream out = new java.io.PrintStream(outBytes, true, java.nio.charset.StandardCharsets.UTF_8);
        java.io.PrintStream err = new java.io.PrintStream(errBytes, true, java.nio.charset.StandardCharsets.UTF_8);
        // SluiceCli's example, on this test's home instead of the environment's
        int exit = dev.sluice.cli.SluiceCli.builder().out(out).err(err).environment(Map.of("SLUICE_HOME", home.toString()))
                .build().run("runs", "ls", "--state", "FAILED", "--json");
        assertThat(exit).as(errBytes.toString(java.nio.charset.StandardCharsets.UTF_8)).isZero();
        assertThat(outBytes.toString(java.nio.charset.StandardCharsets.UTF_8))
                .contains("\"flowName\" : \"javadoc-cli-failing\"", "\"state\" : \"FAILED\"").doesNotContain("javadoc-cli-ok");
    }

    // ---- sluice-tasks-sql

    @Test
    void fetchAllThenLoadCopiesTheOpenOrders() throws SQLException {
        String url = "jdbc:h2:mem:javadoc-sql-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
            s.execute("create table orders (order_id bigint primary key, status varchar(10), total decimal(10,2))");
            s.execute("create table orders_copy (order_id bigint primary key, status varchar(10), total decimal(10,2))");
            s.execute("insert into orders values (1, 'open', 10.50), (2, 'shipped', 20.00), (3, 'open', 30.25)");
            DatabaseCredentials db = DatabaseCredentials.of(url, "sa", Secret.of(""));
            List<Object> results = under(() -> SqlExamples.sqlTasks(db));
            assertThat(results.get(0)).asList().containsExactly(
                    new SqlExamples.Order(1, "open", new BigDecimal("10.50")), new SqlExamples.Order(3, "open", new BigDecimal("30.25")));
            assertThat(((LoadResult) results.get(1)).inserted()).isEqualTo(2);
            try (ResultSet copied = s.executeQuery("select count(*) from orders_copy where status = 'open'")) {
                copied.next();
                assertThat(copied.getInt(1)).isEqualTo(2);
            }
        }
    }
}
