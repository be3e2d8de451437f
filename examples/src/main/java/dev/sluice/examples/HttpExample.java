package dev.sluice.examples;

import com.sun.net.httpserver.HttpServer;
import dev.sluice.block.Secret;
import dev.sluice.tasks.http.BearerToken;
import dev.sluice.tasks.http.HttpExtract;
import dev.sluice.tasks.http.Pagination;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Extracts a paginated JSON API with {@link HttpExtract}: a tiny local server serves two pages of
 * customers behind a bearer token, and the extract pages through them with retries and a rate limit.
 * Run it with {@code ./mvnw -q -pl examples -am package exec:exec -DskipTests -Dexample.main=dev.sluice.examples.HttpExample}.
 */
public final class HttpExample {
    private HttpExample() {
    }

    public static void main(String[] args) throws IOException {
        HttpServer server = startServer();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/customers";

            // http-example-start
            HttpExtract<Customer> customers = HttpExtract.get(url)
                    .query("status", "active")
                    .auth(new BearerToken(Secret.of("demo-token")))
                    .records("/data")
                    .paginate(Pagination.pageNumber("page", 1, "per_page", 2))
                    .rateLimit(20)
                    .requestTimeout(Duration.ofSeconds(10))
                    .as(Customer.class);

            List<Customer> all = customers.run(); // a recorded task run; a failed page fails it all

            // one JSON object, with the same retries, auth and masking
            Customer ada = HttpExtract.get(url + "/1")
                    .auth(new BearerToken(Secret.of("demo-token")))
                    .as(Customer.class)
                    .one();
            // http-example-end

            System.out.println("extracted " + all.size() + " records: " + all + "; one: " + ada);
        } finally {
            server.stop(0);
        }
    }

    /** One customer as the API returns it (other fields ignored). */
    public record Customer(int id, String name) {
    }

    /** Page 1 has two customers, page 2 one: a short page, so the extract stops there. */
    private static HttpServer startServer() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/customers", exchange -> {
            try (exchange) {
                String query = String.valueOf(exchange.getRequestURI().getQuery());
                boolean authorized = "Bearer demo-token".equals(exchange.getRequestHeaders().getFirst("Authorization"));
                String path = exchange.getRequestURI().getPath();
                String body = !authorized ? "{\"error\":\"unauthorized\"}"
                        : path.endsWith("/1") ? "{\"id\":1,\"name\":\"Ada\"}"
                        : query.contains("page=1") ? "{\"data\":[{\"id\":1,\"name\":\"Ada\"},{\"id\":2,\"name\":\"Grace\"}]}"
                        : "{\"data\":[{\"id\":3,\"name\":\"Edsger\",\"since\":1972}]}";
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(authorized ? 200 : 401, bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        });
        server.start();
        return server;
    }
}
