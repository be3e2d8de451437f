package dev.sluice.tasks.slack.internal;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.methods.MethodsClient;
import com.slack.api.util.http.SlackHttpClient;
import com.slack.api.util.http.listener.DetailedLoggingListener;
import dev.sluice.SluiceRuntime;
import dev.sluice.tasks.slack.SlackCredentials;
import dev.sluice.tasks.slack.SlackWebhook;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Slack SDK instances of one {@link SluiceRuntime}: one (and so one HTTP connection pool) per
 * Web API URL, shared by every client and webhook call made under that runtime, and closed with it.
 */
public final class SlackClients implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SlackClients.class);
    private static final String DEFAULT_KEY = "";
    /** The per-runtime instance. */
    private static final SluiceRuntime.Resource<SlackClients> CLIENTS =
            SluiceRuntime.Resource.of("slack clients", runtime -> new SlackClients());

    private final ConcurrentHashMap<String, Slack> byApiUrl = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private SlackClients() {
    }

    /** The SDK instance for {@code apiUrl} ({@code null}: Slack's own) of the current runtime. */
    public static Slack slack(@Nullable String apiUrl) {
        return SluiceRuntime.current().resource(CLIENTS).get(apiUrl);
    }

    /** A Web API client for {@code credentials}, on the current runtime's SDK instance for its API URL. */
    public static MethodsClient methods(SlackCredentials credentials) {
        return slack(credentials.apiUrl()).methods(credentials.token().reveal());
    }

    private Slack get(@Nullable String apiUrl) {
        if (closed) {
            throw new IllegalStateException("the Sluice runtime these Slack clients belong to is closed");
        }
        Slack slack = byApiUrl.computeIfAbsent(apiUrl == null ? DEFAULT_KEY : apiUrl, SlackClients::create);
        if (closed) {
            close(); // closed while this one was made: do not leak it
            throw new IllegalStateException("the Sluice runtime these Slack clients belong to is closed");
        }
        return slack;
    }

    /** Closes every SDK instance (their HTTP connection pools and threads). */
    @Override
    public void close() {
        closed = true;
        for (Slack slack : byApiUrl.values()) {
            try {
                slack.close();
            } catch (Exception e) {
                LOG.debug("closing a Slack SDK client failed: {}", e.toString());
            }
        }
        byApiUrl.clear();
    }

    private static Slack create(String apiUrl) {
        SlackConfig config = new SlackConfig();
        // Stats would call auth.test with the token before the first call and keep metrics in memory.
        config.setStatsEnabled(false);
        // The SDK's DetailedLoggingListener logs every request's URL at DEBUG: for an incoming
        // webhook that URL is the credential itself.
        config.getHttpClientResponseHandlers().removeIf(DetailedLoggingListener.class::isInstance);
        // OkHttp's read and write timeouts are per read and per write: a server trickling its answer a
        // byte at a time meets them forever; the call timeout bounds each request as a whole. They get the same
        // bound: OkHttp's default of 10 s each would fail (delivery_unknown) a Slack that answers in 15 s, inside
        // the documented request timeout
        int requestTimeoutMillis = (int) requestTimeout(System.getProperty(SlackWebhook.REQUEST_TIMEOUT_PROPERTY)).toMillis();
        config.setHttpClientCallTimeoutMillis(requestTimeoutMillis);
        config.setHttpClientReadTimeoutMillis(requestTimeoutMillis);
        config.setHttpClientWriteTimeoutMillis(requestTimeoutMillis);
        if (!apiUrl.equals(DEFAULT_KEY)) {
            config.setMethodsEndpointUrlPrefix(apiUrl);
        }
        LOG.debug("Slack SDK client for Web API {} (statsEnabled=false; tokens are per client and never logged)",
                config.getMethodsEndpointUrlPrefix());
        // the SDK reads each answer whole into memory: bound it (a wrong URL or a rogue server could send gigabytes)
        okhttp3.OkHttpClient ok = SlackHttpClient.buildOkHttpClient(config).newBuilder()
                .addInterceptor(new CappedAnswers()).build();
        return Slack.getInstance(config, new SlackHttpClient(ok));
    }

    /**
     * How long one request may take in all, from {@code value} (seconds such as {@code 20} or
     * {@code 2.5}, or ISO-8601 such as {@code PT20S}; null or blank: the default).
     *
     * @throws IllegalArgumentException naming the property for anything else, zero, negative or over a day
     */
    static Duration requestTimeout(@Nullable String value) {
        if (value == null || value.isBlank()) {
            return SlackWebhook.DEFAULT_REQUEST_TIMEOUT;
        }
        Duration d;
        try {
            String v = value.strip();
            d = v.toUpperCase(Locale.ROOT).startsWith("P") ? Duration.parse(v)
                    : Duration.ofNanos(new java.math.BigDecimal(v).movePointRight(9).longValueExact());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(SlackWebhook.REQUEST_TIMEOUT_PROPERTY + " must be seconds such as 20 or 2.5,"
                    + " or ISO-8601 such as PT20S; was '" + value + "'");
        }
        if (d.toMillis() < 1 || d.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException(SlackWebhook.REQUEST_TIMEOUT_PROPERTY
                    + " must be at least 1 ms and at most a day; was '" + value + "'");
        }
        return d;
    }

    /** {@code url} checked to be an absolute http(s) URL, with a trailing {@code /}. */
    public static String normalizeApiUrl(String url) {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            // neither the URL nor the parser's message (which quotes it) is shown: it may carry credentials
            throw new IllegalArgumentException("apiUrl must be an http(s) URL such as https://slack.com/api/, was '"
                    + shown(url) + "': " + e.getReason() + " at index " + e.getIndex());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException("apiUrl must be an http(s) URL such as https://slack.com/api/, was '"
                    + shown(url) + "'");
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null) {
            throw new IllegalArgumentException("apiUrl must not carry credentials or a query (the token is sent as a header), was '"
                    + uri.getScheme() + "://" + uri.getHost() + "...'");
        }
        String s = uri.toString();
        return s.endsWith("/") ? s : s + "/";
    }

    /** {@code url} for a message: anything before an '@' (user info) and after a '?' (query) masked. */
    private static String shown(String url) {
        String s = url.strip();
        int q = s.indexOf('?');
        if (q >= 0) {
            s = s.substring(0, q) + "?...";
        }
        int at = s.lastIndexOf('@');
        if (at >= 0) {
            int slashes = s.indexOf("//");
            s = (slashes >= 0 && slashes < at ? s.substring(0, slashes + 2) : "") + "**********" + s.substring(at);
        }
        return s;
    }
}
