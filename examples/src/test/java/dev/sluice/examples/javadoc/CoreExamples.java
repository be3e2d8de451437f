package dev.sluice.examples.javadoc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.sluice.Flow;
import dev.sluice.FlowRun;
import dev.sluice.RetryAfter;
import dev.sluice.RetryPolicy;
import dev.sluice.Run;
import dev.sluice.RunContext;
import dev.sluice.RunRecorder;
import dev.sluice.SluiceRuntime;
import dev.sluice.State;
import dev.sluice.StateChange;
import dev.sluice.Tags;
import dev.sluice.Task;
import dev.sluice.block.Block;
import dev.sluice.block.BlockRef;
import dev.sluice.block.BlockSchema;
import dev.sluice.block.BlockStore;
import dev.sluice.block.BlockType;
import dev.sluice.block.BlockTypeProvider;
import dev.sluice.block.Blocks;
import dev.sluice.block.Encrypted;
import dev.sluice.block.JdbcUrls;
import dev.sluice.block.Secret;
import dev.sluice.blocks.aws.AwsCredentials;
import dev.sluice.cache.CachePolicy;
import dev.sluice.cache.ResultStore;
import dev.sluice.notify.LogNotifier;
import dev.sluice.notify.Notification;
import dev.sluice.notify.Notify;
import dev.sluice.notify.TextCuts;
import dev.sluice.tasks.email.EmailNotifier;
import dev.sluice.tasks.email.EmailServerCredentials;
import dev.sluice.tasks.slack.SlackWebhook;
import dev.sluice.tasks.sql.DatabaseCredentials;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * The code examples of sluice-core's Javadoc, each in a method that first declares what the example uses
 * ({@link dev.sluice.examples.JavadocExamplesTest} checks they stand here line for line;
 * {@link JavadocExamplesRunTest} runs those whose comments promise a result).
 */
@SuppressWarnings({"unused", "ResultOfMethodCallIgnored"})
final class CoreExamples {
    private CoreExamples() {
    }

    record Report(String city) {
    }

    static Report build(String city) {
        return new Report(city);
    }

    static final Task<String, String> extract = Task.of("extract", (String city) -> city + ":raw");
    static final Task<String, String> transform = Task.of("transform", (String raw) -> raw + ":clean");
    static final Task<String, Integer> load = Task.of("load", (String rows) -> rows.length());

    static void alert(FlowRun<?> run) {
        System.out.println("failed: " + run.name());
    }

    /** A weather API the examples call. */
    interface Api {
        JsonNode weather(String city);

        List<Double> temperatures(String city);
    }

    static final Api api = new Api() {
        @Override
        public JsonNode weather(String city) {
            return JsonNodeFactory.instance.objectNode().put("city", city);
        }

        @Override
        public List<Double> temperatures(String city) {
            return List.of(1.5, 2.5);
        }
    };

    /** {@link dev.sluice.Definition#withParameterDefault}: returns the run's parameters. */
    static Map<String, Object> definitionParameterDefault() {
        Flow<String, Report> report = Flow.of("report", (String city) -> build(city))
                .withParameterNames("city")
                .withParameterDefault("city", "Boston");
        report.run(null); // runs for Boston; the run's parameters say city=Boston
        return SluiceRuntime.current().recentRuns().flowRuns().stream().filter(r -> r.definitionName().equals("report"))
                .reduce((first, second) -> second).orElseThrow().parameters();
    }

    /** {@link Flow}'s class comment. */
    static FlowRun<Integer> flow() {
        Flow<String, Integer> etl = Flow.of("daily-etl", (String city) -> load.run(transform.run(extract.run(city))))
                .onFailure(run -> alert(run));
        int loaded = etl.run("Boston");                  // the result, or FlowFailedException
        FlowRun<Integer> run = etl.runForState("Boston"); // the record, whatever the outcome
        return run;
    }

    /** {@link dev.sluice.FlowBuilder}'s class comment. */
    static Flow<String, Report> flowBuilder() {
        Flow<String, Report> daily = Flow.named("daily-report")
                .withParameterNames("city")
                .withParameterDefault("city", "Boston")
                .onFailure(Notify.via(new LogNotifier("ops")))
                .of((String city) -> build(city));
        return daily;
    }

    /** {@link RetryAfter}'s class comment. */
    static Optional<Duration> retryAfter(HttpResponse<String> response, Clock clock) {
        Optional<Duration> wait = RetryAfter.parse(response.headers().firstValue("Retry-After").orElse(null), clock.instant());
        return wait;
    }

    /** {@link RetryPolicy}'s class comment. */
    static Task<String, Integer> retryPolicy() {
        RetryPolicy policy = RetryPolicy.exponential(5, Duration.ofMillis(200), Duration.ofSeconds(10))
                .withJitter(0.3)
                .retryOn(IOException.class)
                .abortOn(FileNotFoundException.class);
        Task<String, Integer> fetch = Task.of("fetch", (String city) -> download(city)).withRetryPolicy(policy);
        return fetch;
    }

    static int download(String city) throws IOException {
        return city.length();
    }

    /** {@link RunContext#snapshot()}: inside a task run, hands the run's context to a pool's thread. */
    static void runContextSnapshot(ExecutorService pool) {
        RunContext.Snapshot here = RunContext.snapshot();
        pool.submit(here.wrap(() -> RunContext.logger().info("still in the task run")));
    }

    /** A span of some tracing system, for {@link RunRecorder.Slot}'s example. */
    interface Span {
        void end();
    }

    static final List<String> spanEvents = new CopyOnWriteArrayList<>();

    static Span startSpan(Run run) {
        spanEvents.add("start " + run.definitionName());
        return () -> spanEvents.add("end " + run.definitionName());
    }

    /** {@link RunRecorder.Slot}'s example: a recorder that keeps a span with each run. */
    static final class SpanRecorder implements RunRecorder {
        private final RunRecorder.Slot<Span> spans = RunRecorder.Slot.create();

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

    /** {@link dev.sluice.Sleeper}'s class comment. */
    static List<Duration> sleeper() {
        List<Duration> waited = new CopyOnWriteArrayList<>();
        SluiceRuntime runtime = SluiceRuntime.builder().sleeper(waited::add).build();
        runtime.close();
        return waited;
    }

    /** {@link SluiceRuntime}'s class comment. */
    static void sluiceRuntime(Flow<String, Integer> etl) {
        try (SluiceRuntime runtime = SluiceRuntime.builder()
                .home(Path.of("/srv/etl"))
                .blockStore(BlockStore.inMemory())
                .resultStore(ResultStore.inMemory())
                .build()) {
            int rows = runtime.run(etl, "Boston");              // the flow, its tasks, subflows, hooks: all under runtime
            Block key = runtime.call(() -> Blocks.load("http-api-key/sales"));
        }
    }

    /** Connection pools a module keeps, for {@link SluiceRuntime.Resource}'s example. */
    static final class Pools {
    }

    /** {@link SluiceRuntime.Resource}'s example: a class that keeps its pools per runtime. */
    static final class PoolsResource {
        static final SluiceRuntime.Resource<Pools> POOLS = SluiceRuntime.Resource.of("sql pools", runtime -> new Pools());
        Pools pools = SluiceRuntime.current().resource(POOLS);
    }

    /** {@link Tags}'s class comment. */
    static int tags(Flow<String, Integer> etl) {
        int rows = Tags.with("env:prod", () -> etl.run("Boston"));
        return rows;
    }

    /** {@link Task}'s class comment. */
    static JsonNode task() {
        Task<String, JsonNode> extract = Task.of("extract", (String city) -> api.weather(city))
                .withRetries(3, Duration.ofSeconds(2))
                .withTimeout(Duration.ofSeconds(30));
        JsonNode raw = extract.run("Boston");
        return raw;
    }

    /** {@link dev.sluice.TaskBuilder}'s class comment. */
    static Task<String, List<Double>> taskBuilder() {
        Task<String, List<Double>> fetch = Task.named("fetch-temperatures")
                .withRetries(2, Duration.ofMillis(200))
                .withTimeout(Duration.ofSeconds(10))
                .of((String city) -> city.isEmpty() ? List.of() : api.temperatures(city));
        return fetch;
    }

    /** The package comment of {@code dev.sluice}. */
    static int corePackage() {
        Task<String, Integer> length = Task.of("length", (String s) -> s.length()).withRetries(2, Duration.ofSeconds(1));
        Flow<String, Integer> flow = Flow.of("demo", (String s) -> length.run(s) * 2);
        int result = flow.run("hello");
        return result;
    }

    /** {@link LogNotifier}'s class comment. */
    static Flow<String, Integer> logNotifier(Flow<String, Integer> flow) {
        flow = flow.onFailure(Notify.via(new LogNotifier()));   // a copy with the hook: a flow never changes
        return flow;
    }

    /** {@link dev.sluice.notify.Notifier}'s class comment. */
    static Flow<String, Integer> notifier(Flow<String, Integer> flow) {
        flow = flow.onFailure(Notify.via(Blocks.load(SlackWebhook.class, "ops-alerts")));   // a copy with the hook: a flow never changes
        return flow;
    }

    /** {@link dev.sluice.notify.Notifier#notify(String)}. */
    static void notifierNotify() {
        Blocks.load(SlackWebhook.class, "ops").notify("Hello from Sluice!");
    }

    static int load(String city) {
        return city.length();
    }

    /** {@link Notify}'s class comment. */
    static Flow<String, Integer> notifyVia() {
        Flow<String, Integer> etl = Flow.of("daily-etl", (String city) -> load(city))
                .onFailure(Notify.via(Blocks.load(SlackWebhook.class, "ops-alerts"), new LogNotifier()));
        return etl;
    }

    /** {@link TextCuts}'s class comment. */
    static String textCuts(Notification notification) {
        String body = TextCuts.cut(notification.body(), 25_000, TextCuts.Measure.JSON, "\u2026");
        return body;
    }

    /** {@link CachePolicy}'s class comment. */
    static Task<String, Report> cachePolicy() {
        Task<String, Report> report = Task.of("report", (String city) -> build(city))
                .withCache(CachePolicy.inputs().expireAfter(Duration.ofHours(1)));
        return report;
    }

    // Block's class comment
    @BlockType("sftp-server")
    public record SftpServer(String host, int port, String username, Secret password) implements Block {}

    static SftpServer block() {
        Blocks.save("backups", new SftpServer("sftp.example.com", 22, "backup", Secret.of("s3cret")));
        SftpServer sftp = Blocks.load(SftpServer.class, "backups");
        return sftp;
    }

    // Block's class comment, on BlockTypeProvider
    public final class EmailBlockTypes implements BlockTypeProvider {
        public List<Class<? extends Block>> blockTypes() {
            return List.of(EmailServerCredentials.class, EmailNotifier.class);
        }
    }

    // BlockRef's class comment
    @BlockType("aws-secret")
    public record AwsSecret(@Nullable BlockRef<AwsCredentials> credentials, String secretName) implements Block {
        // read(), write(...): the secret in AWS Secrets Manager, with the credentials loaded when needed
    }

    static void blockRef() {
        new AwsSecret(BlockRef.to(AwsCredentials.class, "aws-prod"), "prod/warehouse/password");
    }

    /** {@link BlockSchema}'s class comment: returns the block saved. */
    static Block blockSchema(String typedByThePerson) {
        BlockSchema schema = BlockSchema.of(EmailServerCredentials.class);   // sluice-tasks-email's
        Block smtp = schema.fromText(Map.of("host", "smtp.example.com", "security", "STARTTLS", "username", "ops",
                "password", typedByThePerson));                          // port left out: 587 for STARTTLS
        Blocks.save("ops-smtp", smtp);
        return Blocks.load("email-server-credentials/ops-smtp");
    }

    /** {@link Blocks}'s class comment. */
    static List<Object> blocks() {
        Blocks.save("warehouse", DatabaseCredentials.of("jdbc:postgresql://db/dw", "etl", Secret.of("s3cret")).withPoolSize(4));
        DatabaseCredentials db = Blocks.load(DatabaseCredentials.class, "warehouse");
        Block any = Blocks.load("database-credentials/warehouse");
        return List.of(db, any);
    }

    // Encrypted's comment
    @BlockType("warehouse-connection")
    public record WarehouseConnection(@Encrypted String jdbcUrl, String username, Secret password) implements Block {}

    /** {@link JdbcUrls}'s class comment. */
    static List<Object> jdbcUrls() {
        String shown = JdbcUrls.redacted("jdbc:postgresql://etl:pw@db:5432/dw?ssl=true");   // "jdbc:postgresql://**********@db:5432/dw?..."
        List<String> found = JdbcUrls.passwords("jdbc:postgresql://db/dw?user=etl&password=s3cret"); // ["s3cret"]
        return List.of(shown, found);
    }
}
