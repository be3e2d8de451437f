package dev.sluice.server;

import dev.sluice.Flow;
import dev.sluice.FlowRun;
import dev.sluice.RunContext;
import dev.sluice.SluiceRuntime;
import dev.sluice.Tags;
import dev.sluice.Task;
import dev.sluice.block.BlockStore;
import dev.sluice.block.Blocks;
import dev.sluice.block.Secret;
import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import dev.sluice.scheduler.CatchUp;
import dev.sluice.scheduler.Default;
import dev.sluice.scheduler.Deployment;
import dev.sluice.scheduler.DeploymentRun;
import dev.sluice.scheduler.Range;
import dev.sluice.scheduler.Schedule;
import dev.sluice.scheduler.Worker;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Map;
import java.util.List;
import java.util.UUID;

/**
 * One real history shared by the server tests of a JVM: a SQLite file in a temporary folder, filled by
 * running real flows (tasks, logs, tags, subflows, failures, a revealed secret), an in-memory block
 * store with secret fields, a server without API keys on a random loopback port, and a worker on the same
 * SQLite file serving two deployments (one with a form-worthy parameter schema, one with hostile names).
 */
final class Fixture {
    /** Revealed by a flow (so the history masks it). */
    static final String RUN_SECRET = "Run-s3cret-" + UUID.randomUUID();
    /** Only ever in the block store: never revealed in this JVM, so nothing masks it but the server itself. */
    static final String BLOCK_SECRET = "Block-pa55-" + UUID.randomUUID();
    static final String URL_SECRET = "url-pa55-" + UUID.randomUUID();
    static final String SPARE_SECRET = "spare-" + UUID.randomUUID();
    static final int ETL_RUNS = 24;

    private static Fixture shared;

    final Path dir;
    final HistoryDatabase database;
    final History history;
    final BlockStore blocks;
    final SluiceServer server;
    final List<String> etlRunIds = new ArrayList<>();
    final String parentRunId;
    final String secretRunId;
    final String hostileRunId;
    /** A worker in this JVM on the same SQLite file, serving {@link #DEPLOYMENT} and {@link #HOSTILE_DEPLOYMENT}. */
    final Worker worker;
    /** A completed run of {@link #DEPLOYMENT}. */
    final DeploymentRun deploymentRun;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    record City(String city, int limit, boolean dryRun) {
    }

    record Login(String user, String password) {
    }

    enum Mode { FULL, DELTA }

    /** The parameters of the {@link #DEPLOYMENT} deployment: a text, a date, bounded numbers, a choice, a flag. */
    record Report(String city, LocalDate day, @Range(min = 1, max = 90) @Default("7") int days, @Default("FULL") Mode mode,
            @Default("false") boolean dryRun) {
    }

    record Note(@Default(HOSTILE_DEFAULT) String note) {
    }

    static final String DEPLOYMENT = "sales-report";
    static final String HOSTILE_DEPLOYMENT = "xss-<img src=x onerror=alert('dep')>";
    static final String HOSTILE_DEFAULT = "\"><svg onload=alert('default')>";
    /** A run of {@link #DEPLOYMENT} with this city waits (at task boundaries) until cancelled, at most 20 s. */
    static final String WAITING_CITY = "Waiting";

    static synchronized Fixture shared() {
        if (shared == null) {
            try {
                shared = new Fixture();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    private Fixture() throws IOException {
        dir = Files.createTempDirectory("sluice-server-test");
        database = HistoryDatabase.sqlite(dir.resolve("sluice.db"));
        history = History.open(database);
        blocks = BlockStore.inMemory();
        try (SluiceRuntime runtime = SluiceRuntime.builder().home(dir).withoutExtensions().recorder(history.recorder())
                .blockStore(blocks).build()) {
            runtime.run(() -> Blocks.save("warehouse", new TestCredentials("db.example.com", "etl", Secret.of(BLOCK_SECRET),
                    "jdbc:postgresql://db.example.com/dw?password=" + URL_SECRET, List.of(Secret.of(SPARE_SECRET)), 5432)));
            Task<String, Integer> extract = Task.named("extract").withRunName("extract-{arg0}").of((String city) -> {
                RunContext.logger().info("extracting rows for {}", city);
                return city.length() * 10;
            });
            Task<Integer, Integer> transform = Task.of("transform", (Integer rows) -> rows * 2);
            Task<Integer, Integer> load = Task.of("load", (Integer rows) -> {
                RunContext.logger().info("loaded {} rows", rows);
                return rows;
            });
            Flow<City, Integer> etl = Flow.named("daily-etl").withRunName("etl-{city}").of((City c) ->
                    load.run(transform.run(extract.run(c.city()))));
            for (int i = 0; i < ETL_RUNS; i++) {
                City c = new City("city" + (char) ('a' + i), i, i % 2 == 0);
                etlRunIds.add(Tags.with("env:prod", i % 3 == 0 ? "team:data" : "team:ops",
                        () -> runtime.runForState(etl, c)).id());
            }
            Flow<Integer, Integer> copy = Flow.of("vtasks.backup.copy", (Integer n) -> extract.run("copy" + n));
            Flow<Integer, Integer> verify = Flow.of("vtasks.backup.verify", (Integer n) -> n);
            Flow<Integer, Integer> report = Flow.of("vtasks.report", (Integer n) -> {
                RunContext.logger().error("report broke at {}", n);
                throw new IllegalStateException("report could not be written for batch " + n);
            });
            Flow<Integer, Integer> parent = Flow.named("vtasks").withRunName("nightly-{arg0}").of((Integer n) -> {
                int a = copy.run(n);
                int b = verify.run(a);
                return report.run(b);
            });
            parentRunId = runtime.runForState(parent, 7).id();
            Task<String, Integer> connect = Task.of("connect", (String password) -> {
                RunContext.logger().info("connecting with {}", password);
                throw new IllegalStateException("login refused for password " + password);
            });
            Flow<Login, Integer> secretFlow = Flow.named("secret-flow").withRunName("login-{user}").of((Login l) -> {
                RunContext.logger().warn("trying password {}", l.password());
                return connect.run(l.password());
            });
            Flow<String, Integer> hostile = Flow.named("xss-<b>flow</b>").withRunName("<script>alert('run')</script>{arg0}")
                    .of((String s) -> {
                        RunContext.addTags("<img src=x onerror=alert('tag')>");
                        RunContext.logger().info("<script>alert('log')</script>");
                        throw new IllegalStateException("<img src=x onerror=alert('error')>");
                    });
            hostileRunId = runtime.runForState(hostile, "\"><svg onload=alert('param')>").id();
            FlowRun<Integer> secretRun = runtime.runForState(secretFlow, new Login("etl", Secret.of(RUN_SECRET).reveal()));
            secretRunId = secretRun.id();
        }
        if (!history.flush(Duration.ofSeconds(30))) {
            throw new IllegalStateException("history not flushed");
        }
        server = SluiceServer.start(ServerOptions.builder().port(0).printUrl(false).history(history, database)
                .blockStore(blocks).build());
        worker = startWorker(database);
        try {
            String id = worker.client().trigger(DEPLOYMENT, Map.of("day", "2026-11-30"));
            deploymentRun = worker.client().awaitFinished(id, Duration.ofSeconds(30))
                    .orElseThrow(() -> new IllegalStateException("the fixture's deployment run did not finish"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Worker startWorker(HistoryDatabase database) {
        Task<Integer, Integer> step = Task.of("step", (Integer i) -> i + 1);
        Flow<Report, String> report = Flow.named("sales-report").withRunName("report-{city}").of((Report r) -> {
            RunContext.logger().info("report for {} on {}, {} days, {}", r.city(), r.day(), r.days(), r.mode());
            long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            int i = 0;
            while (r.city().equals(WAITING_CITY) && System.nanoTime() < until) {
                i = step.run(i); // a task boundary, where a cancel ends the run
                Thread.sleep(50);
            }
            return r.city() + " " + r.day() + " " + r.mode() + (r.dryRun() ? " (dry run)" : "");
        });
        Flow<Note, String> noted = Flow.named("noted").of((Note n) -> n.note());
        Deployment reportDeployment = Deployment.of(report, Report.class).withDescription("daily sales numbers")
                .withTags("team:sales").withParameters(Map.of("city", "Berlin"))
                .withSchedules(Schedule.cron("0 6 * * *", "Europe/Berlin")).withCatchUp(CatchUp.NONE);
        Deployment hostile = Deployment.of(noted, Note.class).withName(HOSTILE_DEPLOYMENT)
                .withDescription("<script>alert('description')</script>").withSchedules(Schedule.interval(Duration.ofHours(1)))
                .withCatchUp(CatchUp.NONE).withPaused(true);
        return Worker.builder(database).name("fixture-worker").deployments(reportDeployment, hostile)
                .pollingInterval(Duration.ofMillis(20)).plannerInterval(Duration.ofMillis(50))
                .heartbeat(Duration.ofMillis(500), 20).busyRetry(Duration.ofMillis(50)).stopGrace(Duration.ofSeconds(2)).start();
    }

    URI uri(String path) {
        return server.url().resolve(path);
    }

    HttpResponse<String> get(String path, String... headers) {
        return send(HttpRequest.newBuilder(uri(path)).GET(), headers);
    }

    HttpResponse<String> send(HttpRequest.Builder request, String... headers) {
        return send(http, request, headers);
    }

    static HttpResponse<String> send(HttpClient client, HttpRequest.Builder request, String... headers) {
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            return client.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    void close() {
        worker.close();
        server.close();
        history.close();
    }
}
