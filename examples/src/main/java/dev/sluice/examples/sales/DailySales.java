package dev.sluice.examples.sales;

import dev.sluice.block.Block;
import dev.sluice.block.Blocks;
import dev.sluice.cache.CachePolicy;
import dev.sluice.Flow;
import dev.sluice.Flow2;
import dev.sluice.FlowRun;
import dev.sluice.notify.LogNotifier;
import dev.sluice.notify.Notifier;
import dev.sluice.notify.Notify;
import dev.sluice.RetryPolicy;
import dev.sluice.RunContext;
import dev.sluice.block.Secret;
import dev.sluice.State;
import dev.sluice.SluiceRuntime;
import dev.sluice.Task;
import dev.sluice.Task2;
import dev.sluice.Task3;
import dev.sluice.TaskRun;
import dev.sluice.tasks.http.ApiKey;
import dev.sluice.tasks.http.HttpExtract;
import dev.sluice.tasks.http.Pagination;
import dev.sluice.tasks.sql.DatabaseCredentials;
import dev.sluice.tasks.sql.LoadResult;
import dev.sluice.tasks.sql.LoadSpec;
import dev.sluice.tasks.sql.SqlStatement;
import dev.sluice.tasks.sql.SqlTasks;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The main example: a daily sales pipeline. For each region it extracts the day's sales from a
 * paginated JSON API (API-key block, retries, cached for an hour), validates them (bad records
 * are skipped and counted), aggregates them per product, and upserts the result into a database
 * table; a failure sends a notification with no secret in it.
 *
 * <p>With nothing configured it runs on its own: the API is a local {@link SalesApiStandIn}
 * (clearly a stand-in; its first answer is a 503 so the retry shows), the database is an H2 file
 * under {@code $SLUICE_HOME/examples}, and notifications go to the log. Blocks
 * {@code sales-api-key} and {@code sales-db} are saved on the first run (secrets encrypted) and
 * loaded by name after that: save your own under those names, or save them under other names and pass
 * those, to point the pipeline at a real API and database (a name that is not saved is an error, and no
 * key is made up for a real API). Options:
 *
 * <pre>
 *   --date 2026-11-20           the day to process (default: yesterday)
 *   --regions north,south       regions, each a subflow run (default: north,south,west)
 *   --api-url URL               a real API instead of the stand-in (uses the sales-api-key block, saved first)
 *   --api-key-block NAME        the http-api-key block to use (default: sales-api-key)
 *   --database-block NAME       the database-credentials block to use (default: sales-db)
 *   --notify SLUG/NAME          also notify through this block (repeatable), e.g. slack-webhook/ops-alerts
 *   --fail-at transform         make a step fail, to see the failure notification
 *   --serve                     serve it instead: the daily-sales deployment on a cron schedule, and the
 *                               dashboard at 127.0.0.1:4200 (see {@link ServedDailySales})
 * </pre>
 */
public final class DailySales {
    static final String TABLE = "daily_sales";
    /** The blocks a first run saves (for the stand-in API and the H2 file); other names must be saved first. */
    static final String API_KEY_BLOCK = "sales-api-key";
    static final String DATABASE_BLOCK = "sales-db";
    private static final String STAND_IN_KEY_PREFIX = "stand-in-";
    private static final int PER_PAGE = 50;

    private DailySales() {
    }

    /**
     * What to run.
     *
     * @param date           the day to process
     * @param regions        the regions, each a subflow run
     * @param apiUrl         a real API's base URL, or null for the local stand-in
     * @param apiKeyBlock    the name of the {@link ApiKey} block
     * @param databaseBlock  the name of the {@link DatabaseCredentials} block
     * @param notifyBlocks   block references ({@code slug/name}) of extra notifiers
     * @param failAt         the step to fail on purpose ({@code extract}, {@code transform}, {@code load}), or null
     * @param salesPerRegion how many sales the stand-in serves per region
     */
    public record Options(LocalDate date, List<String> regions, @Nullable String apiUrl, String apiKeyBlock,
            String databaseBlock, List<String> notifyBlocks, @Nullable String failAt, int salesPerRegion) {
        /** Validates the options. */
        public Options {
            Objects.requireNonNull(date, "date");
            regions = List.copyOf(regions);
            notifyBlocks = List.copyOf(notifyBlocks);
            if (regions.isEmpty()) {
                throw new IllegalArgumentException("--regions needs at least one region");
            }
            if (failAt != null && !List.of("extract", "transform", "load").contains(failAt)) {
                throw new IllegalArgumentException("--fail-at must be extract, transform or load, was '" + failAt + "'");
            }
        }

        /** The defaults: yesterday, three regions, the stand-in API, the embedded database. */
        public static Options defaults() {
            return new Options(LocalDate.now().minusDays(1), List.of("north", "south", "west"), null,
                    API_KEY_BLOCK, DATABASE_BLOCK, List.of(), null, 120);
        }

        /** Parses command-line options over the defaults. */
        public static Options parse(String... args) {
            Options o = defaults();
            LocalDate date = o.date();
            List<String> regions = o.regions();
            String apiUrl = null;
            String apiKeyBlock = o.apiKeyBlock();
            String databaseBlock = o.databaseBlock();
            List<String> notify = new ArrayList<>();
            String failAt = null;
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(flag + " needs a value");
                }
                String value = args[++i];
                switch (flag) {
                    case "--date" -> {
                        try {
                            date = LocalDate.parse(value);
                        } catch (DateTimeParseException e) {
                            throw new IllegalArgumentException("--date must be yyyy-MM-dd, was '" + value + "'", e);
                        }
                    }
                    case "--regions" -> regions = List.of(value.split(","));
                    case "--api-url" -> apiUrl = value;
                    case "--api-key-block" -> apiKeyBlock = value;
                    case "--database-block" -> databaseBlock = value;
                    case "--notify" -> notify.add(value);
                    case "--fail-at" -> failAt = value;
                    default -> throw new IllegalArgumentException("unknown option " + flag
                            + "; options: --date, --regions, --api-url, --api-key-block, --database-block, --notify, --fail-at");
                }
            }
            return new Options(date, regions, apiUrl, apiKeyBlock, databaseBlock, notify, failAt, o.salesPerRegion());
        }
    }

    /**
     * What a run did.
     *
     * @param run     the flow run
     * @param rows    rows written per task run id (extract: records fetched; transform: rows kept; load: rows loaded)
     * @param skipped invalid records skipped by the transforms
     */
    public record Outcome(FlowRun<Long> run, Map<String, Long> rows, long skipped) {
    }

    public static void main(String[] args) throws Exception {
        List<String> rest = new ArrayList<>(List.of(args));
        if (rest.remove("--serve")) {
            ServedDailySales.main(rest.toArray(String[]::new));
            return;
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Outcome outcome;
        try {
            outcome = run(options, List.of(), System.out);
        } catch (IllegalArgumentException | dev.sluice.block.BlockException e) { // a block not saved, or that cannot notify
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        printSummary(outcome, System.out);
        System.exit(outcome.run().state().isSuccess() ? 0 : 1);
    }

    /** Runs the pipeline; {@code extraNotifiers} also get the failure notification (tests pass a capturing one). */
    public static Outcome run(Options options, List<Notifier> extraNotifiers, PrintStream out) throws Exception {
        try (Setup setup = Setup.open(options, extraNotifiers, out)) {
            Pipeline pipeline = setup.pipeline;
            Flow2<LocalDate, List<String>, Long> daily = Flow.of("daily-sales",
                            (LocalDate date, List<String> regions) -> loadAll(pipeline, date, regions))
                    .withParameterNames("date", "regions")
                    .withRunName("daily-sales-{date}")
                    .withTags("example", "env:local")
                    .onFailure(Notify.via(setup.notifiers));
            FlowRun<Long> run = daily.runForState(options.date(), options.regions());
            return new Outcome(run, Map.copyOf(pipeline.rows), pipeline.skipped.get());
        }
    }

    /** The body of the daily flow: each region's subflow, one after the other; the rows loaded. */
    static long loadAll(Pipeline pipeline, LocalDate date, List<String> regions) {
        pipeline.createTable.run(pipeline.db); // in the run: a database that is down fails it, and notifies
        long loaded = 0;
        for (String region : regions) {
            loaded += pipeline.regionFlow.run(date, region);
        }
        RunContext.logger().info("loaded {} rows for {} regions", loaded, regions.size());
        return loaded;
    }

    /** What a run needs, opened once: the API (the local stand-in unless --api-url), the blocks, the table, the notifiers. */
    static final class Setup implements AutoCloseable {
        final @Nullable SalesApiStandIn standIn;
        final Pipeline pipeline;
        final List<Notifier> notifiers;

        private Setup(@Nullable SalesApiStandIn standIn, Pipeline pipeline, List<Notifier> notifiers) {
            this.standIn = standIn;
            this.pipeline = pipeline;
            this.notifiers = notifiers;
        }

        static Setup open(Options options, List<Notifier> extraNotifiers, PrintStream out) throws Exception {
            SalesApiStandIn standIn = null;
            try {
                ApiKey apiKey = apiKeyBlock(options.apiKeyBlock(), options.apiUrl() == null);
                String apiUrl = options.apiUrl();
                if (apiUrl == null) {
                    standIn = SalesApiStandIn.start(apiKey.key().reveal(), options.salesPerRegion());
                    apiUrl = standIn.baseUrl();
                    out.println("source API: " + apiUrl + " (a local STAND-IN; pass --api-url for a real one)");
                }
                DatabaseCredentials db = databaseBlock(options.databaseBlock());
                out.println("database:   " + db.redactedUrl());

                List<Notifier> notifiers = new ArrayList<>();
                notifiers.add(new LogNotifier());
                for (String ref : options.notifyBlocks()) {
                    Block block = Blocks.load(ref);
                    if (!(block instanceof Notifier notifier)) {
                        throw new IllegalArgumentException("--notify " + ref + " is a " + block.blockType()
                                + " block, which cannot send notifications");
                    }
                    notifiers.add(notifier);
                }
                notifiers.addAll(extraNotifiers);
                String source = options.apiUrl() == null ? "stand-in" : options.apiUrl();
                return new Setup(standIn, new Pipeline(source, apiUrl, apiKey, db, options.failAt(), out), List.copyOf(notifiers));
            } catch (Exception | Error e) {
                if (standIn != null) {
                    standIn.close();
                }
                throw e;
            }
        }

        @Override
        public void close() {
            if (standIn != null) {
                standIn.close();
            }
        }
    }

    /** The tasks and the per-region subflow, bound to one configuration. */
    static final class Pipeline {
        final Map<String, Long> rows = new ConcurrentHashMap<>();
        final AtomicLong skipped = new AtomicLong();
        final Flow2<LocalDate, String, Long> regionFlow;
        final DatabaseCredentials db;
        final Task<DatabaseCredentials, @Nullable Void> createTable = Task.action("create-table",
                        (DatabaseCredentials credentials) -> SqlTasks.execute().run(credentials, SqlStatement.of(
                                "CREATE TABLE IF NOT EXISTS " + TABLE + " (sale_date DATE NOT NULL, region VARCHAR(64) NOT NULL, "
                                        + "product VARCHAR(64) NOT NULL, orders BIGINT NOT NULL, items BIGINT NOT NULL, "
                                        + "revenue NUMERIC(14, 2) NOT NULL, PRIMARY KEY (sale_date, region, product))")))
                .withParameterNames("credentials");

        Pipeline(String source, String apiUrl, ApiKey apiKey, DatabaseCredentials db, @Nullable String failAt,
                PrintStream out) {
            this.db = db;
            // the cache key is (source, date, region): "source" names the API, so the stand-in's random port does not matter
            Task3<String, LocalDate, String, List<RawSale>> extract = Task.of("extract-sales",
                            (String sourceName, LocalDate date, String region) -> {
                                String url = apiUrl;
                                failIf("extract".equals(failAt), "extract", url, apiKey);
                                List<RawSale> sales = new ArrayList<>();
                                try (Stream<RawSale> stream = HttpExtract.get(url + "/v1/sales")
                                        .query("date", date.toString())
                                        .query("region", region)
                                        .auth(apiKey)
                                        .records("/data/items")
                                        .paginate(Pagination.pageNumber("page", 1, "per_page", PER_PAGE))
                                        .retryPolicy(RetryPolicy.fixed(3, Duration.ofMillis(500)))
                                        .as(RawSale.class)
                                        .stream()) {
                                    stream.forEach(sale -> {
                                        sales.add(sale);
                                        if (sales.size() % PER_PAGE == 0) {
                                            out.printf("  [%s] page %d fetched, %d records so far%n", region,
                                                    sales.size() / PER_PAGE, sales.size());
                                        }
                                    });
                                }
                                record(sales.size());
                                return sales;
                            })
                    .withParameterNames("source", "date", "region")
                    .withRunName("extract-{region}")
                    .withRetries(2, Duration.ofSeconds(1))
                    .withTimeout(Duration.ofMinutes(5))
                    // --fail-at extract must reach the API (and fail) even when an earlier run within the hour cached it
                    .withCache("extract".equals(failAt) ? CachePolicy.inputs().expireAfter(Duration.ofHours(1)).refresh()
                            : CachePolicy.inputs().expireAfter(Duration.ofHours(1)));

            Task2<String, List<RawSale>, List<DailySale>> transform = Task.of("transform-sales",
                            (String region, List<RawSale> sales) -> {
                                failIf("transform".equals(failAt), "transform", apiUrl, apiKey);
                                Map<String, DailySale> byProduct = new TreeMap<>();
                                long bad = 0;
                                for (RawSale s : sales) {
                                    BigDecimal amount = validAmount(s);
                                    LocalDate day = validDate(s);
                                    int quantity = validQuantity(s);
                                    if (amount == null || s.product() == null || day == null || quantity < 1) {
                                        bad++;
                                        continue;
                                    }
                                    byProduct.merge(s.product(), new DailySale(day, region,
                                            s.product(), 1, quantity, amount), DailySales::add);
                                }
                                if (bad > 0) {
                                    RunContext.logger().warn("{} skipped {} invalid records of {}", region, bad, sales.size());
                                }
                                skipped.addAndGet(bad);
                                record(byProduct.size());
                                return List.copyOf(byProduct.values());
                            })
                    .withParameterNames("region", "sales")
                    .withRunName("transform-{region}");

            Task3<String, DatabaseCredentials, List<DailySale>, LoadResult> load = Task.of("load-sales",
                            (String region, DatabaseCredentials credentials, List<DailySale> daily) -> {
                                failIf("load".equals(failAt), "load", credentials.jdbcUrl(), apiKey);
                                LoadResult result = SqlTasks.load().run(credentials, LoadSpec.into(TABLE)
                                        .withColumns("sale_date", "region", "product", "orders", "items", "revenue")
                                        .withUpsertOn("sale_date", "region", "product"), daily);
                                out.printf("  loaded %d rows (%d new, %d updated) in %d ms%n", result.rows(),
                                        result.inserted(), result.updated(), result.duration().toMillis());
                                record(result.rows());
                                return result;
                            })
                    .withParameterNames("region", "credentials", "rows")
                    .withRunName("load-{region}")
                    .withRetries(1, Duration.ofSeconds(2));

            regionFlow = Flow.of("region-sales", (LocalDate date, String region) -> {
                        out.printf("region %s:%n", region);
                        List<RawSale> sales = extract.run(source, date, region);
                        List<DailySale> daily = transform.run(region, sales);
                        return load.run(region, db, daily).rows();
                    })
                    .withParameterNames("date", "region")
                    .withRunName("sales-{region}-{date}");
        }

        private void record(long n) {
            RunContext.taskRun().ifPresent(t -> rows.put(t.id(), n));
        }

        /** A deliberate failure whose message carries the API key: the notification must mask it. */
        private static void failIf(boolean fail, String step, String url, ApiKey apiKey) {
            if (fail) {
                throw new IllegalStateException(step + " failed on purpose (--fail-at " + step + ") for "
                        + url + "?api_key=" + apiKey.key().reveal());
            }
        }
    }

    private static @Nullable BigDecimal validAmount(RawSale s) {
        try {
            BigDecimal amount = s.amount() == null ? null : new BigDecimal(s.amount());
            return amount == null || amount.signum() < 0 ? null : amount;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static @Nullable LocalDate validDate(RawSale s) {
        try {
            return s.date() == null ? null : LocalDate.parse(s.date());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** The quantity sent, 1 when missing; 0 (invalid) when it is not a positive whole number. */
    private static int validQuantity(RawSale s) {
        if (s.quantity() == null) {
            return 1;
        }
        try {
            return Math.max(0, Integer.parseInt(s.quantity().strip()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static DailySale add(DailySale a, DailySale b) {
        return new DailySale(a.saleDate(), a.region(), a.product(), a.orders() + b.orders(), a.items() + b.items(),
                a.revenue().add(b.revenue()));
    }

    /** The API key block: loaded by name; for the stand-in under the default name, made with a random key and saved on first use. */
    static ApiKey apiKeyBlock(String name, boolean standIn) {
        Optional<ApiKey> saved = Blocks.find(ApiKey.class, name);
        if (!standIn && saved.isPresent() && saved.get().key().reveal().startsWith(STAND_IN_KEY_PREFIX)) {
            // never send the stand-in's made-up key to a real API
            throw new IllegalArgumentException("the http-api-key block '" + name + "' holds the key a first run made for"
                    + " the local stand-in, not one of the API at --api-url: save the API's key under that name (overwriting"
                    + " it), or save it under another name and pass --api-key-block");
        }
        return saved.orElseGet(() -> {
            if (!standIn || !name.equals(API_KEY_BLOCK)) {
                // a key is never made up for a real API (nor saved under a name that may be mistyped)
                throw new IllegalArgumentException("no http-api-key block named '" + name + "' is saved: save the API's key "
                        + "first, e.g. Blocks.save(\"" + name + "\", ApiKey.header(\"X-API-Key\", Secret.of(key))), or "
                        + "SLUICE_CLASSPATH=<the sluice-tasks-http jar> bin/sluice blocks create http-api-key " + name
                        + " --set name=X-API-Key --set in=HEADER --secret-env key=API_KEY");
            }
            ApiKey key = ApiKey.header("X-API-Key", Secret.of(STAND_IN_KEY_PREFIX + HexFormat.of().formatHex(random(16))));
            Blocks.save(name, key);
            return key;
        });
    }

    /**
     * The database block: loaded by name; under the default name, an H2 file under $SLUICE_HOME/examples made and saved
     * on first use (a new file when the block was deleted and its file, whose password went with it, is still there).
     */
    static DatabaseCredentials databaseBlock(String name) {
        return Blocks.find(DatabaseCredentials.class, name).orElseGet(() -> {
            if (!name.equals(DATABASE_BLOCK)) {
                throw new IllegalArgumentException("no database-credentials block named '" + name + "' is saved: save it "
                        + "first, e.g. Blocks.save(\"" + name + "\", DatabaseCredentials.of(jdbcUrl, user, Secret.of(password))), "
                        + "or SLUICE_CLASSPATH=<the sluice-tasks-sql jar> bin/sluice blocks create database-credentials " + name
                        + " --secret-env jdbcUrl=DB_URL --set username=etl --secret-env password=DB_PASSWORD");
            }
            Path folder = SluiceRuntime.current().home().resolve("examples").toAbsolutePath();
            Path file = folder.resolve("sales");
            if (Files.exists(folder.resolve("sales.mv.db"))) {
                file = folder.resolve("sales-" + HexFormat.of().formatHex(random(4)));
            }
            DatabaseCredentials db = DatabaseCredentials.of("jdbc:h2:file:" + file, "sales",
                    Secret.of(HexFormat.of().formatHex(random(16))));
            Blocks.save(name, db);
            return db;
        });
    }

    private static byte[] random(int n) {
        byte[] bytes = new byte[n];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    /** Prints the run summary table: task, state, attempts, duration, rows. */
    public static void printSummary(Outcome outcome, PrintStream out) {
        FlowRun<Long> run = outcome.run();
        out.println();
        out.printf("flow run '%s' %s in %d ms%n", run.name(), run.state(), run.duration().toMillis());
        out.printf("%-24s %-10s %8s %10s %8s%n", "task", "state", "attempts", "ms", "rows");
        for (FlowRun<?> region : run.subflowRuns()) {
            for (TaskRun t : region.taskRuns()) {
                if (t.parentTaskRunId().isPresent()) {
                    continue; // a task our task called (the SQL load inside load-sales): its row is its caller's
                }
                Long rows = outcome.rows().get(t.id());
                out.printf("%-24s %-10s %8d %10d %8s%n", t.name(), t.state(), t.attempts(),
                        t.duration().toMillis(), rows == null ? "-" : rows);
            }
        }
        if (outcome.skipped() > 0) {
            out.printf("%d invalid records skipped%n", outcome.skipped());
        }
        if (run.state() == State.COMPLETED) {
            out.printf("%d rows loaded into %s%n", run.result(), TABLE);
        } else {
            out.println("failed: " + run.error().map(e -> e.summary()).orElse("?"));
        }
        cachedNote(run, out);
    }

    private static void cachedNote(FlowRun<Long> run, PrintStream out) {
        long cached = run.subflowRuns().stream().flatMap(r -> r.taskRuns().stream())
                .filter(t -> t.state() == State.CACHED).count();
        if (cached > 0) {
            out.printf("%d extract(s) reused from the cache (within the hour): the API was not called for them%n", cached);
        }
    }

}
