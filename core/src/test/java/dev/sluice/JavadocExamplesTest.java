package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.block.Block;
import dev.sluice.block.BlockRef;
import dev.sluice.block.BlockStore;
import dev.sluice.block.BlockType;
import dev.sluice.block.BlockTypeProvider;
import dev.sluice.block.Blocks;
import dev.sluice.block.Encrypted;
import dev.sluice.block.JdbcUrls;
import dev.sluice.block.Secret;
import dev.sluice.cache.CachePolicy;
import dev.sluice.cache.ResultStore;
import dev.sluice.notify.LogNotifier;
import dev.sluice.notify.Notification;
import dev.sluice.notify.Notify;
import dev.sluice.notify.Severity;
import dev.sluice.notify.TextCuts;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The {@code <pre>{@code ...}</pre>} examples of the core's public Javadoc, copied as written (with
 * stand-ins for the names the examples take as given: {@code api}, {@code build}, {@code download},
 * ...), so an example that stops compiling fails the build; and run where they can run in a test.
 * Examples naming types of other modules ({@code SlackWebhook}, {@code DatabaseCredentials},
 * {@code JsonNode}) use a core type of the same shape.
 */
class JavadocExamplesTest extends LazyRuntimeTest {
    @Override
    SluiceRuntime.Builder configure(SluiceRuntime.Builder builder) {
        return builder.blockStore(BlockStore.inMemory());
    }

    // ---- stand-ins for what the examples take as given
    record Report(String city) {
    }

    static Report build(String city) {
        return new Report(city);
    }

    static final class Api {
        String weather(String city) {
            return "{\"city\":\"" + city + "\"}";
        }

        List<Double> temperatures(String city) {
            return List.of(20.5, 21.0);
        }
    }

    final Api api = new Api();

    static int download(String city) throws IOException {
        return city.length();
    }

    static void alert(FlowRun<?> run) {
    }

    static int load(String city) {
        return city.length();
    }

    final Task<String, String> extract = Task.of("extract", (String city) -> city);
    final Task<String, String> transform = Task.of("transform", (String s) -> s.toUpperCase());
    final Task<String, Integer> load = Task.of("load", (String s) -> s.length());
    final Flow<String, Integer> etl = Flow.of("daily-etl", (String city) -> load.run(transform.run(extract.run(city))));

    // ---- dev.sluice

    @Test
    void packageExample() {
        int result = runtime().call(() -> {
            Task<String, Integer> length = Task.of("length", (String s) -> s.length()).withRetries(2, Duration.ofSeconds(1));
            Flow<String, Integer> flow = Flow.of("demo", (String s) -> length.run(s) * 2);
            return flow.run("hello");
        });
        assertThat(result).isEqualTo(10);
    }

    @Test
    void taskExample() {
        String raw = runtime().call(() -> {
            Task<String, String> extract = Task.of("extract", (String city) -> api.weather(city))
                    .withRetries(3, Duration.ofSeconds(2))
                    .withTimeout(Duration.ofSeconds(30));
            return extract.run("Boston");
        });
        assertThat(raw).contains("Boston");
    }

    @Test
    void taskNamedExample() {
        Duration d = Duration.ofSeconds(1);
        Task<String, List<String>> t = Task.named("extract").withRetries(3, d).of((String day) -> List.of(day));
        assertThat(runtime().call(() -> t.run("monday"))).containsExactly("monday");
    }

    @Test
    void taskActionExamples() {
        List<String> sent = new CopyOnWriteArrayList<>();
        Task0<@Nullable Void> refresh = Task.action("refresh-view", () -> sent.add("refreshed"));
        Task<String, @Nullable Void> send = Task.action("send", (String who) -> sent.add(who));
        runtime().run(() -> {
            assertThat(refresh.run()).isNull();
            assertThat(send.run("ops")).isNull();
        });
        assertThat(sent).containsExactly("refreshed", "ops");
    }

    @Test
    void taskBuilderExample() {
        Task<String, List<Double>> fetch = Task.named("fetch-temperatures")
                .withRetries(2, Duration.ofMillis(200))
                .withTimeout(Duration.ofSeconds(10))
                .of((String city) -> city.isEmpty() ? List.of() : api.temperatures(city));
        assertThat(runtime().call(() -> fetch.run(""))).isEmpty();
        assertThat(runtime().call(() -> fetch.run("Boston"))).hasSize(2);
    }

    @Test
    void flowExample() {
        runtime().run(() -> {
            Flow<String, Integer> etl = Flow.of("daily-etl", (String city) -> load.run(transform.run(extract.run(city))))
                    .onFailure(run -> alert(run));
            int loaded = etl.run("Boston");                  // the result, or FlowFailedException
            FlowRun<Integer> run = etl.runForState("Boston"); // the record, whatever the outcome
            assertThat(loaded).isEqualTo(6);
            assertThat(run.result()).isEqualTo(6);
        });
    }

    @Test
    void parameterDefaultExample() {
        Flow<String, Report> report = Flow.of("report", (String city) -> build(city))
                .withParameterNames("city")
                .withParameterDefault("city", "Boston");
        FlowRun<Report> run = runtime().call(() -> report.runForState(null)); // runs for Boston; the run's parameters say city=Boston
        assertThat(run.result()).isEqualTo(new Report("Boston"));
        assertThat(run.parameters()).containsEntry("city", "Boston");
    }

    @Test
    void flowBuilderExample() {
        Flow<String, Report> daily = Flow.named("daily-report")
                .withParameterNames("city")
                .withParameterDefault("city", "Boston")
                .onFailure(Notify.via(new LogNotifier("ops")))
                .of((String city) -> build(city));
        assertThat(runtime().call(() -> daily.run(null))).isEqualTo(new Report("Boston"));
    }

    @Test
    void retryAfterExample() {
        Clock clock = Clock.fixed(Instant.parse("1994-11-06T08:49:00Z"), ZoneOffset.UTC);
        java.net.http.HttpHeaders headers = java.net.http.HttpHeaders.of(
                Map.of("Retry-After", List.of("Sun, 06 Nov 1994 08:49:37 GMT")), (k, v) -> true);
        Optional<Duration> wait = RetryAfter.parse(headers.firstValue("Retry-After").orElse(null), clock.instant());
        assertThat(wait).contains(Duration.ofSeconds(37));
    }

    @Test
    void retryPolicyExample() {
        RetryPolicy policy = RetryPolicy.exponential(5, Duration.ofMillis(200), Duration.ofSeconds(10))
                .withJitter(0.3)
                .retryOn(IOException.class)
                .abortOn(FileNotFoundException.class);
        Task<String, Integer> fetch = Task.of("fetch", (String city) -> download(city)).withRetryPolicy(policy);
        assertThat(runtime().call(() -> fetch.run("Boston"))).isEqualTo(6);
        assertThat(policy.shouldRetry(new IOException())).isTrue();
        assertThat(policy.shouldRetry(new FileNotFoundException())).isFalse();
    }

    @Test
    void runContextSnapshotExample() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Flow0<String> flow = Flow.of("snap", () -> {
                RunContext.Snapshot here = RunContext.snapshot();
                pool.submit(here.wrap(() -> RunContext.logger().info("still in the task run"))).get(10, TimeUnit.SECONDS);
                return "ok";
            });
            FlowRun<String> run = runtime().call(flow::runForState);
            assertThat(run.logs()).extracting(LogLine::message).contains("still in the task run");
        } finally {
            pool.shutdownNow();
        }
    }

    /** The {@link RunRecorder.Slot} example, with a stand-in span. */
    static final class Span {
        volatile boolean ended;

        void end() {
            ended = true;
        }
    }

    static final class Spans implements RunRecorder {
        final List<Span> started = new CopyOnWriteArrayList<>();
        private final RunRecorder.Slot<Span> spans = RunRecorder.Slot.create();

        Span startSpan(Run run) {
            Span s = new Span();
            started.add(s);
            return s;
        }

        @Override
        public void stateChanged(Run run, StateChange change) {
            if (change.state() == State.PENDING || change.state() == State.SCHEDULED) {
                spans.set(run, startSpan(run));    // at the run's first state
            }
            Span span = spans.get(run);            // at a later change (or in enter(run))
            if (span != null && change.state().isTerminal()) {
                span.end();
                spans.set(run, null);              // at the run's last state
            }
        }
    }

    @Test
    void runRecorderSlotExample() {
        Spans recorder = new Spans();
        try (SluiceRuntime r = SluiceRuntime.builder().withoutExtensions().home(home).recorder(recorder).build()) {
            r.run(Flow.of("spans", (String s) -> Task.of("t", (String x) -> x).run(s)), "x");
        }
        assertThat(recorder.started).hasSize(2).allMatch(s -> s.ended);
    }

    @Test
    void sleeperExample() {
        List<Duration> waited = new CopyOnWriteArrayList<>();
        try (SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().home(home).sleeper(waited::add).build()) {
            int[] calls = {0};
            runtime.call(() -> Task.of("flaky", () -> {
                if (calls[0]++ == 0) {
                    throw new IOException("once");
                }
                return 1;
            }).withRetries(1, Duration.ofSeconds(7)).run());
        }
        assertThat(waited).containsExactly(Duration.ofSeconds(7));
    }

    @BlockType("http-api-key")
    record HttpApiKey(Secret key) implements Block {
    }

    @Test
    void sluiceRuntimeExample() {
        try (SluiceRuntime runtime = SluiceRuntime.builder()
                .withoutExtensions()
                .home(home.resolve("etl"))
                .blockStore(BlockStore.inMemory())
                .resultStore(ResultStore.inMemory())
                .build()) {
            runtime.run(() -> Blocks.save("sales", new HttpApiKey(Secret.of("fake-key-for-tests"))));
            int rows = runtime.run(etl, "Boston");              // the flow, its tasks, subflows, hooks: all under runtime
            Block key = runtime.call(() -> Blocks.load("http-api-key/sales"));
            assertThat(rows).isEqualTo(6);
            assertThat(key).isInstanceOf(HttpApiKey.class);
        }
    }

    static final class Pools {
    }

    static final SluiceRuntime.Resource<Pools> POOLS = SluiceRuntime.Resource.of("sql pools", runtime -> new Pools());

    @Test
    void resourceExample() {
        runtime().run(() -> {
            Pools pools = SluiceRuntime.current().resource(POOLS);
            assertThat(SluiceRuntime.current().resource(POOLS)).isSameAs(pools);
        });
    }

    @Test
    void tagsExample() {
        int rows = runtime().call(() -> Tags.with("env:prod", () -> etl.run("Boston")));
        assertThat(rows).isEqualTo(6);
        assertThat(runtime().recentRuns().flowRuns().get(0).tags()).contains("env:prod");
    }

    // ---- dev.sluice.block

    @BlockType("sftp-server")
    public record SftpServer(String host, int port, String username, Secret password) implements Block {}

    @Test
    void blockExample() {
        runtime().run(() -> {
            Blocks.save("backups", new SftpServer("sftp.example.com", 22, "backup", Secret.of("s3cret")));
            SftpServer sftp = Blocks.load(SftpServer.class, "backups");
            assertThat(sftp.host()).isEqualTo("sftp.example.com");
        });
    }

    @BlockType("email-server-credentials-example")
    record EmailServerCredentials(String host) implements Block {
    }

    @BlockType("email-notifier-example")
    record EmailNotifier(String to) implements Block {
    }

    public static final class EmailBlockTypes implements BlockTypeProvider {
        public List<Class<? extends Block>> blockTypes() {
            return List.of(EmailServerCredentials.class, EmailNotifier.class);
        }
    }

    @Test
    void blockTypeProviderExample() {
        assertThat(new EmailBlockTypes().blockTypes()).hasSize(2);
    }

    @BlockType("aws-credentials-example")
    record AwsCredentials(String accessKeyId, Secret secretAccessKey) implements Block {
    }

    @BlockType("aws-secret")
    public record AwsSecret(@Nullable BlockRef<AwsCredentials> credentials, String secretName) implements Block {
        // read(), write(...): the secret in AWS Secrets Manager, with the credentials loaded when needed
    }

    @Test
    void blockRefExample() {
        runtime().run(() -> {
            Blocks.save("aws-prod", new AwsCredentials("AKIAFAKEFAKE", Secret.of("fake-secret-key")));
            Blocks.save("warehouse", new AwsSecret(BlockRef.to(AwsCredentials.class, "aws-prod"), "prod/warehouse/password"));
            AwsSecret loaded = Blocks.load(AwsSecret.class, "warehouse");
            assertThat(loaded.credentials().load().accessKeyId()).isEqualTo("AKIAFAKEFAKE");
        });
    }

    @BlockType("warehouse-connection")
    public record WarehouseConnection(@Encrypted String jdbcUrl, String username, Secret password) implements Block {}

    @Test
    void encryptedExample() {
        runtime().run(() -> {
            Blocks.save("dw", new WarehouseConnection("jdbc:postgresql://db/dw", "etl", Secret.of("fake-pw")));
            assertThat(Blocks.load(WarehouseConnection.class, "dw").jdbcUrl()).isEqualTo("jdbc:postgresql://db/dw");
        });
    }

    @Test
    void jdbcUrlsExample() {
        String shown = JdbcUrls.redacted("jdbc:postgresql://etl:pw@db:5432/dw?ssl=true");   // "jdbc:postgresql://**********@db:5432/dw?..."
        List<String> found = JdbcUrls.passwords("jdbc:postgresql://db/dw?user=etl&password=s3cret"); // ["s3cret"]
        assertThat(shown).isEqualTo("jdbc:postgresql://**********@db:5432/dw?...");
        assertThat(found).containsExactly("s3cret");
    }

    // ---- dev.sluice.cache

    @Test
    void cachePolicyExample() {
        Task<String, Report> report = Task.of("report", (String city) -> build(city))
                .withCache(CachePolicy.inputs().expireAfter(Duration.ofHours(1)));
        runtime().run(() -> {
            report.run("Boston");
            assertThat(Flow.of("twice", () -> report.run("Boston")).runForState().taskRuns().get(0).state())
                    .isEqualTo(State.CACHED);
        });
    }

    // ---- dev.sluice.notify

    @Test
    void notifyExamples() {
        List<Notification> sent = new CopyOnWriteArrayList<>();
        dev.sluice.notify.Notifier slack = sent::add; // stands in for Blocks.load(SlackWebhook.class, "ops-alerts")
        Flow<String, Integer> etl = Flow.of("daily-etl", (String city) -> load(city))
                .onFailure(Notify.via(slack, new LogNotifier()));
        Flow<String, Integer> flow = Flow.of("f", (String city) -> {
            throw new IllegalStateException("down");
        });
        flow = flow.onFailure(Notify.via(new LogNotifier()));   // a copy with the hook: a flow never changes
        flow = flow.onFailure(Notify.via(slack));   // a copy with the hook: a flow never changes
        Flow<String, Integer> failing = flow;
        runtime().run(() -> {
            etl.run("Boston");
            failing.runForState("Boston");
        });
        assertThat(sent).hasSize(1);
        slack.notify("Hello from Sluice!");
        assertThat(sent.get(1).subject()).isEqualTo("Hello from Sluice!");
        assertThat(sent.get(1).severity()).isEqualTo(Severity.INFO);
    }

    @Test
    void textCutsExample() {
        Notification notification = Notification.of("s", "x".repeat(30_000), Severity.ERROR);
        String body = TextCuts.cut(notification.body(), 25_000, TextCuts.Measure.JSON, "\u2026");
        assertThat(TextCuts.size(body, TextCuts.Measure.JSON)).isLessThanOrEqualTo(25_000);
        assertThat(body).endsWith("\u2026");
    }
}
