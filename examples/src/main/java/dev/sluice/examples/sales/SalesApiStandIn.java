package dev.sluice.examples.sales;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A STAND-IN for a real sales API, started by the example on 127.0.0.1 so it runs with no
 * internet and nothing configured. {@code GET /v1/sales?date=&region=&page=&per_page=} answers
 * pages of {@code {"data": {"items": [...]}, "page": n}} with deterministic sales for the date and
 * region, a few of them deliberately invalid. It wants the header {@code X-API-Key}, and it answers
 * the first request it gets with 503 and {@code Retry-After: 1}, so the retry is visible.
 */
public final class SalesApiStandIn implements AutoCloseable {
    static final String[] PRODUCTS = {"kettle", "toaster", "blender", "mixer", "grinder"};
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final String apiKey;
    private final int salesPerRegion;
    private final AtomicBoolean firstRequest = new AtomicBoolean(true);
    private final AtomicInteger requests = new AtomicInteger();

    private SalesApiStandIn(String apiKey, int salesPerRegion) throws IOException {
        this.apiKey = apiKey;
        this.salesPerRegion = salesPerRegion;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/sales", this::handle);
        server.start();
    }

    /** Starts a stand-in that accepts {@code apiKey} and serves {@code salesPerRegion} sales per region and day. */
    public static SalesApiStandIn start(String apiKey, int salesPerRegion) throws IOException {
        return new SalesApiStandIn(apiKey, salesPerRegion);
    }

    /** The base URL, e.g. {@code http://127.0.0.1:43123}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Requests answered so far (the 503 included). */
    public int requests() {
        return requests.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange) {
            if (!apiKey.equals(exchange.getRequestHeaders().getFirst("X-API-Key"))) {
                send(exchange, 401, Map.of("error", "missing or wrong X-API-Key"));
                return;
            }
            if (firstRequest.getAndSet(false)) {
                exchange.getResponseHeaders().add("Retry-After", "1");
                send(exchange, 503, Map.of("error", "warming up, try again in a second"));
                return;
            }
            Map<String, String> q = query(exchange.getRequestURI().getRawQuery());
            String date = q.getOrDefault("date", "");
            String region = q.getOrDefault("region", "");
            int page = Integer.parseInt(q.getOrDefault("page", "1"));
            int perPage = Integer.parseInt(q.getOrDefault("per_page", "50"));
            List<Map<String, Object>> all = sales(date, region);
            int from = Math.min((page - 1) * perPage, all.size());
            int to = Math.min(from + perPage, all.size());
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("data", Map.of("items", all.subList(from, to)));
            body.put("page", page);
            send(exchange, 200, body);
        }
    }

    /** The day's sales for a region: deterministic, with every 25th one invalid. */
    List<Map<String, Object>> sales(String date, String region) {
        Random random = new Random((date + "/" + region).hashCode());
        List<Map<String, Object>> out = new ArrayList<>(salesPerRegion);
        for (int i = 0; i < salesPerRegion; i++) {
            Map<String, Object> sale = new LinkedHashMap<>();
            sale.put("id", region + "-" + date + "-" + i);
            sale.put("date", date);
            sale.put("region", region);
            sale.put("product", i % 25 == 7 ? null : PRODUCTS[random.nextInt(PRODUCTS.length)]);
            int cents = 500 + random.nextInt(20_000);
            sale.put("amount", i % 25 == 13 ? "-" + cents / 100.0 : String.valueOf(cents / 100.0));
            sale.put("quantity", 1 + random.nextInt(4));
            out.add(sale);
        }
        return out;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> map = new HashMap<>();
        if (raw == null) {
            return map;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                map.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return map;
    }

    private static void send(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
