package dev.sluice.blocks.webhook.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.blocks.webhook.WebhookException;
import dev.sluice.blocks.webhook.WebhookOptions;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one webhook request with the bounded retry of {@link WebhookOptions}; shared by every
 * notifier in this module. One {@link HttpClient} per connect timeout, shared by the JVM.
 * Redirects are not followed, so a message never goes to an address the block does not name.
 */
public final class WebhookSender {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookSender.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
    private static final int MAX_SNIPPET = 300;
    private static final Map<Duration, HttpClient> CLIENTS = new ConcurrentHashMap<>();

    /** The JSON mapper of this module. */
    public static final ObjectMapper JSON = new ObjectMapper();

    private WebhookSender() {
    }

    /** A request to send: what it is for messages, where, how, and what must never show in an error. */
    public record Request(String service, URI uri, String method, String contentType, String body,
            Map<String, String> headers, List<String> secrets) {
        /** The service, method and host only: the URL, headers, body and secrets hold revealed values. */
        @Override
        public String toString() {
            return "Request[" + service + ", " + method + " host " + uri.getHost() + "]";
        }
    }

    /** Serialises {@code node} as compact JSON. */
    public static String json(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /**
     * Sends {@code request}, retrying 429, 5xx and network failures as {@code options} allow.
     *
     * @return the 2xx answer
     * @throws WebhookException naming the service and host, never a secret
     */
    public static HttpResponse<String> send(Request request, WebhookOptions options) {
        String target = request.service() + " (host " + request.uri().getHost() + ")";
        List<String> hidden = hidden(request);
        HttpClient client = CLIENTS.computeIfAbsent(options.connectTimeout(), t -> HttpClient.newBuilder()
                .connectTimeout(t).followRedirects(HttpClient.Redirect.NEVER).build());
        HttpRequest.Builder builder = HttpRequest.newBuilder(request.uri())
                .timeout(options.requestTimeout())
                .method(request.method(), request.body().isEmpty() && request.method().equals("GET")
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(request.body(), StandardCharsets.UTF_8));
        if (!request.contentType().isEmpty()) {
            builder.header("Content-Type", request.contentType());
        }
        builder.header("User-Agent", "sluice-blocks");
        request.headers().forEach((name, value) -> {
            try {
                builder.header(name, value);
            } catch (IllegalArgumentException e) {
                // not chained, and the value not shown: java.net.http quotes it, secrets filled in included
                throw new IllegalArgumentException(target + ": header " + name + " was refused by the HTTP client: its"
                        + " value holds a control character (from a secret or the notification?)");
            }
        });
        HttpRequest http = builder.build();
        int attempts = options.maxAttempts();
        for (int attempt = 1; ; attempt++) {
            String problem;
            int status = 0;
            @Nullable Throwable cause = null;
            Duration wait;
            try {
                HttpResponse<String> response = client.send(http, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                status = response.statusCode();
                if (status >= 200 && status < 300) {
                    return response;
                }
                String snippet = scrub(snippet(response.body()), hidden);
                problem = "answered HTTP " + status + (snippet.isEmpty() ? "" : ": " + snippet);
                if (status != 429 && status < 500) {
                    throw new WebhookException(target + " " + problem + "; " + hint(status), status, null);
                }
                Optional<Duration> asked = retryAfter(response);
                wait = asked.orElse(backoff(attempt, options));
                if (asked.isPresent() && asked.get().compareTo(options.maxRetryDelay()) > 0) {
                    throw new WebhookException(target + " " + problem + " and asked to wait " + asked.get().toSeconds()
                            + " s (Retry-After), longer than maxRetryDelay " + options.maxRetryDelay().toSeconds()
                            + " s; not sending it again", status, null);
                }
            } catch (HttpTimeoutException e) {
                cause = e;
                problem = "did not answer in time (" + e.getClass().getSimpleName() + ")";
                wait = backoff(attempt, options);
            } catch (IOException e) {
                cause = e;
                problem = "could not be reached: " + scrub(String.valueOf(e), hidden);
                wait = backoff(attempt, options);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WebhookException(target + ": interrupted while sending", 0, e);
            }
            if (attempt >= attempts) {
                throw new WebhookException(target + " " + problem + " (gave up after " + attempts + " attempt"
                        + (attempts == 1 ? "" : "s") + "; check that the service is up and the URL is right)", status, cause);
            }
            LOG.debug("{} {}; attempt {} of {}, trying again in {} ms", target, problem, attempt, attempts, wait.toMillis());
            try {
                Thread.sleep(wait.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WebhookException(target + " " + problem + "; interrupted while waiting to try again", status, e);
            }
        }
    }

    /** The secrets, and the parts of the URL that are likely tokens: query values and long path segments. */
    private static List<String> hidden(Request request) {
        List<String> hidden = new ArrayList<>(request.secrets());
        String query = request.uri().getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                String value = pair.substring(pair.indexOf('=') + 1);
                if (value.length() >= 4) {
                    hidden.add(value);
                    hidden.add(URLDecoder.decode(value, StandardCharsets.UTF_8));
                }
            }
        }
        String path = request.uri().getRawPath();
        if (path != null) {
            for (String segment : path.split("/")) {
                if (segment.length() >= 16) {
                    hidden.add(segment);
                }
            }
        }
        hidden.sort(Comparator.comparingInt(String::length).reversed());
        return hidden;
    }

    private static String hint(int status) {
        return switch (status) {
            case 400, 422 -> "the service rejected the message; check the block's settings";
            case 401, 403 -> "the webhook URL, token or key is wrong or was revoked";
            case 404, 410 -> "the webhook does not exist (any more); check its URL";
            case 413 -> "the message is too large";
            case 301, 302, 303, 307, 308 -> "the URL redirects elsewhere; redirects are not followed (the message"
                    + " and its secrets would go to another address), so use the final URL";
            default -> "not sending it again";
        };
    }

    static Duration backoff(int attempt, WebhookOptions options) {
        Duration d = FIRST_BACKOFF.multipliedBy(1L << Math.min(attempt - 1, 16));
        return d.compareTo(options.maxRetryDelay()) > 0 ? options.maxRetryDelay() : d;
    }

    /** The wait a {@code Retry-After} header asks for: seconds (integer or decimal) or an HTTP date. */
    static Optional<Duration> retryAfter(HttpResponse<?> response) {
        Optional<String> header = response.headers().firstValue("Retry-After");
        if (header.isEmpty()) {
            return Optional.empty();
        }
        String v = header.get().trim();
        try {
            double seconds = Double.parseDouble(v);
            if (seconds >= 0 && !Double.isInfinite(seconds)) {
                return Optional.of(Duration.ofMillis((long) Math.ceil(seconds * 1000)));
            }
        } catch (NumberFormatException notANumber) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (RuntimeException notADate) {
                LOG.debug("ignoring unreadable Retry-After '{}'", v);
            }
        }
        return Optional.empty();
    }

    private static String snippet(@Nullable String body) {
        if (body == null) {
            return "";
        }
        String s = body.strip().replaceAll("\\s+", " ");
        return s.length() <= MAX_SNIPPET ? s : s.substring(0, MAX_SNIPPET) + "...";
    }

    /** {@code text} with each of {@code secrets} replaced by {@code **********}. */
    public static String scrub(String text, List<String> secrets) {
        String s = text;
        for (String secret : secrets) {
            if (!secret.isEmpty()) {
                s = s.replace(secret, "**********");
            }
        }
        return s;
    }

    /** {@code text} cut to {@code max} characters, ending in an ellipsis when cut. */
    public static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "\u2026";
    }

    /**
     * Parses a webhook URL that is a secret; the message of a bad one says what is wrong without
     * showing it.
     */
    public static URI uri(String value, String what) {
        URI uri;
        try {
            uri = URI.create(value.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not a valid URL");
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("https") || scheme.equalsIgnoreCase("http"))
                || uri.getHost() == null) {
            throw new IllegalArgumentException(what + " must be an absolute http(s) URL with a host");
        }
        return uri;
    }
}
