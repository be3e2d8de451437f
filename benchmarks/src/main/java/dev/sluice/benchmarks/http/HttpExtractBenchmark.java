package dev.sluice.benchmarks.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.tasks.http.HttpExtract;
import dev.sluice.tasks.http.Pagination;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * 200 pages x 500 records from a local JDK {@code HttpServer}, extracted by {@link HttpExtract}
 * (streamed, as a task run into a list, and with 4 pages fetched at once) and by a hand-written
 * sequential {@code HttpClient} + Jackson loop, in the same run. {@code latencyMs} adds a delay per
 * page on the server, as a remote API has.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
public class HttpExtractBenchmark {
    static final int PAGES = 200;
    static final int PER_PAGE = 500;

    static {
        // without it the JDK server's response leaves in two segments and each page waits ~40 ms for
        // a delayed ACK, which measures TCP, not the client
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    @Param({"0", "5"})
    public int latencyMs;

    private HttpServer server;
    private ExecutorService serverThreads;
    private byte[] fullPage;
    private byte[] emptyPage;
    private String base;
    private HttpClient client;
    private ObjectMapper mapper;

    @Setup(Level.Trial)
    public void start() throws IOException {
        fullPage = ("{\"meta\":{\"total\":" + (PAGES * PER_PAGE) + "},\"items\":[" + IntStream.range(0, PER_PAGE)
                .mapToObj(i -> "{\"id\":" + i + ",\"name\":\"customer " + i + "\",\"email\":\"c" + i
                        + "@example.com\",\"score\":" + (i * 1.5) + ",\"active\":true,\"tags\":[\"a\",\"b\"]}")
                .collect(Collectors.joining(",")) + "]}").getBytes(StandardCharsets.UTF_8);
        emptyPage = "{\"meta\":{\"total\":100000},\"items\":[]}".getBytes(StandardCharsets.UTF_8);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        serverThreads = Executors.newFixedThreadPool(8);
        server.setExecutor(serverThreads);
        server.createContext("/customers", this::serve);
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort() + "/customers";
        client = HttpClient.newHttpClient();
        mapper = new ObjectMapper();
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String query = exchange.getRequestURI().getRawQuery();
            int page = 1;
            for (String pair : query == null ? new String[0] : query.split("&")) {
                if (pair.startsWith("page=")) {
                    page = Integer.parseInt(pair.substring(5));
                }
            }
            if (latencyMs > 0) {
                Thread.sleep(latencyMs);
            }
            byte[] body = page >= 1 && page <= PAGES ? fullPage : emptyPage;
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @TearDown(Level.Trial)
    public void stop() {
        server.stop(0);
        serverThreads.shutdownNow();
    }

    private HttpExtract<JsonNode> extract() {
        return HttpExtract.get(base).records("/items").paginate(Pagination.pageNumber("page", 1, "per_page", PER_PAGE));
    }

    /** The baseline: what a user writes without Sluice. */
    @Benchmark
    public long handWrittenLoop(Blackhole bh) throws IOException, InterruptedException {
        long count = 0;
        for (int page = 1; ; page++) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + "?page=" + page + "&per_page=" + PER_PAGE))
                    .header("Accept", "application/json").GET().build();
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode());
            }
            JsonNode items;
            try (InputStream in = response.body()) {
                items = mapper.readTree(in).path("items");
            }
            for (Iterator<JsonNode> it = items.elements(); it.hasNext(); ) {
                bh.consume(it.next());
                count++;
            }
            if (items.size() < PER_PAGE) {
                return check(count);
            }
        }
    }

    /** The baseline for {@link #extractRun()}: the hand-written loop collecting every record in a list. */
    @Benchmark
    public List<JsonNode> handWrittenList() throws IOException, InterruptedException {
        List<JsonNode> all = new ArrayList<>();
        for (int page = 1; ; page++) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + "?page=" + page + "&per_page=" + PER_PAGE))
                    .header("Accept", "application/json").GET().build();
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode());
            }
            JsonNode items;
            try (InputStream in = response.body()) {
                items = mapper.readTree(in).path("items");
            }
            items.elements().forEachRemaining(all::add);
            if (items.size() < PER_PAGE) {
                check(all.size());
                return all;
            }
        }
    }

    /** {@code HttpExtract.stream()}: the same pages, one at a time. */
    @Benchmark
    public long extractStream(Blackhole bh) {
        long count = 0;
        try (Stream<JsonNode> s = extract().stream()) {
            for (Iterator<JsonNode> it = s.iterator(); it.hasNext(); ) {
                bh.consume(it.next());
                count++;
            }
        }
        return check(count);
    }

    /** {@code HttpExtract.run()}: a recorded task run returning every record in a list. */
    @Benchmark
    public List<JsonNode> extractRun() {
        List<JsonNode> all = extract().run();
        check(all.size());
        return all;
    }

    /** {@code HttpExtract.concurrency(4).stream()}: four pages in flight, records still in order. */
    @Benchmark
    public long extractStreamConcurrent4(Blackhole bh) {
        long count = 0;
        try (Stream<JsonNode> s = extract().concurrency(4).stream()) {
            for (Iterator<JsonNode> it = s.iterator(); it.hasNext(); ) {
                bh.consume(it.next());
                count++;
            }
        }
        return check(count);
    }

    private static long check(long count) {
        if (count != (long) PAGES * PER_PAGE) {
            throw new IllegalStateException("expected " + (PAGES * PER_PAGE) + " records, got " + count);
        }
        return count;
    }
}
