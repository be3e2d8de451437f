package dev.sluice.tasks.slack.internal;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.methods.MethodsClient;
import dev.sluice.tasks.slack.SlackCredentials;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Slack SDK instance (and so one HTTP connection pool) per Web API URL, shared by every
 * client and webhook call of this JVM.
 */
public final class SlackClients {
    private static final Logger LOG = LoggerFactory.getLogger(SlackClients.class);
    private static final String DEFAULT_KEY = "";
    private static final ConcurrentHashMap<String, Slack> BY_API_URL = new ConcurrentHashMap<>();

    private SlackClients() {
    }

    /** The SDK instance for {@code apiUrl} ({@code null}: Slack's own). */
    public static Slack slack(@Nullable String apiUrl) {
        return BY_API_URL.computeIfAbsent(apiUrl == null ? DEFAULT_KEY : apiUrl, SlackClients::create);
    }

    /** A Web API client for {@code credentials}. */
    public static MethodsClient methods(SlackCredentials credentials) {
        return slack(credentials.apiUrl()).methods(credentials.token().reveal());
    }

    private static Slack create(String apiUrl) {
        SlackConfig config = new SlackConfig();
        // Stats would call auth.test with the token before the first call and keep metrics in memory.
        config.setStatsEnabled(false);
        if (!apiUrl.equals(DEFAULT_KEY)) {
            config.setMethodsEndpointUrlPrefix(apiUrl);
        }
        LOG.debug("Slack SDK client for Web API {} (statsEnabled=false; tokens are per client and never logged)",
                config.getMethodsEndpointUrlPrefix());
        return Slack.getInstance(config);
    }

    /** {@code url} checked to be an absolute http(s) URL, with a trailing {@code /}. */
    public static String normalizeApiUrl(String url) {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("apiUrl must be an http(s) URL such as https://slack.com/api/, was '"
                    + url + "': " + e.getMessage(), e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException("apiUrl must be an http(s) URL such as https://slack.com/api/, was '" + url + "'");
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null) {
            throw new IllegalArgumentException("apiUrl must not carry credentials or a query (the token is sent as a header), was '"
                    + uri.getScheme() + "://" + uri.getHost() + "...'");
        }
        String s = uri.toString();
        return s.endsWith("/") ? s : s + "/";
    }
}
