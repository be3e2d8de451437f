package dev.sluice.tasks.http.internal;

import com.fasterxml.jackson.core.JsonPointer;
import dev.sluice.RetryPolicy;
import dev.sluice.tasks.http.ApiKey;
import dev.sluice.tasks.http.HttpAuth;
import dev.sluice.tasks.http.Pagination;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Everything an extract is configured with. Written only while an {@code HttpExtract} copy is being
 * made ({@link #copy()}, then fields set), never after it is published.
 */
public final class ExtractSpec {
    /** Default page body limit: 64 MiB. */
    public static final long DEFAULT_MAX_PAGE_BYTES = 64L << 20;

    /** One request header. */
    public record Header(String name, String value) {
    }

    public String name = "http-extract";
    public String method = "GET";
    public URI uri;
    public List<Header> headers = List.of();
    public @Nullable String body;
    public @Nullable HttpAuth auth;
    public String recordsPointerText = "";
    public JsonPointer recordsPointer = JsonPointer.empty();
    public Pagination pagination = Pagination.none();
    public int maxPages = Integer.MAX_VALUE;
    public long maxRecords = Long.MAX_VALUE;
    public Duration connectTimeout = Duration.ofSeconds(10);
    public Duration requestTimeout = Duration.ofSeconds(60);
    /** Requests per second; 0 = no limit. */
    public double rateLimit;
    /**
     * The default: 3 retries, exponential from 500 ms with 20% jitter, yielding to an enclosing
     * retrying layer (a task with retries around the extract) so that retries never multiply unasked.
     */
    public static final RetryPolicy DEFAULT_RETRY_POLICY = RetryPolicy
            .exponential(3, Duration.ofMillis(500), Duration.ofSeconds(30)).withJitter(0.2)
            .yieldingToEnclosingRetries();

    public RetryPolicy retryPolicy = DEFAULT_RETRY_POLICY;
    /** Set by {@code maxRetryAfter(...)}: replaces the policy's own cap, whichever was set first. */
    public @Nullable Duration maxRetryAfter;
    /** Body limit in bytes; -1 = the default (64 MiB for pages, none for downloads). */
    public long maxBodyBytes = -1;
    public int concurrency = 1;
    public boolean followRedirects = true;

    public ExtractSpec(URI uri) {
        this.uri = uri;
    }

    public ExtractSpec copy() {
        ExtractSpec c = new ExtractSpec(uri);
        c.name = name;
        c.method = method;
        c.headers = headers;
        c.body = body;
        c.auth = auth;
        c.recordsPointerText = recordsPointerText;
        c.recordsPointer = recordsPointer;
        c.pagination = pagination;
        c.maxPages = maxPages;
        c.maxRecords = maxRecords;
        c.connectTimeout = connectTimeout;
        c.requestTimeout = requestTimeout;
        c.rateLimit = rateLimit;
        c.retryPolicy = retryPolicy;
        c.maxRetryAfter = maxRetryAfter;
        c.maxBodyBytes = maxBodyBytes;
        c.concurrency = concurrency;
        c.followRedirects = followRedirects;
        return c;
    }

    /** The retry policy requests use: {@link #retryPolicy} with {@link #maxRetryAfter} as its cap when set. */
    public RetryPolicy effectiveRetryPolicy() {
        Duration max = maxRetryAfter;
        return max == null ? retryPolicy : retryPolicy.withMaxRetryAfter(max);
    }

    /**
     * The header the auth block sends ({@code Authorization}, or an API key's header), or null: a header of the same
     * name given with {@code header(...)} as well would send the credential twice, which servers answer unpredictably.
     */
    public static @Nullable String authHeader(@Nullable HttpAuth auth) {
        if (auth instanceof ApiKey k) {
            return k.in() == ApiKey.Location.HEADER ? k.name() : null;
        }
        return auth == null ? null : "Authorization";
    }

    /** Refuses an auth block and a {@code header(...)} that set the same header. */
    public void checkAuthHeader() {
        String name = authHeader(auth);
        if (name != null && auth != null && headers.stream().anyMatch(h -> h.name().equalsIgnoreCase(name))) {
            throw new IllegalArgumentException("header " + name + " is set both with header(...) and by the "
                    + auth.blockType() + " block given to auth(...); keep one of them");
        }
    }

    /** Query parameter names masked in shown URLs besides the usual ones: the API key's. */
    public Set<String> maskedParameters() {
        return auth instanceof ApiKey k && k.in() == ApiKey.Location.QUERY ? Set.of(k.name()) : Set.of();
    }

    /** The URL for messages: secrets masked. */
    public String show(URI u) {
        return Urls.mask(u, maskedParameters());
    }

    /** The configuration for a debug log line, secrets masked. */
    @Override
    public String toString() {
        return "HttpExtract{" + method + " " + show(uri)
                + (auth == null ? "" : ", auth=" + auth.blockType())
                + (recordsPointerText.isEmpty() ? "" : ", records=" + recordsPointerText)
                + ", pagination=" + pagination
                + (maxPages == Integer.MAX_VALUE ? "" : ", maxPages=" + maxPages)
                + (maxRecords == Long.MAX_VALUE ? "" : ", maxRecords=" + maxRecords)
                + (rateLimit > 0 ? ", rateLimit=" + rateLimit + "/s" : "")
                + (concurrency > 1 ? ", concurrency=" + concurrency : "")
                + ", retries=" + effectiveRetryPolicy() + "}";
    }
}
