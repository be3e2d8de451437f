package dev.sluice.blocks.webhook.internal;

import dev.sluice.notify.TextCuts;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.RetryAfter;
import dev.sluice.RetryPolicy;
import dev.sluice.SluiceRuntime;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Sends one webhook request with the bounded retry of {@link WebhookOptions}, through core's one
 * retry loop ({@link RetryPolicy#execute}); shared by every notifier in this module. Requests go
 * through the current runtime's shared JDK HTTP client, which never follows redirects, so a message
 * never goes to an address the block does not name.
 */
public final class WebhookSender {
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
    private static final int MAX_SNIPPET = 300;
    private static final String MASK = "**********";

    /** The JSON mapper of this module (configured once, here; thread-safe). */
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

    /**
     * One attempt that failed in a way worth retrying (429, 5xx, timeout, network): what happened,
     * already scrubbed of secrets, and the wait the service asked for, which the retry loop honours.
     */
    static final class RetryableFailure extends RuntimeException implements RetryAfter.Hint {
        private static final long serialVersionUID = 1L;

        private final String problem;
        private final int status;
        private final @Nullable Duration retryAfter;

        RetryableFailure(String target, String problem, int status, @Nullable Duration retryAfter, @Nullable Throwable cause) {
            super(target + " " + problem, cause);
            this.problem = problem;
            this.status = status;
            this.retryAfter = retryAfter;
        }

        @Override
        public Optional<Duration> retryAfter() {
            return Optional.ofNullable(retryAfter);
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
     * The retry policy {@code options} stand for: {@code maxAttempts - 1} retries waiting 250 ms,
     * 500 ms, 1 s, ... (each at most {@code maxRetryDelay}), a {@code Retry-After} of up to
     * {@code maxRetryDelay} waited instead, and a single attempt inside another retrying layer.
     */
    static RetryPolicy policy(WebhookOptions options) {
        int retries = options.maxAttempts() - 1;
        RetryPolicy policy;
        if (retries == 0) {
            policy = RetryPolicy.none();
        } else {
            Duration[] delays = new Duration[retries];
            for (int i = 0; i < retries; i++) {
                delays[i] = backoff(i + 1, options);
            }
            policy = RetryPolicy.delays(delays);
        }
        return policy.retryOn(RetryableFailure.class).withMaxRetryAfter(options.maxRetryDelay())
                .yieldingToEnclosingRetries();
    }

    /**
     * Sends {@code request}, retrying 429, 5xx and network failures as {@code options} allow, waiting
     * with the current runtime's sleeper. Inside another retrying layer ({@code Notify} with retries,
     * a task run with retries) it makes one attempt and lets that layer retry: the exception is then
     * retryable ({@link WebhookException#isRetryable()}) and carries the service's Retry-After.
     *
     * @return the 2xx answer
     * @throws WebhookException naming the service and host, never a secret
     */
    public static HttpResponse<String> send(Request request, WebhookOptions options) {
        String target = request.service() + " (host " + request.uri().getHost() + ")";
        List<String> hidden = hidden(request);
        SluiceRuntime runtime = SluiceRuntime.current();
        HttpClient client = runtime.httpClient(options.connectTimeout());
        String userInfo = request.uri().getRawUserInfo();
        HttpRequest.Builder builder = HttpRequest.newBuilder(userInfo == null ? request.uri() : withoutUserInfo(request.uri()))
                .timeout(options.requestTimeout())
                .method(request.method(), request.body().isEmpty() && request.method().equals("GET")
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(request.body(), StandardCharsets.UTF_8));
        if (!request.contentType().isEmpty()) {
            builder.header("Content-Type", request.contentType());
        }
        builder.header("User-Agent", "sluice-blocks");
        if (userInfo != null && request.headers().keySet().stream().noneMatch("Authorization"::equalsIgnoreCase)) {
            // as curl does: the user info of the URL is the Basic credentials (the JDK client would drop it)
            builder.header("Authorization", "Basic " + basic(userInfo));
        }
        request.headers().forEach((name, value) -> {
            try {
                builder.header(name, value);
            } catch (IllegalArgumentException e) {
                // not chained, and the value not shown: java.net.http quotes it, secrets filled in included.
                // Not retryable: the same value is refused every time
                throw new WebhookException(target + ": header " + name + " was refused by the HTTP client: its value"
                        + " holds a character HTTP headers cannot carry (a control character or a character beyond"
                        + " Latin-1, from a secret?); nothing was sent", 0, false, null);
            }
        });
        HttpRequest http = builder.build();
        RetryPolicy policy = policy(options);
        try {
            return policy.execute(target, attempt -> attempt(client, http, options.requestTimeout(), target, hidden, runtime),
                    new RetryPolicy.Listener() {
                        @Override
                        public void gaveUp(int attempts, Throwable error, @Nullable String reason) {
                            if (error instanceof RetryableFailure failure) {
                                throw finalFailure(target, failure, attempts, policy, options);
                            }
                        }
                    });
        } catch (RetryableFailure interrupted) {
            // the loop gives up through gaveUp above, except when interrupted while waiting
            throw new WebhookException(target + " " + interrupted.problem + "; interrupted while waiting to try again",
                    interrupted.status, false, interrupted);
        }
    }

    /** The most of an answer's body read: enough for any error snippet; the rest is neither read nor kept. */
    static final int MAX_ANSWER_BYTES = 64 * 1024;

    /** Ends answers whose body goes on past the request timeout (one daemon thread, for all senders). */
    private static final java.util.concurrent.ScheduledThreadPoolExecutor DEADLINES = deadlines();

    private static java.util.concurrent.ScheduledThreadPoolExecutor deadlines() {
        java.util.concurrent.ScheduledThreadPoolExecutor timer = new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "sluice-webhook-deadlines");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    /**
     * A body read up to {@code max} bytes (as UTF-8 text): once that much arrived the answer is complete
     * and the rest of the stream is cancelled, so a service streaming an endless or huge answer holds
     * neither time nor memory. A body not complete by {@code deadline} ({@link System#nanoTime()}) ends
     * with an {@link HttpTimeoutException}: {@link HttpRequest#timeout} ends when the status line and
     * headers arrive, so a body trickled in a byte at a time would hold the request forever.
     */
    static final class CappedBody implements HttpResponse.BodySubscriber<String> {
        private final int max;
        private final java.io.ByteArrayOutputStream kept = new java.io.ByteArrayOutputStream();
        private final java.util.concurrent.CompletableFuture<String> result = new java.util.concurrent.CompletableFuture<>();
        private volatile java.util.concurrent.Flow.@Nullable Subscription subscription;

        CappedBody(int max, long deadline, Duration timeout) {
            this.max = max;
            java.util.concurrent.ScheduledFuture<?> expiry = DEADLINES.schedule(() -> {
                if (result.completeExceptionally(new HttpTimeoutException("the whole answer took longer than the request"
                        + " timeout of " + human(timeout)))) {
                    java.util.concurrent.Flow.Subscription s = subscription;
                    if (s != null) {
                        s.cancel(); // aborts the exchange and its connection
                    }
                }
            }, Math.max(0, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
            result.whenComplete((body, error) -> expiry.cancel(false));
        }

        @Override
        public java.util.concurrent.CompletionStage<String> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
            subscription = s;
            if (result.isDone()) {
                s.cancel();
                return;
            }
            s.request(1);
        }

        @Override
        public void onNext(List<java.nio.ByteBuffer> items) {
            for (java.nio.ByteBuffer b : items) {
                int n = Math.min(b.remaining(), max - kept.size());
                if (n > 0) {
                    byte[] bytes = new byte[n];
                    b.get(bytes);
                    kept.write(bytes, 0, n);
                }
            }
            java.util.concurrent.Flow.Subscription s = subscription;
            if (result.isDone()) {
                if (s != null) {
                    s.cancel();
                }
            } else if (kept.size() >= max) {
                result.complete(kept.toString(StandardCharsets.UTF_8));
                if (s != null) {
                    s.cancel();
                }
            } else if (s != null) {
                s.request(1);
            }
        }

        @Override
        public void onError(Throwable error) {
            result.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            result.complete(kept.toString(StandardCharsets.UTF_8));
        }
    }

    /**
     * One request, bounded as a whole by {@code timeout} (see {@link CappedBody}). Sent with the blocking
     * {@link HttpClient#send}: on JDK 25 {@code sendAsync} completes its future on the common fork-join pool, which an
     * application's blocked tasks can starve (on 2 cores its one thread: answers that had arrived were seen only
     * after the timeout, and sent again).
     */
    private static HttpResponse<String> exchange(HttpClient client, HttpRequest http, Duration timeout)
            throws IOException, InterruptedException {
        long nanos = timeout.compareTo(Duration.ofDays(365)) > 0 ? Duration.ofDays(365).toNanos() : timeout.toNanos();
        long deadline = System.nanoTime() + nanos;
        try {
            return client.send(http, info -> new CappedBody(MAX_ANSWER_BYTES, deadline, timeout));
        } catch (IOException e) {
            for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
                if (c instanceof HttpTimeoutException t) {
                    throw t;
                }
            }
            throw e;
        }
    }

    private static HttpResponse<String> attempt(HttpClient client, HttpRequest http, Duration timeout, String target,
            List<String> hidden, SluiceRuntime runtime) {
        try {
            HttpResponse<String> response = exchange(client, http, timeout);
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return response;
            }
            String body = response.body();
            String snippet = body == null ? "" // mask, then cut: a secret across the cut stays whole
                    : snippet(scrub(body.length() > 16_384 ? body.substring(0, 16_384) : body, hidden));
            String problem = "answered HTTP " + status + (snippet.isEmpty() ? "" : ": " + snippet);
            if (status != 429 && status < 500) {
                throw new WebhookException(target + " " + problem + "; " + hint(status), status, false, null);
            }
            Duration asked = RetryAfter.parse(response.headers().firstValue("Retry-After").orElse(null),
                    runtime.clock().instant()).orElse(null);
            throw new RetryableFailure(target, problem, status, asked, null);
        } catch (HttpTimeoutException e) {
            throw new RetryableFailure(target, "did not answer in time (" + e.getClass().getSimpleName() + ")", 0, null,
                    scrubbed(e, hidden));
        } catch (IOException e) {
            if (certificateProblem(e)) {
                // the same certificate is refused on every attempt: not retried here, nor by Notify
                throw new WebhookException(target + " refused the TLS connection: its certificate is not trusted ("
                        + scrub(String.valueOf(rootMessage(e)), hidden) + "); use a certificate from a CA the JVM trusts,"
                        + " or add the server's CA to the JVM's trust store; nothing was sent", 0, false, scrubbed(e, hidden));
            }
            throw new RetryableFailure(target, "could not be reached: " + scrub(String.valueOf(e), hidden), 0, null,
                    scrubbed(e, hidden));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WebhookException(target + ": interrupted while sending", 0, false, e);
        }
    }

    /** The exception for a retryable failure after which no retry follows here. */
    private static WebhookException finalFailure(String target, RetryableFailure failure, int attempts, RetryPolicy policy,
            WebhookOptions options) {
        Optional<Duration> asked = failure.retryAfter();
        if (asked.isPresent() && asked.get().compareTo(options.maxRetryDelay()) > 0) {
            return new WebhookException(target + " " + failure.problem + " and asked to wait " + human(asked.get())
                    + " (Retry-After), longer than maxRetryDelay " + human(options.maxRetryDelay())
                    + "; not sending it again", failure.status, false, failure);
        }
        if (attempts == 1 && policy.maxRetries() > 0) {
            // a single attempt although retries are configured: an enclosing layer retries (it yielded)
            return new WebhookException(target + " " + failure.problem + " (1 attempt here; the enclosing retries decide"
                    + " whether to send it again)", failure.status, true, failure);
        }
        return new WebhookException(target + " " + failure.problem + " (gave up after " + attempts + " attempt"
                + (attempts == 1 ? "" : "s") + "; check that the service is up and the URL is right)", failure.status, false,
                failure);
    }

    /** {@code "3600 s"}, or {@code "200 ms"} when not whole seconds. */
    private static String human(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    /**
     * What must never show in a message: the request's secrets and, since the whole webhook URL is a
     * secret, its user info (the user, the password and their Basic form), its path, its query, every
     * path segment and every query value (raw and decoded),
     * whatever their length (see {@link #scrub}). Segments and values that look like tokens (a digit,
     * mixed case, or 16 characters and more; at least 4) are also taught to this JVM's masker, so run
     * logs mask them too; plain words such as {@code hooks} are masked in this module's own messages only.
     */
    static List<String> hidden(Request request) {
        List<String> hidden = new ArrayList<>(request.secrets());
        URI uri = request.uri();
        List<String> parts = new ArrayList<>();
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            // the user and the password, raw and decoded; the password and the Basic form are always secret
            hidden.add(userInfo);
            hidden.add(basic(userInfo));
            int colon = userInfo.indexOf(':');
            String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
            parts.add(user);
            parts.add(URLDecoder.decode(user.replace("+", "%2B"), StandardCharsets.UTF_8));
            // the password, or a user info without one (a token as the user name), is a secret in every log
            String secret = colon < 0 ? userInfo : userInfo.substring(colon + 1);
            String decoded = URLDecoder.decode(secret.replace("+", "%2B"), StandardCharsets.UTF_8);
            parts.add(secret);
            parts.add(decoded);
            dev.sluice.block.Secret.of(secret).reveal();
            dev.sluice.block.Secret.of(decoded).reveal();
        }
        if (uri.getRawPath() != null && uri.getRawPath().length() > 1) {
            hidden.add(uri.getRawPath());
            for (String segment : uri.getRawPath().split("/")) {
                parts.add(segment);
                parts.add(URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        String query = uri.getRawQuery();
        if (query != null && !query.isEmpty()) {
            hidden.add(query);
            for (String pair : query.split("&")) {
                String value = pair.substring(pair.indexOf('=') + 1);
                parts.add(value);
                parts.add(URLDecoder.decode(value, StandardCharsets.UTF_8));
            }
        }
        for (String part : parts) {
            if (!part.isEmpty()) {
                hidden.add(part);
                if (looksLikeToken(part)) {
                    dev.sluice.block.Secret.of(part).reveal();
                }
            }
        }
        hidden.sort(Comparator.comparingInt(String::length).reversed());
        return hidden;
    }

    /** {@code uri} without its user info: what goes on the wire, the credentials going in a header. */
    static URI withoutUserInfo(URI uri) {
        String authority = uri.getRawAuthority();
        String host = authority.substring(authority.lastIndexOf('@') + 1);
        return URI.create(uri.getScheme() + "://" + host + (uri.getRawPath() == null ? "" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
    }

    /** The Basic credentials of a raw user info ({@code user:password}, percent-decoded), taught to the masker. */
    static String basic(String rawUserInfo) {
        String decoded = URLDecoder.decode(rawUserInfo.replace("+", "%2B"), StandardCharsets.UTF_8);
        String encoded = java.util.Base64.getEncoder().encodeToString(decoded.getBytes(StandardCharsets.UTF_8));
        dev.sluice.block.Secret.of(encoded).reveal(); // a form the library derives: masked like the password
        return encoded;
    }

    private static boolean looksLikeToken(String part) {
        if (part.length() < 4 || part.matches("\\d{4}-\\d{2}-\\d{2}")) {
            return false; // an API version such as Teams' api-version=2016-06-01 is no token
        }
        boolean digit = false;
        boolean upper = false;
        boolean lower = false;
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            digit |= Character.isDigit(c);
            upper |= Character.isUpperCase(c);
            lower |= Character.isLowerCase(c);
        }
        return digit || (upper && lower) || part.length() >= 16;
    }

    /** Whether {@code e} is a TLS failure over the server's certificate (untrusted, expired, wrong host). */
    static boolean certificateProblem(Throwable e) {
        int depth = 0;
        for (Throwable t = e; t != null && depth < 16; t = t.getCause(), depth++) {
            if (t instanceof javax.net.ssl.SSLHandshakeException || t instanceof javax.net.ssl.SSLPeerUnverifiedException
                    || t instanceof java.security.cert.CertificateException) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        for (int i = 0; i < 16 && root.getCause() != null && root.getCause() != root; i++) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    /**
     * {@code e} itself when no message in its cause chain holds one of {@code hidden} or a revealed
     * secret; otherwise an {@link IOException} standing in for it with the message masked and the
     * same stack trace, so a cause never carries the webhook URL to a log.
     */
    static Throwable scrubbed(Throwable e, List<String> hidden) {
        int depth = 0;
        for (Throwable t = e; t != null && depth < 16; t = t.getCause(), depth++) {
            String m = t.getMessage();
            if (m != null && !scrub(m, hidden).equals(m)) {
                IOException clean = new IOException(e.getClass().getName() + ": " + scrub(String.valueOf(e.getMessage()),
                        hidden));
                clean.setStackTrace(e.getStackTrace());
                return clean;
            }
        }
        return e;
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

    private static String snippet(@Nullable String body) {
        if (body == null) {
            return "";
        }
        String s = body.strip().replaceAll("\\s+", " ");
        return TextCuts.cut(s, MAX_SNIPPET, TextCuts.Measure.CHARS, "...");
    }

    /**
     * {@code text} with every secret revealed in this JVM and each of {@code secrets} replaced by
     * {@code **********}: anywhere for values of 4 characters and more, and where they stand alone
     * (not inside a longer word or number) for shorter ones.
     */
    public static String scrub(String text, List<String> secrets) {
        String s = dev.sluice.block.Secret.mask(text);
        for (String secret : secrets) {
            if (secret.length() >= 4) {
                s = s.replace(secret, MASK);
            }
        }
        for (String secret : secrets) {
            if (!secret.isEmpty() && secret.length() < 4) {
                s = maskToken(s, secret);
            }
        }
        return s;
    }

    /** {@code text} with every stand-alone occurrence of {@code v} masked. */
    private static String maskToken(String text, String v) {
        StringBuilder sb = new StringBuilder(text.length());
        int from = 0;
        int i = text.indexOf(v);
        while (i >= 0) {
            int end = i + v.length();
            boolean alone = (i == 0 || !Character.isLetterOrDigit(text.charAt(i - 1)))
                    && (end == text.length() || !Character.isLetterOrDigit(text.charAt(end)));
            if (alone) {
                sb.append(text, from, i).append(MASK);
                from = end;
            }
            i = text.indexOf(v, alone ? end : i + 1);
        }
        return sb.append(text, from, text.length()).toString();
    }

    /**
     * {@code text} cut to at most {@code max} characters (UTF-16 units) at a grapheme cluster
     * boundary, ending in an ellipsis when cut.
     */
    public static String truncate(String text, int max) {
        return TextCuts.cut(text, max, TextCuts.Measure.CHARS, "\u2026");
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
