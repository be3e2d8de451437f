package dev.sluice.tasks.http.internal;

import dev.sluice.RetryAfter;
import dev.sluice.RetryPolicy;
import dev.sluice.SluiceRuntime;
import dev.sluice.block.Secret;
import dev.sluice.tasks.http.ApiKey;
import dev.sluice.tasks.http.BasicAuth;
import dev.sluice.tasks.http.BearerToken;
import dev.sluice.tasks.http.HttpAuth;
import dev.sluice.tasks.http.HttpExtractException;
import dev.sluice.tasks.http.OAuth2ClientCredentials;
import dev.sluice.tasks.http.PageRequest;
import io.github.resilience4j.ratelimiter.RateLimiter;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * Sends one logical request: auth, redirects (auth never forwarded to another origin), one token
 * refresh on 401, the rate limit, and retries on connection failures, 429 and 5xx with
 * {@link RetryPolicy#execute}, which honours {@code Retry-After} (carried by the failure as a
 * {@link dev.sluice.RetryAfter.Hint}). Bodies of successful responses are handed to a
 * {@link BodyReader} inside the attempt, so a connection lost while reading is retried too.
 *
 * <p>Made on the calling thread: it keeps that thread's {@link SluiceRuntime} (HTTP client,
 * clock, OAuth2 token cache) for every request, whichever thread sends it.
 */
public final class Requester {
    static final int MAX_REDIRECTS = 10;
    /** Headers that carry credentials and are dropped when a redirect leaves the origin. */
    /**
     * Words that make a header name a credential's: Authorization, Proxy-Authorization and Cookie, and X-Api-Key,
     * X-Auth-Token, X-Session-Id, X-Client-Secret, ...
     */
    private static final java.util.regex.Pattern CREDENTIAL_WORDS =
            java.util.regex.Pattern.compile("auth|token|key|secret|session|password|passwd|signature|cookie|credential");

    /** Whether a header of this name carries a credential: never sent to another origin, its value masked. */
    static boolean isCredentialHeader(String name) {
        return CREDENTIAL_WORDS.matcher(name.toLowerCase(Locale.ROOT)).find();
    }

    /** Reads a successful response's body. */
    @FunctionalInterface
    public interface BodyReader<R> {
        R read(int status, HttpHeaders headers, URI finalUri, InputStream body) throws IOException;
    }

    /** A first attempt made elsewhere (a page fetched ahead on another thread): its result, or its failure thrown. */
    @FunctionalInterface
    public interface FirstAttempt<R> {
        R get();
    }

    private final ExtractSpec spec;
    private final SluiceRuntime runtime;
    private final HttpClient client;
    private final OAuth2Tokens tokens;
    private final RetryPolicy policy;
    private final @Nullable RateLimiter limiter;
    private final Logger log;
    private final List<String> secrets;
    private final String defaultAccept;
    /** Whether requests ask for gzip and bodies are decoded (JSON pages and objects; not downloads). */
    private final boolean compressed;

    /**
     * A requester of JSON: it asks for gzip and decodes the bodies. A download (any other
     * {@code defaultAccept}) asks for none and keeps the bytes as sent, as curl does: a server that
     * labels a {@code .gz} file {@code Content-Encoding: gzip} still gives the file.
     */
    public Requester(ExtractSpec spec, @Nullable RateLimiter limiter, Logger log, String defaultAccept) {
        this.spec = spec;
        this.compressed = defaultAccept.equals("application/json");
        this.defaultAccept = defaultAccept;
        this.runtime = SluiceRuntime.current();
        this.client = runtime.httpClient(spec.connectTimeout);
        this.tokens = runtime.resource(OAuth2Tokens.PER_RUNTIME);
        // failures not worth retrying come out of an attempt as Final, which no condition of the user's sees
        this.policy = spec.effectiveRetryPolicy().abortOn(Final.class);
        this.limiter = limiter;
        this.log = log;
        List<String> all = new ArrayList<>(secretValues(spec.auth));
        for (ExtractSpec.Header h : spec.headers) {
            if (isCredentialHeader(h.name())) {
                // a credential set with header(): masked wherever it shows (an error body that echoes it, a log line),
                // whole and, after a scheme such as "Token ", on its own
                all.add(h.value());
                int space = h.value().indexOf(' ');
                if (space > 0 && h.value().length() - space - 1 >= 4) {
                    all.add(h.value().substring(space + 1));
                }
            }
        }
        for (String v : all) {
            if (v.length() >= 4) {
                Secret.of(v).reveal();
            }
        }
        this.secrets = List.copyOf(all);
    }

    /** The runtime this requester sends under. */
    public SluiceRuntime runtime() {
        return runtime;
    }

    /** The secret values of the auth block, for masking response bodies shown in messages. */
    public List<String> secrets() {
        return secrets;
    }

    /**
     * Sends {@code request} and reads its body with {@code reader}, retrying as the extract's
     * policy says. {@code what} names the request in messages ("page 3").
     *
     * @throws HttpExtractException when the request fails for good
     */
    public <R> R execute(PageRequest request, String what, BodyReader<R> reader) {
        return retrying(what, null, request, reader);
    }

    /**
     * As {@link #execute}, with the first attempt already made by {@code first} (which gives its
     * result or throws its failure): the retries, if it failed, happen here, on the calling thread,
     * so they see the retry layers the caller is inside.
     */
    public <R> R execute(PageRequest request, String what, BodyReader<R> reader, FirstAttempt<R> first) {
        return retrying(what, first, request, reader);
    }

    /**
     * One attempt, no retry: the body read with {@code reader}.
     *
     * @throws HttpExtractException when it fails ({@link HttpExtractException#isRetryable()} says if another may succeed)
     */
    public <R> R attemptOnce(PageRequest request, String what, BodyReader<R> reader) {
        return attempt(request, what, reader);
    }

    private <R> R retrying(String what, @Nullable FirstAttempt<R> first, PageRequest request, BodyReader<R> reader) {
        try {
            return policy.execute(spec.name + " " + what, n -> {
                try {
                    return n == 1 && first != null ? first.get() : attempt(request, what, reader);
                } catch (HttpExtractException e) {
                    if (e.isRetryable()) {
                        throw e;
                    }
                    throw new Final(e);
                } catch (RuntimeException e) {
                    throw new Final(e);
                }
            }, new Listener());
        } catch (Final f) {
            throw f.failure;
        }
    }

    /** Adds to the last failure why no retry followed. */
    private final class Listener implements RetryPolicy.Listener {
        @Override
        public void gaveUp(int attempts, Throwable error, @Nullable String reason) {
            if (!(error instanceof HttpExtractException x)) {
                return; // not worth retrying (a Final) or an Error: as it is
            }
            Duration asked = x.retryAfter().orElse(null);
            if (reason != null && asked != null && asked.compareTo(policy.maxRetryAfter()) > 0) {
                throw copy(x, x.getMessage() + "; the server asked to retry after " + seconds(asked)
                        + " (Retry-After), more than maxRetryAfter (" + seconds(policy.maxRetryAfter())
                        + "), so the extract stops here");
            }
            if (reason != null) {
                throw copy(x, x.getMessage() + "; " + reason + (attempts > 1 ? " (gave up after " + attempts + " attempts)" : ""));
            }
            if (attempts > 1) {
                throw copy(x, x.getMessage() + " (gave up after " + attempts + " attempts)");
            }
        }
    }

    private static HttpExtractException copy(HttpExtractException x, String message) {
        HttpExtractException c = new HttpExtractException(message, x.status().orElse(0), x.url(), x.getCause(),
                x.isRetryable(), x.retryAfter().orElse(null));
        c.setStackTrace(x.getStackTrace());
        return c;
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** A failure no retry can mend, carried through the retry loop past the user's retry conditions. */
    private static final class Final extends RuntimeException {
        private static final long serialVersionUID = 1L;

        final transient RuntimeException failure;

        Final(RuntimeException failure) {
            super(failure.getMessage(), failure, false, false);
            this.failure = failure;
        }
    }

    private <R> R attempt(PageRequest request, String what, BodyReader<R> reader) {
        // credentials go to the configured URL's origin only: a next page (a link in a body or a Link header) or
        // a redirect elsewhere gets neither the auth nor the credential headers
        URI origin = spec.uri;
        URI uri = request.uri();
        String method = spec.method;
        @Nullable String body = request.body().orElse(null);
        boolean sameOrigin = Urls.sameOrigin(origin, uri);
        if (!sameOrigin) {
            log.debug("{} of {} is on another origin than {}: auth and credential headers are not sent", what,
                    spec.show(uri), spec.show(origin));
        }
        boolean refreshed = false;
        int redirects = 0;
        while (true) {
            acquirePermit(what);
            HttpAuth auth = sameOrigin ? spec.auth : null;
            String token = null;
            if (auth instanceof OAuth2ClientCredentials o) {
                token = tokens.get(o, client, spec.requestTimeout, log);
                Secret.of(token).reveal(); // so the run logger masks it
            }
            HttpRequest httpRequest = build(uri, method, body, auth, token, sameOrigin);
            String shown = spec.show(uri);
            String label = what + " of " + method + " " + shown;
            HttpResponse<InputStream> response;
            try {
                response = client.send(httpRequest, Bodies.interruptible());
            } catch (IOException e) {
                throw new HttpExtractException(label + " failed: " + describe(e), 0, shown, e, true, null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancellationException("interrupted during " + label);
            }
            // the client's timeout covers the headers; each read of the body gets the same time for its data
            InputStream in = Bodies.idleTimeout(response.body(), spec.requestTimeout);
            if (compressed) {
                in = Bodies.decoded(in, response.headers().firstValue("Content-Encoding").orElse(null));
            }
            try {
                int status = response.statusCode();
                Optional<String> location = response.headers().firstValue("Location");
                if (spec.followRedirects && isRedirect(status) && location.isPresent()) {
                    if (++redirects > MAX_REDIRECTS) {
                        throw new HttpExtractException(label + " was redirected more than " + MAX_REDIRECTS
                                + " times; stopped", status, shown, null);
                    }
                    URI next = redirectTarget(uri, location.get(), label, status, shown);
                    if (sameOrigin && !Urls.sameOrigin(origin, next)) {
                        sameOrigin = false;
                        log.debug("{} redirected to another origin ({}): auth and credential headers are not forwarded",
                                label, spec.show(next));
                    }
                    if (status == 303 || ((status == 301 || status == 302) && !method.equals("GET") && !method.equals("HEAD"))) {
                        method = "GET";
                        body = null;
                    }
                    uri = next;
                    continue;
                }
                if (status == 401 && token != null && !refreshed) {
                    refreshed = true;
                    log.debug("{} answered 401: fetching a new OAuth2 token once", label);
                    tokens.invalidate((OAuth2ClientCredentials) spec.auth, token);
                    continue;
                }
                if (status / 100 == 2) {
                    try {
                        return reader.read(status, response.headers(), uri, in);
                    } catch (IOException e) {
                        if (e instanceof java.io.InterruptedIOException && !(e instanceof java.net.http.HttpTimeoutException)
                                || Thread.currentThread().isInterrupted()) {
                            // cancelled (a task's timeout, a cancel): no retry, the interrupt status kept
                            Thread.currentThread().interrupt();
                            throw new CancellationException("interrupted while reading the body of " + label);
                        }
                        throw new HttpExtractException(label + " failed while reading the body: " + describe(e),
                                status, shown, e, true, null);
                    }
                }
                String start = Bodies.start(in, token == null ? secrets : withToken(token));
                if (status == 429 || status >= 500) {
                    Duration retryAfter = RetryAfter.parse(response.headers().firstValue("Retry-After").orElse(null),
                            runtime.clock()).orElse(null);
                    throw new HttpExtractException(label + " failed with HTTP " + status + ": " + start,
                            status, shown, null, true, retryAfter);
                }
                String why = status / 100 == 3 ? redirectHint(uri, location.orElse(null)) : hint(status);
                throw new HttpExtractException(label + " failed with HTTP " + status + ": " + start + why,
                        status, shown, null);
            } finally {
                closeQuietly(in);
            }
        }
    }

    private static URI redirectTarget(URI from, String location, String label, int status, String shown) {
        URI next;
        try {
            next = from.resolve(Urls.lenient(location));
        } catch (Exception e) {
            // not chained: the parser's message quotes the whole Location, tokens included
            throw new HttpExtractException(label + " was redirected to an invalid Location: "
                    + Urls.maskText(location), status, shown, null);
        }
        String scheme = next.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            throw new HttpExtractException(label + " was redirected to a non-HTTP URL; not followed", status, shown, null);
        }
        if (from.getScheme().equalsIgnoreCase("https") && scheme.equalsIgnoreCase("http")) {
            throw new HttpExtractException(label + " was redirected from https to http (" + Urls.mask(next)
                    + "); not followed", status, shown, null);
        }
        return next;
    }

    private HttpRequest build(URI uri, String method, @Nullable String body, @Nullable HttpAuth auth,
            @Nullable String token, boolean sameOrigin) {
        URI target = uri;
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            // as curl does: the user info is sent as Basic credentials (the JDK's client would drop it without a word)
            String authority = uri.getRawAuthority();
            target = URI.create(uri.getScheme() + "://" + authority.substring(authority.lastIndexOf('@') + 1)
                    + (uri.getRawPath() == null ? "" : uri.getRawPath()) + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
        }
        // the configured URL's user info stands for the origin's credentials, as an auth block does: a next page
        // or a redirect on the origin whose URL does not repeat it (an absolute Link) is sent them too
        @Nullable String credentials = userInfo != null ? userInfo : sameOrigin ? spec.uri.getRawUserInfo() : null;
        if (auth instanceof ApiKey k && k.in() == ApiKey.Location.QUERY) {
            target = Urls.withQueryParameter(target, k.name(), k.key().reveal());
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(target).timeout(spec.requestTimeout);
        boolean accept = false;
        boolean contentType = false;
        for (ExtractSpec.Header h : spec.headers) {
            String lower = h.name().toLowerCase(Locale.ROOT);
            if (!sameOrigin && isCredentialHeader(h.name())) {
                continue;
            }
            accept |= lower.equals("accept");
            contentType |= lower.equals("content-type");
            header(b, h.name(), h.value(), "set with header()");
        }
        if (!accept) {
            b.header("Accept", defaultAccept);
        }
        if (compressed && spec.headers.stream().noneMatch(h -> h.name().equalsIgnoreCase("Accept-Encoding"))) {
            b.header("Accept-Encoding", "gzip"); // decoded as read (Bodies.decoded): a JSON page shrinks several times
        }
        if (auth instanceof BearerToken t) {
            header(b, "Authorization", "Bearer " + t.token().reveal(), "of the http-bearer-token block");
        } else if (auth instanceof BasicAuth a) {
            b.header("Authorization", "Basic " + basic(a.username(), a.password().reveal()));
        } else if (auth instanceof ApiKey k && k.in() == ApiKey.Location.HEADER) {
            header(b, k.name(), k.key().reveal(), "of the http-api-key block");
        } else if (auth instanceof OAuth2ClientCredentials && token != null) {
            header(b, "Authorization", "Bearer " + token, "with the OAuth2 access token");
        } else if (auth == null && credentials != null && spec.headers.stream().noneMatch(h -> h.name().equalsIgnoreCase("Authorization"))) {
            int colon = credentials.indexOf(':');
            String user = java.net.URLDecoder.decode((colon < 0 ? credentials : credentials.substring(0, colon)).replace("+", "%2B"),
                    StandardCharsets.UTF_8);
            String password = colon < 0 ? "" : java.net.URLDecoder.decode(credentials.substring(colon + 1).replace("+", "%2B"),
                    StandardCharsets.UTF_8);
            dev.sluice.block.Secret.of(colon < 0 ? user : password).reveal(); // masked like a block's password
            b.header("Authorization", "Basic " + basic(user, password));
        }
        if (body != null) {
            if (!contentType) {
                b.header("Content-Type", "application/json");
            }
            b.method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return b.build();
    }

    /** Sets a header whose value may be secret: java.net.http's message for a refused one quotes the value. */
    private static void header(HttpRequest.Builder b, String name, String value, String what) {
        try {
            b.header(name, value);
        } catch (IllegalArgumentException e) {
            // not chained, and the value not shown: it may be a secret
            throw new IllegalArgumentException("header " + name + " " + what + " was refused by the HTTP client: its name"
                    + " is restricted, or its value holds a control character (a trailing newline?)");
        }
    }

    private void acquirePermit(String what) {
        if (limiter == null) {
            return;
        }
        if (!limiter.acquirePermission()) {
            if (Thread.currentThread().isInterrupted()) {
                throw new CancellationException("interrupted while waiting for the rate limit before " + what);
            }
            throw new HttpExtractException("no permit from the rate limit (" + spec.rateLimit + " requests/s) for "
                    + what + " in time", 0, spec.show(spec.uri), null);
        }
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    /** Why a 3xx answer was not followed, and where it led. */
    private String redirectHint(URI from, @Nullable String location) {
        if (location == null) {
            return "; a redirect without a Location header cannot be followed";
        }
        String target;
        try {
            target = spec.show(from.resolve(Urls.lenient(location)));
        } catch (Exception e) {
            target = Urls.maskText(location);
        }
        return spec.followRedirects
                ? "; a redirect to " + target + " that is not followed (only 301, 302, 303, 307 and 308 are)"
                : "; a redirect to " + target + ", not followed (followRedirects(false))";
    }

    private static String hint(int status) {
        return switch (status) {
            case 401 -> "; check the credentials of the auth block (client errors are not retried)";
            case 403 -> "; the credentials are not allowed this resource (client errors are not retried)";
            case 404 -> "; check the URL and its parameters (client errors are not retried)";
            default -> " (client errors other than 429 are not retried)";
        };
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }

    static void closeQuietly(@Nullable InputStream in) {
        if (in != null) {
            try {
                in.close();
            } catch (IOException | RuntimeException e) {
                // nothing to do
            }
        }
    }

    /** The secrets and the OAuth2 access token, which an API may echo in an error body. */
    private List<String> withToken(String token) {
        List<String> all = new ArrayList<>(secrets);
        all.add(token);
        return all;
    }

    /**
     * {@code base64(user:password)}, the Basic credentials: a form of the password the library
     * derives, so it is masked like the password itself wherever a server echoes it back.
     */
    static String basic(String user, String password) {
        String encoded = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        dev.sluice.block.Secret.of(encoded).reveal(); // registers the derived form with the masker
        return encoded;
    }

    private static List<String> secretValues(@Nullable HttpAuth auth) {
        List<String> out = new ArrayList<>();
        if (auth instanceof BearerToken t) {
            out.add(t.token().reveal());
        } else if (auth instanceof BasicAuth a) {
            out.add(a.password().reveal());
            out.add(basic(a.username(), a.password().reveal()));
        } else if (auth instanceof ApiKey k) {
            out.add(k.key().reveal());
        } else if (auth instanceof OAuth2ClientCredentials o) {
            out.add(o.clientSecret().reveal());
        }
        return List.copyOf(out);
    }
}
