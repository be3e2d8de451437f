package dev.sluice.benchmarks.history;

import dev.sluice.block.BlockStore;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.server.ServerOptions;
import dev.sluice.server.SluiceServer;
import java.io.File;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The dashboard over a big history (issue 17's targets): {@link Generated} flow runs (one task run each) in a
 * SQLite file, plus one flow run with 100,000 task runs; a {@code SluiceServer} on loopback. Measures, for
 * each filter, the runs page and the runs API (server time from the {@code Server-Timing} header, and the
 * round trip from a client on the same machine), a later page, the detail of the big run, the runs page
 * rendered in headless Chromium, and N concurrent API clients for a while.
 *
 * <p>Args: {@code [flowRuns=1000000] [reps=30 (0: only the concurrent clients)] [clients=200] [seconds=10]
 * [sqliteFile to reuse]}.
 */
public final class ServerLoad {
    private static final Pattern TIMING = Pattern.compile("app;dur=([0-9.]+)");
    private static final java.util.logging.Logger SELENIUM_LOG = java.util.logging.Logger.getLogger("org.openqa.selenium");
    private static final Pattern CURSOR = Pattern.compile("\"nextCursor\":\"([^\"]+)\"");

    private ServerLoad() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 5 && args[0].equals("--clients")) { // the client side, in a JVM of its own
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            boolean unique = args[4].equals("unique");
            concurrent(http, URI.create(args[1]), Integer.parseInt(args[2]), 3, false, unique); // warm-up, not counted
            long cpu0 = processCpuNanos();
            long wall0 = System.nanoTime();
            concurrent(http, URI.create(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), true, unique);
            System.out.printf(Locale.ROOT, "clients: %.1f s of CPU in %.1f s (%.2f cores)%n", (processCpuNanos() - cpu0) / 1e9,
                    (System.nanoTime() - wall0) / 1e9, (processCpuNanos() - cpu0) / (double) (System.nanoTime() - wall0));
            return;
        }
        long flows = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int clients = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        Path file = args.length > 4 ? Path.of(args[4]) : null;
        System.out.printf(Locale.ROOT, "ServerLoad: %,d flow runs, %d repetitions, %d clients for %d s (load %s)%n", flows,
                reps, clients, seconds, Bench.load());
        String bigRun;
        if (file != null && Files.exists(file)) {
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                    var rs = c.createStatement().executeQuery("select id from flow_run where name = 'big-run'")) {
                rs.next();
                bigRun = rs.getString(1);
            }
            System.out.println("reusing " + file);
        } else {
            file = file != null ? file : Bench.scratch("sluice-server-load").resolve("sluice.db");
            Generated data = new Generated(flows, 1);
            double s = data.fill(HistoryDatabase.sqlite(file), "jdbc:sqlite:" + file, "", false);
            bigRun = bigRun(file, 100_000);
            System.out.printf(Locale.ROOT, "generated in %.0f s, file %,d MB%n", s, Files.size(file) / 1048576);
        }
        HistoryDatabase db = HistoryDatabase.sqlite(file);
        // the latencies are read with no list cache (every request reads the database); a second server with the
        // default cache answers the clients that ask the same questions over and over
        // -Dthreads=N: the servers' request threads (default: ServerOptions' own), to compare pool sizes
        int threads = Integer.getInteger("threads", ServerOptions.builder().build().threads());
        System.out.println("server request threads: " + threads);
        try (SluiceServer server = SluiceServer.start(ServerOptions.builder().database(db).port(0).printUrl(false)
                        .blockStore(BlockStore.inMemory()).listCache(Duration.ZERO).threads(threads).build());
                SluiceServer cachedServer = SluiceServer.start(ServerOptions.builder().database(db).port(0).printUrl(false)
                        .blockStore(BlockStore.inMemory()).threads(threads).build())) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            if (reps == 0) { // only the concurrent clients
                clientsProcess(cachedServer.url(), clients, seconds, false);
                clientsProcess(server.url(), clients, seconds, true);
                return;
            }
            Map<String, String> filters = new LinkedHashMap<>();
            filters.put("all", "");
            filters.put("flow", "flow=etl.orders.7");
            filters.put("name prefix", "name=vtasks.job.9");
            filters.put("tags env:prod+team:3", "tag=env:prod&tag=team:3");
            filters.put("tag critical", "tag=critical");
            filters.put("states FAILED|CRASHED", "state=FAILED&state=CRASHED");
            filters.put("last 24 h", "range=24h");
            filters.put("flow+FAILED+30 d", "flow=vtasks.job.63&state=FAILED&range=30d");
            filters.put("like+tag+states+7 d", "name=vtasks.%25&tag=env:prod&state=FAILED&state=CRASHED&range=7d");
            filters.put("top level only", "top=1");
            System.out.printf(Locale.ROOT, "%-28s %12s %12s %12s %12s %12s%n", "filter", "page p50", "page p95",
                    "api p50", "api p95", "rt p95");
            double worstPage = 0;
            double worstApi = 0;
            for (var e : filters.entrySet()) {
                String q = e.getValue().isEmpty() ? "" : "?" + e.getValue();
                double[][] page = time(http, server.url().resolve("/runs" + q), reps);
                double[][] api = time(http, server.url().resolve("/api/runs" + q), reps);
                worstPage = Math.max(worstPage, Bench.percentile(page[0], 95));
                worstApi = Math.max(worstApi, Bench.percentile(api[0], 95));
                System.out.printf(Locale.ROOT, "%-28s %9.2f ms %9.2f ms %9.2f ms %9.2f ms %9.2f ms%n", e.getKey(),
                        Bench.percentile(page[0], 50), Bench.percentile(page[0], 95), Bench.percentile(api[0], 50),
                        Bench.percentile(api[0], 95), Bench.percentile(api[1], 95));
            }
            // the 20th page of two filters, reached by following the cursors
            for (String q : List.of("", "tag=env:prod&tag=team:3")) {
                String url = "/api/runs?" + q;
                for (int i = 0; i < 19; i++) {
                    String body = http.send(HttpRequest.newBuilder(server.url().resolve(url)).build(),
                            HttpResponse.BodyHandlers.ofString()).body();
                    Matcher m = CURSOR.matcher(body);
                    if (!m.find()) {
                        throw new IllegalStateException("no next page after " + url);
                    }
                    url = "/api/runs?" + q + (q.isEmpty() ? "" : "&") + "after=" + URLEncoder.encode(m.group(1), StandardCharsets.UTF_8);
                }
                double[][] api = time(http, server.url().resolve(url), reps);
                double[][] page = time(http, server.url().resolve(url.replace("/api/runs", "/runs")), reps);
                worstPage = Math.max(worstPage, Bench.percentile(page[0], 95));
                worstApi = Math.max(worstApi, Bench.percentile(api[0], 95));
                System.out.printf(Locale.ROOT, "%-28s %9.2f ms %9.2f ms %9.2f ms %9.2f ms %9.2f ms%n",
                        "20th page " + (q.isEmpty() ? "all" : "tags"), Bench.percentile(page[0], 50),
                        Bench.percentile(page[0], 95), Bench.percentile(api[0], 50), Bench.percentile(api[0], 95),
                        Bench.percentile(api[1], 95));
            }
            for (String w : List.of("24h", "7d")) {
                // a "from" no other request used: counted, not taken from the 15 s cache
                String from = java.time.Instant.parse("2000-01-01T00:00:00Z").plusNanos(System.nanoTime() % 1_000_000_000L).toString();
                HttpResponse<String> counted = get(http, server.url().resolve("/runs/activity.svg?window=" + w + "&from=" + from));
                Matcher cm = TIMING.matcher(counted.headers().firstValue("Server-Timing").orElse(""));
                double[][] chart = {{cm.find() ? Double.parseDouble(cm.group(1)) : -1}};
                double[][] cached = time(http, server.url().resolve("/runs/activity.svg?window=" + w), reps);
                System.out.printf(Locale.ROOT, "%-28s %9.2f ms counted, %.2f ms p95 from the cache%n", "chart " + w,
                        chart[0][0], Bench.percentile(cached[0], 95));
            }
            double[][] detailPage = time(http, server.url().resolve("/runs/" + bigRun), reps);
            double[][] detailApi = time(http, server.url().resolve("/api/runs/" + bigRun), reps);
            System.out.printf(Locale.ROOT, "%-28s %9.2f ms %9.2f ms %9.2f ms %9.2f ms%n", "run with 100,000 task runs",
                    Bench.percentile(detailPage[0], 50), Bench.percentile(detailPage[0], 95),
                    Bench.percentile(detailApi[0], 50), Bench.percentile(detailApi[0], 95));
            Bench.figure("server.runs.page.p95.worst", worstPage, "ms");
            Bench.figure("server.runs.api.p95.worst", worstApi, "ms");
            Bench.figure("server.detail100k.page.p95", Bench.percentile(detailPage[0], 95), "ms");
            Bench.figure("server.detail100k.api.p95", Bench.percentile(detailApi[0], 95), "ms");
            browser(server.url());
            clientsProcess(cachedServer.url(), clients, seconds, false);
            clientsProcess(server.url(), clients, seconds, true);
        }
        System.out.println("load average at the end: " + Bench.load());
    }

    /** [server ms from Server-Timing, round-trip ms] of {@code reps} GETs after 3 warm-ups. */
    private static double[][] time(HttpClient http, URI uri, int reps) throws Exception {
        for (int i = 0; i < 3; i++) {
            get(http, uri);
        }
        double[] server = new double[reps];
        double[] rt = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = get(http, uri);
            rt[i] = (System.nanoTime() - t0) / 1e6;
            Matcher m = TIMING.matcher(r.headers().firstValue("Server-Timing").orElse(""));
            server[i] = m.find() ? Double.parseDouble(m.group(1)) : rt[i];
        }
        return new double[][] {server, rt};
    }

    private static HttpResponse<String> get(HttpClient http, URI uri) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(uri + " answered " + r.statusCode() + ": " + r.body());
        }
        return r;
    }

    /** The runs page in headless Chromium: navigation start to the load event, charts included, 10 times. */
    private static void browser(URI base) {
        Path chromium = Path.of("/usr/bin/chromium");
        Path driver = Path.of("/usr/bin/chromedriver");
        if (!Files.isExecutable(chromium) || !Files.isExecutable(driver)) {
            System.out.println("browser: chromium or chromedriver missing, skipped");
            return;
        }
        SELENIUM_LOG.setLevel(java.util.logging.Level.SEVERE);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        try {
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--no-first-run",
                    "--window-size=1366,900", "--user-data-dir=" + Bench.scratch("sluice-chromium"));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        ChromeDriver browser = new ChromeDriver(new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(driver.toString())).usingAnyFreePort().build(), options);
        try {
            double[] ms = new double[10];
            browser.get(base.resolve("/runs").toString()); // warm-up
            for (int i = 0; i < ms.length; i++) {
                browser.get(base.resolve("/runs?state=COMPLETED&x=" + i).toString());
                Object t = browser.executeScript("const n = performance.getEntriesByType('navigation')[0];"
                        + " return n.loadEventEnd - n.startTime;");
                ms[i] = ((Number) t).doubleValue();
            }
            System.out.printf(Locale.ROOT, "runs page in headless Chromium (navigation to load event): p50 %.0f ms, max %.0f ms%n",
                    Bench.percentile(ms, 50), Bench.percentile(ms, 100));
            Bench.figure("server.runs.browser.load.p50", Bench.percentile(ms, 50), "ms");
            Bench.figure("server.runs.browser.load.max", Bench.percentile(ms, 100), "ms");
        } finally {
            browser.quit();
        }
    }

    /** Runs the clients in a child JVM (so they do not share this JVM's heap, GC and JIT) and prints what it prints. */
    private static void clientsProcess(URI base, int clients, int seconds, boolean unique) throws Exception {
        long cpu0 = processCpuNanos();
        long wall0 = System.nanoTime();
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g", "-cp",
                System.getProperty("java.class.path"), ServerLoad.class.getName(), "--clients", base.toString(),
                Integer.toString(clients), Integer.toString(seconds), unique ? "unique" : "same").redirectErrorStream(true).start();
        try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            in.lines().filter(l -> l.contains("concurrent") || l.startsWith("FIGURE") || l.startsWith("clients:"))
                    .forEach(System.out::println);
        }
        p.waitFor();
        double cpu = (processCpuNanos() - cpu0) / 1e9;
        double wall = (System.nanoTime() - wall0) / 1e9;
        System.out.printf(Locale.ROOT, "server JVM: %.1f s of CPU in %.1f s (%.2f cores), warm-up included%n", cpu, wall, cpu / wall);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** {@code clients} threads, each sending runs API requests one after the other for {@code seconds}. */
    private static void concurrent(HttpClient http, URI base, int clients, int seconds, boolean print, boolean unique)
            throws Exception {
        String[] queries = {"?top=0", "?flow=etl.orders.7", "?state=FAILED", "?tag=critical", "?range=24h", "?name=vtasks.job.9"};
        AtomicLong sequence = new AtomicLong();
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<double[]> latencies = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        long[] window = new long[2];
        for (int c = 0; c < clients; c++) {
            double[] lat = new double[200_000];
            latencies.add(lat);
            int client = c;
            Thread t = new Thread(() -> {
                int n = 0;
                try {
                    start.await();
                    long end = window[1];
                    while (System.nanoTime() < end && n < lat.length) {
                        // "unique": every request asks for runs started after its own instant of the year 2000, so no
                        // two are the same question and the server's list cache never answers
                        URI uri = base.resolve("/api/runs" + queries[(client + n) % queries.length] + (unique
                                ? "&from=" + java.time.Instant.parse("2000-01-01T00:00:00Z").plusNanos(sequence.incrementAndGet())
                                : ""));
                        long t0 = System.nanoTime();
                        try {
                            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                                    HttpResponse.BodyHandlers.discarding());
                            if (r.statusCode() != 200) {
                                failed.incrementAndGet();
                            }
                        } catch (Exception e) {
                            failed.incrementAndGet();
                        }
                        lat[n++] = (System.nanoTime() - t0) / 1e6;
                        done.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                lat[lat.length - 1] = n; // how many were used
            });
            t.start();
            threads.add(t);
        }
        window[0] = System.nanoTime();
        window[1] = window[0] + Duration.ofSeconds(seconds).toNanos();
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        double elapsed = (System.nanoTime() - window[0]) / 1e9;
        int total = 0;
        for (double[] l : latencies) {
            total += (int) l[l.length - 1];
        }
        double[] all = new double[total];
        int k = 0;
        for (double[] l : latencies) {
            int n = (int) l[l.length - 1];
            System.arraycopy(l, 0, all, k, n);
            k += n;
        }
        double rps = done.get() / elapsed;
        if (!print) {
            return;
        }
        System.out.printf(Locale.ROOT, "%d concurrent API clients (" + (unique ? "every request different" : "6 questions")
                + "; another JVM, after 3 s of warm-up) for %.1f s: %,d requests, %.0f requests/s, p50 %.1f ms,"
                + " p99 %.1f ms, %d failed (load %s)%n", clients, elapsed, done.get(), rps, Bench.percentile(all, 50),
                Bench.percentile(all, 99), failed.get(), Bench.load());
        String tag = "server.api.concurrent" + clients + (unique ? ".unique" : ".same");
        Bench.figure(tag + ".rps", rps, "requests/s");
        Bench.figure(tag + ".p99", Bench.percentile(all, 99), "ms");
    }

    /** Adds one flow run with {@code tasks} task runs; returns its id. */
    private static String bigRun(Path file, int tasks) throws Exception {
        long start = Generated.micros(java.time.Instant.now().minus(Duration.ofHours(2)));
        String id = Generated.id(start, 999_999_999L, 1);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            c.setAutoCommit(false);
            try (PreparedStatement fr = c.prepareStatement("insert into flow_run (id, name, flow_name, version, state,"
                    + " parent_flow_run_id, root_id, tags, parameters, history, attempts, created_at, start_time, end_time,"
                    + " sort_time, duration_us, owner_id, updated_at) values (?, 'big-run', 'etl.big', null, 'COMPLETED', null,"
                    + " ?, '[]', '{}', ?, 1, ?, ?, ?, ?, ?, 'generated', ?)")) {
                long end = start + tasks * 1000L;
                fr.setString(1, id);
                fr.setString(2, id);
                fr.setString(3, "{\"s\":\"PENDING\",\"t\":" + start + "}\n{\"s\":\"RUNNING\",\"t\":" + start
                        + "}\n{\"s\":\"COMPLETED\",\"t\":" + end + "}\n");
                fr.setLong(4, start);
                fr.setLong(5, start);
                fr.setLong(6, end);
                fr.setLong(7, start);
                fr.setLong(8, end - start);
                fr.setLong(9, end);
                fr.executeUpdate();
            }
            try (PreparedStatement tr = c.prepareStatement("insert into task_run (id, name, task_name, version, state,"
                    + " flow_run_id, tags, parameters, history, attempts, created_at, start_time, end_time, sort_time,"
                    + " duration_us, owner_id, updated_at) values (?, ?, ?, null, 'COMPLETED', ?, '[]', '{}', ?, 1, ?, ?, ?, ?,"
                    + " 900, 'generated', ?)")) {
                for (int t = 0; t < tasks; t++) {
                    long ts = start + t * 1000L;
                    tr.setString(1, Generated.id(ts, 2_000_000_000L + t, 2));
                    tr.setString(2, "step-" + t);
                    tr.setString(3, "step." + (t % 50));
                    tr.setString(4, id);
                    tr.setString(5, "{\"s\":\"RUNNING\",\"t\":" + ts + "}\n{\"s\":\"COMPLETED\",\"t\":" + (ts + 900) + "}\n");
                    tr.setLong(6, ts);
                    tr.setLong(7, ts);
                    tr.setLong(8, ts + 900);
                    tr.setLong(9, ts);
                    tr.setLong(10, ts + 900);
                    tr.addBatch();
                    if (t % 5_000 == 4_999) {
                        tr.executeBatch();
                    }
                }
                tr.executeBatch();
            }
            c.commit();
        }
        return id;
    }
}
