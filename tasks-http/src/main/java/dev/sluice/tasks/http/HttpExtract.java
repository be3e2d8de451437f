package dev.sluice.tasks.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.RetryPolicy;
import dev.sluice.Task;
import dev.sluice.Task0;
import dev.sluice.tasks.http.internal.Downloader;
import dev.sluice.tasks.http.internal.Logs;
import dev.sluice.tasks.http.internal.ExtractSpec;
import dev.sluice.tasks.http.internal.PageIterator;
import dev.sluice.tasks.http.internal.Paginations;
import dev.sluice.tasks.http.internal.SingleObject;
import dev.sluice.tasks.http.internal.Urls;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;

/**
 * Extracts records from a paginated JSON API, or one JSON object from a URL. Immutable: every
 * option returns a copy, so one configured extract can be re-tuned and shared.
 *
 * <pre>{@code
 * HttpExtract<Repo> repos = HttpExtract.get("https://api.example.com/orgs/acme/repos")
 *         .query("type", "public")
 *         .auth(new BearerToken(Secret.of(token)))
 *         .records("/data/items")
 *         .paginate(Pagination.pageNumber("page", 1, "per_page", 100))
 *         .rateLimit(10)
 *         .as(Repo.class);
 *
 * List<Repo> all = repos.run();                    // a recorded task run, all records in a list
 * List<Repo> same = repos.list();                  // the same records, in the caller's own run
 * try (Stream<Repo> s = repos.stream()) {          // pages fetched as the stream is consumed
 *     s.forEach(load::row);
 * }
 *
 * Customer c = HttpExtract.get("https://api.example.com/customers/42")
 *         .auth(apiKey)
 *         .records("/data")                        // optional: where the object is in the body
 *         .as(Customer.class)
 *         .one();                                  // one GET, the object mapped whole
 * }</pre>
 *
 * <p>{@link #run()} and {@link #task()} make the extract a step of its own: a task run with its
 * state, logs and duration, which can be re-tuned like any task. {@link #list()}, {@link #one()},
 * {@link #stream()} and {@link #download(Path)} run in the caller's run instead, for use inside a
 * task of your own.
 *
 * <p>Each request is retried on connection failures, timeouts, 429 and 5xx as {@link #retryPolicy}
 * says, waiting what the server's {@code Retry-After} asks (seconds or HTTP date) when it sends
 * one, up to {@link #maxRetryAfter}. The default policy (3 retries, exponential from 500 ms with
 * 20% jitter) steps aside inside a layer that already retries: in a task with
 * {@code withRetries(3, ...)} each attempt of the task sends one request, so a server that always
 * fails sees 4 requests, not 16. A policy given with {@link #retryPolicy} always retries as told.
 * Any other 4xx fails at once with the status, the URL (secrets masked) and the start of the body.
 * A page that fails after its retries fails the whole extract: records of earlier pages are never
 * returned as if complete. Pages and objects are asked for gzip ({@code Accept-Encoding: gzip}, unless a
 * {@link #header} sets it) and a gzip or deflate body is decoded as it is read (a {@link #download} keeps the
 * bytes as sent); JSON in a charset other than UTF-8 is
 * read in the charset its {@code Content-Type} declares. Redirects are followed, but auth is never sent to another origin. The user
 * info of a URL ({@code https://user:password@host/}) is sent as Basic credentials (to every page and redirect of its origin, like an {@code auth}) when no {@code auth} and
 * no {@code Authorization} header are given, as curl does; its password is masked like a secret.
 *
 * <p>Requests use the {@link dev.sluice.SluiceRuntime} of the calling code: its shared HTTP client,
 * its clock (HTTP dates, token expiry), its sleeper (retry waits) and its OAuth2 token cache.
 *
 * @param <T> the record type: {@link JsonNode} unless mapped with {@link #as(Class)}
 */
public final class HttpExtract<T> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper MAPPING = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // a record's int id that the JSON lacks (or gives as null) is a record that does not map, not a 0
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private final ExtractSpec spec;
    private final Class<T> type;
    private final @Nullable RateLimiter limiter;

    private HttpExtract(ExtractSpec spec, Class<T> type) {
        this.spec = spec;
        this.type = type;
        this.limiter = spec.rateLimit > 0 ? rateLimiter(spec) : null;
    }

    /** A GET of {@code url} (absolute http or https; may carry a query). */
    public static HttpExtract<JsonNode> get(String url) {
        return request("GET", url);
    }

    /** A POST of {@code url}; give the body with {@link #jsonBody}. */
    public static HttpExtract<JsonNode> post(String url) {
        return request("POST", url);
    }

    /** A request with any method ({@code PUT}, {@code PATCH}, ...). */
    public static HttpExtract<JsonNode> request(String method, String url) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(url, "url");
        if (!TOKEN.matcher(method).matches()) {
            throw new IllegalArgumentException("method must be an HTTP method such as GET or POST, was '" + method + "'");
        }
        ExtractSpec spec = new ExtractSpec(Urls.parseHttpUrl("url", url));
        spec.method = method;
        return new HttpExtract<>(spec, JsonNode.class);
    }

    private HttpExtract<T> with(Consumer<ExtractSpec> change) {
        ExtractSpec copy = spec.copy();
        change.accept(copy);
        return new HttpExtract<>(copy, type);
    }

    /** A copy whose task runs (and retry log lines) are named {@code name} (default {@code http-extract}). */
    public HttpExtract<T> named(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        return with(s -> s.name = name);
    }

    /** A copy with query parameter {@code name=value} added (encoded here; repeat for several values). */
    public HttpExtract<T> query(String name, Object value) {
        Objects.requireNonNull(name, "query name");
        Objects.requireNonNull(value, "query value");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("query name must not be empty");
        }
        return with(s -> s.uri = Urls.appendQueryParameter(s.uri, name, String.valueOf(value)));
    }

    /** A copy with query parameters added, in the map's order. */
    public HttpExtract<T> query(Map<String, ?> parameters) {
        Objects.requireNonNull(parameters, "parameters");
        HttpExtract<T> out = this;
        for (Map.Entry<String, ?> e : parameters.entrySet()) {
            out = out.query(e.getKey(), Objects.requireNonNull(e.getValue(), "value of query parameter " + e.getKey()));
        }
        return out;
    }

    /**
     * A copy sending header {@code name: value} on every request. A credential ({@code Authorization},
     * {@code Cookie}, or a name with {@code auth}, {@code token}, {@code key}, {@code secret}, {@code session},
     * {@code password}, {@code signature} or {@code credential} in it, such as {@code X-Api-Key}) is sent only to
     * this URL's origin (never to a next page or a redirect on another host), and its value is masked in messages
     * and logs; prefer an {@link HttpAuth} block, which keeps it out of code.
     *
     * @throws IllegalArgumentException if {@code name} is no HTTP token, {@code value} holds a line break, or the
     *     block given to {@link #auth} sends this header already
     */
    public HttpExtract<T> header(String name, String value) {
        Objects.requireNonNull(name, "header name");
        Objects.requireNonNull(value, "header value");
        if (!TOKEN.matcher(name).matches()) {
            throw new IllegalArgumentException("header name must be an HTTP token, was '" + name + "'");
        }
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("header " + name + " must not contain CR or LF");
        }
        return with(s -> {
            List<ExtractSpec.Header> all = new ArrayList<>(s.headers);
            all.add(new ExtractSpec.Header(name, value));
            s.headers = List.copyOf(all);
            s.checkAuthHeader();
        });
    }

    /** A copy sending {@code body} serialized as JSON (a map, a record, a {@link JsonNode}, ...). */
    public HttpExtract<T> jsonBody(Object body) {
        Objects.requireNonNull(body, "body");
        String json;
        try {
            json = JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("body cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
        return with(s -> s.body = json);
    }

    /** A copy sending {@code json}, already JSON text, as the body (checked to parse). */
    public HttpExtract<T> jsonBody(String json) {
        Objects.requireNonNull(json, "json");
        try {
            JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("jsonBody is not valid JSON: " + e.getOriginalMessage(), e);
        }
        return with(s -> s.body = json);
    }

    /**
     * A copy authenticating with {@code auth} (only ever sent to this URL's origin).
     *
     * @throws IllegalArgumentException if a {@link #header} of this extract already sets the header {@code auth}
     *     sends ({@code Authorization}, or an {@link ApiKey}'s header): the credential would be sent twice
     */
    public HttpExtract<T> auth(HttpAuth auth) {
        Objects.requireNonNull(auth, "auth");
        return with(s -> {
            s.auth = auth;
            s.checkAuthHeader();
        });
    }

    /**
     * A copy taking the records of each page from JSON pointer {@code pointer} (RFC 6901, e.g.
     * {@code /data/items}): an array gives its elements, an object one record, null none. The
     * default {@code ""} is the whole body. A page with nothing at the pointer fails the extract; a
     * {@code 204 No Content} answer is a page without records (which ends page-number and offset paging).
     */
    public HttpExtract<T> records(String pointer) {
        var compiled = Paginations.pointer("records pointer", pointer);
        return with(s -> {
            s.recordsPointerText = pointer;
            s.recordsPointer = compiled;
        });
    }

    /** A copy paging with {@code pagination} (default {@link Pagination#none()}). */
    public HttpExtract<T> paginate(Pagination pagination) {
        Objects.requireNonNull(pagination, "pagination");
        return with(s -> s.pagination = pagination);
    }

    /** A copy fetching at most {@code maxPages} pages (the extract then ends normally). */
    public HttpExtract<T> maxPages(int maxPages) {
        if (maxPages < 1) {
            throw new IllegalArgumentException("maxPages must be >= 1, was " + maxPages);
        }
        return with(s -> s.maxPages = maxPages);
    }

    /** A copy giving at most {@code maxRecords} records (no page is fetched past them). */
    public HttpExtract<T> maxRecords(long maxRecords) {
        if (maxRecords < 1) {
            throw new IllegalArgumentException("maxRecords must be >= 1, was " + maxRecords);
        }
        return with(s -> s.maxRecords = maxRecords);
    }

    /** A copy with this connect timeout (default 10 s). */
    public HttpExtract<T> connectTimeout(Duration timeout) {
        checkPositive("connectTimeout", timeout);
        return with(s -> s.connectTimeout = timeout);
    }

    /**
     * A copy waiting at most {@code timeout} for each response's headers, and then as long for each
     * piece of its body (default 60 s): a server that stops sending a body half-way fails the request
     * after {@code timeout} without data, however long a steady body takes in all. A timeout is retried.
     */
    public HttpExtract<T> requestTimeout(Duration timeout) {
        checkPositive("requestTimeout", timeout);
        return with(s -> s.requestTimeout = timeout);
    }

    /** A copy sending at most {@code requestsPerSecond} requests per second, evenly spaced (shared by all runs of this value). */
    public HttpExtract<T> rateLimit(double requestsPerSecond) {
        if (!(requestsPerSecond > 0) || Double.isInfinite(requestsPerSecond) || requestsPerSecond > 1_000_000) {
            throw new IllegalArgumentException("rateLimit must be > 0 and <= 1000000 requests per second, was "
                    + requestsPerSecond);
        }
        return with(s -> s.rateLimit = requestsPerSecond);
    }

    /**
     * A copy retrying each request as {@code policy} says. Only failures that may pass are retried
     * (connection failures, timeouts, 429 and 5xx: {@link HttpExtractException#isRetryable()}); the
     * policy's conditions ({@code retryOn}, {@code retryIf}) see the {@link HttpExtractException},
     * whose cause is the I/O error of a connection failure. The policy is used as given: it retries
     * inside a retrying task too, unless it was made {@link RetryPolicy#yieldingToEnclosingRetries()}
     * (as the default is). Its {@link RetryPolicy#maxRetryAfter()} caps {@code Retry-After} unless
     * {@link #maxRetryAfter} is set.
     */
    public HttpExtract<T> retryPolicy(RetryPolicy policy) {
        Objects.requireNonNull(policy, "policy");
        return with(s -> s.retryPolicy = policy);
    }

    /**
     * A copy that fails rather than wait when a {@code Retry-After} asks for more than {@code max}
     * (default: the retry policy's {@link RetryPolicy#maxRetryAfter()}, 5 min): the retry policy's
     * cap, whichever of the two options is set first.
     */
    public HttpExtract<T> maxRetryAfter(Duration max) {
        Objects.requireNonNull(max, "maxRetryAfter");
        if (max.isNegative()) {
            throw new IllegalArgumentException("maxRetryAfter must be >= 0, was " + max);
        }
        return with(s -> s.maxRetryAfter = max);
    }

    /** A copy failing a page (or download) whose body is bigger than {@code bytes} (default 64 MiB per page, no limit for downloads). */
    public HttpExtract<T> maxBodyBytes(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("maxBodyBytes must be >= 1, was " + bytes);
        }
        return with(s -> s.maxBodyBytes = bytes);
    }

    /**
     * A copy fetching up to {@code pages} pages at once when the strategy allows it (page number,
     * offset): records still come in page order, and up to {@code pages - 1} requests past the
     * last page may be made. Other strategies stay sequential. Default 1.
     */
    public HttpExtract<T> concurrency(int pages) {
        if (pages < 1 || pages > 64) {
            throw new IllegalArgumentException("concurrency must be between 1 and 64, was " + pages);
        }
        return with(s -> s.concurrency = pages);
    }

    /** A copy that follows redirects or not (default: follows up to 10, never sending auth to another origin). */
    public HttpExtract<T> followRedirects(boolean follow) {
        return with(s -> s.followRedirects = follow);
    }

    /**
     * A copy mapping each record to {@code recordType} with Jackson (records and beans; unknown
     * fields ignored). A record that does not map fails the extract, naming page, record and field:
     * among them a JSON {@code null} in place of a record, and a missing or null value for a
     * primitive component of a Java record (declare it {@code Integer}, not {@code int}, when the
     * API may leave it out).
     */
    public <U> HttpExtract<U> as(Class<U> recordType) {
        Objects.requireNonNull(recordType, "recordType");
        return new HttpExtract<>(spec.copy(), recordType);
    }

    /**
     * The records, fetched page by page as the stream is consumed: one page in memory at a time
     * (or {@link #concurrency} pages). Close the stream when done early. Not itself a task run:
     * call it inside a task or flow, or use {@link #run()}.
     *
     * @throws HttpExtractException from the stream's operations when a page fails
     */
    public Stream<T> stream() {
        PageIterator<T> it = new PageIterator<>(spec, limiter, Logs.current(), mapper(), type.getName());
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(it::close);
    }

    /**
     * Every record in a list, fetched in the caller's run (no task run of its own): for use inside
     * a task or flow of yours. Pages are fetched one after the other (or {@link #concurrency} at once).
     *
     * @throws HttpExtractException when a page fails
     */
    public List<T> list() {
        List<T> all = new ArrayList<>();
        try (Stream<T> s = stream()) {
            s.iterator().forEachRemaining(all::add);
        }
        return Collections.unmodifiableList(all);
    }

    /**
     * Runs {@link #task()}: every record in a list, recorded as a task run of its own (a step of the
     * flow, or a run nested in the calling task).
     *
     * @throws dev.sluice.TaskFailedException caused by an {@link HttpExtractException} when the extract fails
     */
    public List<T> run() {
        return task().run();
    }

    /**
     * The extract as a task of no arguments returning every record; re-tune it like any task. Given
     * retries of its own ({@code task().withRetries(2, d)}), the task retries the whole extract and
     * the default request policy steps aside: each request is sent once per task attempt.
     */
    public Task0<List<T>> task() {
        return Task.of(spec.name, this::list);
    }

    /**
     * Sends the request once (with its retries) and maps the JSON value at the {@link #records}
     * pointer (default: the whole body) to {@code T} as one value: a single object rather than a
     * list of records. Pagination, {@link #maxPages}, {@link #maxRecords} and {@link #concurrency}
     * do not apply. Runs in the caller's run, like {@link #stream()}; use {@link #oneTask()} for a
     * task run of its own.
     *
     * <pre>{@code
     * Customer c = HttpExtract.get(api + "/customers/42").as(Customer.class).one();
     * }</pre>
     *
     * @throws HttpExtractException when the request fails, the body is not JSON, the value at the
     *         pointer is missing or null, or it does not map to {@code T}
     */
    public T one() {
        return SingleObject.fetch(spec, limiter, Logs.current(), mapper(), type.getName());
    }

    /** {@link #one()} as a task of no arguments, named like {@link #task()}; re-tune it like any task. */
    public Task0<T> oneTask() {
        return Task.of(spec.name, this::one);
    }

    /**
     * Streams the response body to {@code target} (written to a temporary file beside it and moved
     * into place when complete), with its size and SHA-256. Auth, retries, redirects, rate limit
     * and {@link #maxBodyBytes} apply; pagination does not.
     *
     * @throws HttpExtractException when the download fails
     */
    public Download download(Path target) {
        Objects.requireNonNull(target, "target");
        return Downloader.download(spec, limiter, Logs.current(), target);
    }

    /** {@link #download(Path)} as a task named {@code http-download}. */
    public Task0<Download> downloadTask(Path target) {
        Objects.requireNonNull(target, "target");
        return Task.of("http-download", () -> download(target));
    }

    /** The URL, with the configured query and secrets masked. */
    public String url() {
        return spec.show(spec.uri);
    }

    /** The configuration with secrets masked. */
    @Override
    public String toString() {
        return spec.toString();
    }

    @SuppressWarnings("unchecked")
    private Function<JsonNode, T> mapper() {
        if (type == JsonNode.class || type == Object.class) {
            return node -> (T) node;
        }
        Class<T> t = type;
        return node -> {
            if (node == null || node.isNull()) {
                throw new UncheckedIOException(new java.io.IOException("it is null"));
            }
            try {
                return MAPPING.treeToValue(node, t);
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            } catch (IllegalArgumentException e) {
                throw new UncheckedIOException(new java.io.IOException(e.getMessage(), e));
            }
        };
    }

    private static RateLimiter rateLimiter(ExtractSpec spec) {
        long periodNanos = Math.max(1L, Math.round(1_000_000_000L / spec.rateLimit));
        RateLimiterConfig config = RateLimiterConfig.custom()
                .limitForPeriod(1)
                .limitRefreshPeriod(Duration.ofNanos(periodNanos))
                .timeoutDuration(Duration.ofDays(1))
                .build();
        return RateLimiter.of("sluice-http-" + spec.name, config);
    }

    private static void checkPositive(String field, Duration d) {
        Objects.requireNonNull(d, field);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(field + " must be positive, was " + d);
        }
    }
}
