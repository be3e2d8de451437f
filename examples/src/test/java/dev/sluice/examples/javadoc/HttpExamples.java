package dev.sluice.examples.javadoc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.RetryPolicy;
import dev.sluice.Task;
import dev.sluice.Task0;
import dev.sluice.block.Secret;
import dev.sluice.tasks.http.ApiKey;
import dev.sluice.tasks.http.BearerToken;
import dev.sluice.tasks.http.HttpAuth;
import dev.sluice.tasks.http.HttpExtract;
import dev.sluice.tasks.http.HttpExtractException;
import dev.sluice.tasks.http.Page;
import dev.sluice.tasks.http.PageRequest;
import dev.sluice.tasks.http.Pagination;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The code examples of sluice-tasks-http's Javadoc, each in a method that first declares what the example uses
 * ({@link dev.sluice.examples.JavadocExamplesTest} checks they stand here line for line;
 * {@link JavadocExamplesRunTest} runs some against WireMock).
 */
@SuppressWarnings("unused")
final class HttpExamples {
    private HttpExamples() {
    }

    /** A record of the examples' API. */
    public record Repo(String name) {
    }

    /** An object of the examples' API. */
    public record Customer(int id, String name) {
    }

    /** Where the examples load records to. */
    static final class Loader {
        final List<Repo> rows = new ArrayList<>();

        void row(Repo repo) {
            rows.add(repo);
        }
    }

    /** {@link ApiKey}'s class comment. */
    static HttpExtract<JsonNode> apiKey(String key) {
        ApiKey inHeader = ApiKey.header("X-Api-Key", Secret.of(key));
        ApiKey inQuery = ApiKey.query("api_key", Secret.of(key));
        HttpExtract<JsonNode> items = HttpExtract.get("https://api.example.com/items").auth(inHeader);
        return items.auth(inQuery);
    }

    /** {@link BearerToken}'s class comment. */
    static HttpExtract<JsonNode> bearerToken() {
        HttpExtract<JsonNode> items = HttpExtract.get("https://api.example.com/items")
                .auth(new BearerToken(Secret.of(System.getenv("API_TOKEN"))));
        return items;
    }

    /** {@link HttpExtract}'s class comment. */
    static void httpExtract(String token, Loader load, HttpAuth apiKey) {
        HttpExtract<Repo> repos = HttpExtract.get("https://api.example.com/orgs/acme/repos")
                .query("type", "public")
                .auth(new BearerToken(Secret.of(token)))
                .records("/data/items")
                .paginate(Pagination.pageNumber("page", 1, "per_page", 100))
                .rateLimit(10)
                .as(Repo.class);

        List<Repo> all = repos.run();                    // a recorded task run, all records in a list
        List<Repo> same = repos.list();                  // the same records, in the caller's own run
        try (Stream<Repo> s = repos.stream()) {          // pages fetched as the stream is consumed
            s.forEach(load::row);
        }

        Customer c = HttpExtract.get("https://api.example.com/customers/42")
                .auth(apiKey)
                .records("/data")                        // optional: where the object is in the body
                .as(Customer.class)
                .one();                                  // one GET, the object mapped whole
    }

    /** {@link HttpExtract#one()}. */
    static Customer one(String api) {
        Customer c = HttpExtract.get(api + "/customers/42").as(Customer.class).one();
        return c;
    }

    static int load(List<JsonNode> rows) {
        return rows.size();
    }

    /** {@link HttpExtractException}'s class comment. */
    static Task0<Integer> httpExtractException(HttpExtract<JsonNode> extract) {
        Task0<Integer> loadAll = Task.of("load", () -> load(extract.list()))
                .withRetryPolicy(RetryPolicy.fixed(3, Duration.ofSeconds(10))
                        .retryIf(e -> e instanceof HttpExtractException h && h.isRetryable()));
        return loadAll;
    }

    /** {@link Pagination}'s class comment. */
    static Pagination pagination() {
        // the API returns {"items": [...], "next_since": 1234} and takes ?since=1234
        Pagination since = new Pagination() {
            public PageRequest first(PageRequest request) { return request; }
            public Optional<PageRequest> next(PageRequest previous, Page page) {
                JsonNode s = page.body().path("next_since");
                return s.isNumber() ? Optional.of(previous.withQueryParameter("since", s.asText())) : Optional.empty();
            }
        };
        return since;
    }
}
