package dev.sluice.server.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.block.Secret;
import dev.sluice.history.HistoryException;
import dev.sluice.server.Role;
import dev.sluice.server.ServerException;
import dev.sluice.server.internal.Auth.Principal;
import dev.sluice.server.internal.Views.ErrorView;
import dev.sluice.server.internal.Views.PageContext;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What every route shares: registration with its role, the checks of who is asking and of CSRF, errors, rendering. */
final class Web {
    private static final Logger LOG = LoggerFactory.getLogger("dev.sluice.server");

    /** A route's work, once the role and CSRF checks passed. */
    @FunctionalInterface
    interface Action {
        void handle(Context ctx, @Nullable Principal who) throws Exception;
    }

    private final Auth auth;
    private final TemplateEngine templates;
    private final HostCheck hosts;
    private final FileGuard file;
    private final List<RouteDef> routes = new ArrayList<>();

    Web(Auth auth, TemplateEngine templates, HostCheck hosts, FileGuard file) {
        this.auth = auth;
        this.templates = templates;
        this.hosts = hosts;
        this.file = file;
    }

    /** Why the database file cannot be used now (deleted or replaced under the server), or null. */
    @Nullable String fileProblem() {
        return file.problem();
    }

    /** Whether whoever made {@code ctx} may still read, asked again later (see {@link Auth#stillAllowed}). */
    java.util.function.BooleanSupplier stillAllowed(Context ctx) {
        return auth.stillAllowed(ctx);
    }

    List<RouteDef> routes() {
        return List.copyOf(routes);
    }

    /** The methods routes answer at {@code path} (GET with HEAD), for a 405's {@code Allow}. */
    List<String> methodsOf(String requested) {
        // Javalin matches a path with trailing slashes as the path without them (/api/keys/ is /api/keys)
        String path = requested.length() > 1 ? requested.replaceAll("/+$", "") : requested;
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (RouteDef d : routes) {
            String pattern = java.util.Arrays.stream(d.path().split("/", -1))
                    .map(part -> part.startsWith("{") && part.endsWith("}") ? "[^/]+" : java.util.regex.Pattern.quote(part))
                    .collect(java.util.stream.Collectors.joining("/"));
            if (path.matches(pattern)) {
                out.add(d.method());
                if (d.method().equals("GET")) {
                    out.add("HEAD");
                }
            }
        }
        return List.copyOf(out);
    }

    void route(io.javalin.config.RoutesConfig r, String method, String path, @Nullable Role role, boolean api,
            String summary, List<String> query, String response, Action action) {
        routes.add(new RouteDef(method, path, role, api, summary, query, response));
        io.javalin.http.Handler handler = ctx -> handle(ctx, role, api, action);
        switch (method) {
            case "GET" -> {
                r.get(path, handler);
                // HEAD through the same checks and answer (the server drops the body): Javalin's own HEAD for a GET
                // route answers an empty 200 without running it, whatever the key, the run or the parameters
                r.head(path, handler);
            }
            case "POST" -> r.post(path, handler);
            case "DELETE" -> r.delete(path, handler);
            default -> throw new IllegalArgumentException(method);
        }
    }

    private void handle(Context ctx, @Nullable Role role, boolean api, Action action) {
        long start = System.nanoTime();
        try {
            String wrongHost = hosts.refusal(ctx);
            if (wrongHost != null) {
                error(ctx, 403, "Forbidden", wrongHost);
                return;
            }
            String gone = ctx.path().startsWith("/static/") ? null : file.problem();
            if (gone != null) {
                error(ctx, 503, "Database file gone", gone); // before any key is looked up in the file left behind
                return;
            }
            Principal who = auth.principal(ctx).orElse(null);
            if (role != null) {
                if (who == null) {
                    if (api) {
                        ctx.header("WWW-Authenticate", "Bearer realm=\"sluice\"");
                        error(ctx, 401, "Unauthorized", "an API key is needed: send 'Authorization: Bearer <key>'");
                    } else {
                        String next = ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
                        ctx.redirect("/login?next=" + RunFilter.enc(next), io.javalin.http.HttpStatus.SEE_OTHER);
                    }
                    return;
                }
                if (!who.role().allows(role)) {
                    error(ctx, 403, "Forbidden", "this needs the " + role.id() + " role; your key '" + who.name()
                            + "' has the " + who.role().id() + " role");
                    return;
                }
            }
            HandlerType m = ctx.method();
            if (ctx.req().getContentLengthLong() > WebApp.MAX_BODY_BYTES) {
                // refused by its declared length before any of it is read (by the CSRF check of a form, say)
                throw new io.javalin.http.ContentTooLargeResponse();
            }
            if (m != HandlerType.GET && m != HandlerType.HEAD && m != HandlerType.OPTIONS) {
                String crossSite = who != null && who.bearer() ? null : HostCheck.crossSite(ctx);
                if (crossSite != null) {
                    error(ctx, 403, "Forbidden", crossSite);
                    return;
                }
                if (!auth.csrfOk(ctx, who)) {
                    error(ctx, 403, "Forbidden", "the CSRF token is missing or wrong: reload the page and try again"
                            + " (API clients: send 'Authorization: Bearer <key>')");
                    return;
                }
            }
            String query = ctx.queryString();
            if (query != null && !wellEscaped(query)) {
                // the server's parser drops a query it cannot decode: its filters would be left out, not refused
                throw HttpError.badRequest("the query string is not valid: every '%' must be followed by two hex digits"
                        + " (send a '%' itself as %25)");
            }
            action.handle(ctx, who);
        } catch (HttpError e) {
            String title = switch (e.status) {
                case 404 -> "Not found";
                case 406 -> "Not acceptable";
                case 409 -> "Conflict";
                case 503 -> "Unavailable";
                default -> e.status == 400 ? "Bad request" : title(e.status);
            };
            error(ctx, e.status, title, e.getMessage());
        } catch (io.javalin.http.HttpResponseException e) {
            // Javalin's own refusals (a body over its limit: 413) keep their status, as any other error answer
            int status = e.getStatus();
            LOG.debug("{} {}: {} {}", ctx.method(), ctx.path(), status, e.getMessage());
            if (status == 413) {
                drain(ctx);
            }
            error(ctx, status, title(status), status == 413
                    ? "the request body is larger than the server takes (" + WebApp.MAX_BODY_BYTES / 1_000_000 + " MB)"
                    : Fmt.cut(Secret.mask(e.getMessage()), 300));
        } catch (dev.sluice.scheduler.DeploymentNotFoundException e) {
            error(ctx, 404, "Not found", Fmt.cut(e.getMessage(), 2_000));
        } catch (IllegalArgumentException e) {
            error(ctx, 400, "Bad request", Secret.mask(e.getMessage()));
        } catch (HistoryException | ServerException | dev.sluice.scheduler.SchedulerDatabaseException e) {
            LOG.warn("database unavailable: {}", Secret.mask(e.getMessage()));
            if (corrupted(e)) {
                // no use trying again in a moment: say what is wrong (the log names the file)
                error(ctx, 503, "Database corrupted", "the server's database file is corrupted (SQLite answers that the"
                        + " database disk image is malformed); restore it from a backup, or move it away and restart the"
                        + " server (a new, empty one is made)");
                return;
            }
            ctx.header("Retry-After", "5");
            error(ctx, 503, "Database unavailable", "the database cannot be reached just now; try again in a moment");
        } catch (Exception e) {
            if (multipartTooLarge(e)) {
                // a multipart form sent without a length (chunked), stopped by the parts' limit: 413 as any other body
                LOG.debug("{} {}: 413 {}", ctx.method(), ctx.path(), e.toString());
                drain(ctx);
                error(ctx, 413, title(413), "the request body is larger than the server takes ("
                        + WebApp.MAX_BODY_BYTES / 1_000_000 + " MB)");
                return;
            }
            org.eclipse.jetty.http.BadMessageException bad = badMessage(e);
            if (bad != null && bad.getCode() >= 400 && bad.getCode() < 500) {
                // a body the server could not read as what it says it is (a broken multipart form): the client's mistake
                LOG.debug("{} {}: {} {}", ctx.method(), ctx.path(), bad.getCode(), e.toString());
                ctx.header("Connection", "close"); // the rest of the body is not read: the connection cannot be used again
                error(ctx, bad.getCode(), title(bad.getCode()), "the request body could not be read as its Content-Type says ("
                        + Fmt.cut(Secret.mask(String.valueOf(bad.getReason())), 200) + ")");
                return;
            }
            LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
            error(ctx, 500, "Server error", "something went wrong on the server: " + e.getClass().getSimpleName());
        } finally {
            // every answer to a route, errors and refusals too (a streamed answer has sent its headers already)
            if (!ctx.res().isCommitted()) {
                ctx.header("Server-Timing", serverTiming(System.nanoTime() - start));
            }
        }
    }

    /** Whether {@code e} is the multipart parser refusing a body or a part over the limit set in {@link WebApp}. */
    static boolean multipartTooLarge(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (t instanceof IllegalStateException && (m.startsWith("max length exceeded") || m.contains("max file size")
                    || m.contains("exceeds max"))) {
                return true;
            }
        }
        return false;
    }

    /** Jetty's refusal of a request it could not read, in {@code e}'s causes, or null. */
    static org.eclipse.jetty.http.@Nullable BadMessageException badMessage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof org.eclipse.jetty.http.BadMessageException bad) {
                return bad;
            }
        }
        return null;
    }

    /** Whether {@code e} says the SQLite file is corrupted or no database. */
    static boolean corrupted(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (m.contains("SQLITE_CORRUPT") || m.contains("SQLITE_NOTADB") || m.contains("is corrupted or not a SQLite")) {
                return true;
            }
        }
        return false;
    }

    /** Whether every {@code %} of {@code query} starts an escape of two hex digits. */
    static boolean wellEscaped(String query) {
        for (int i = 0; i < query.length(); i++) {
            if (query.charAt(i) == '%') {
                if (i + 2 >= query.length() || Character.digit(query.charAt(i + 1), 16) < 0
                        || Character.digit(query.charAt(i + 2), 16) < 0) {
                    return false;
                }
                i += 2;
            }
        }
        return true;
    }

    /** The reason phrase of {@code status}, such as {@code Content Too Large}. */
    /** The most of a refused body read and dropped, so that the client gets the refusal (see {@link #drain}). */
    private static final long DRAIN_BYTES = 16_000_000;

    /**
     * Reads and drops the body of a request refused as too large (up to {@link #DRAIN_BYTES}) and closes the
     * connection after the answer: a client still sending its body when the server closed would get a broken pipe
     * instead of the 413 (the JDK's HTTP client does). A larger body is cut off, as before.
     */
    private static void drain(Context ctx) {
        ctx.header("Connection", "close");
        try (java.io.InputStream in = ctx.req().getInputStream()) {
            byte[] buffer = new byte[64 * 1024];
            long left = DRAIN_BYTES;
            int n;
            while (left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0) {
                left -= n;
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("{} {}: the refused body could not be read to its end: {}", ctx.method(), ctx.path(), e.toString());
        }
    }

    static String title(int status) {
        io.javalin.http.HttpStatus s = io.javalin.http.HttpStatus.forStatus(status);
        return s == io.javalin.http.HttpStatus.UNKNOWN ? "Error " + status : s.getMessage();
    }

    /** The id of a part of a page that refreshes itself, as an error answer repeats it. */
    private static final java.util.regex.Pattern POLLED_PART = java.util.regex.Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");

    void error(Context ctx, int status, String title, String message) {
        boolean api = apiPath(ctx.path());
        if (api) {
            ObjectNode body = Json.MAPPER.createObjectNode().put("status", status).put("error", title).put("message", message);
            ctx.status(status).contentType("application/json").result(Json.write(body));
        } else {
            renderError(ctx, status, title, message);
        }
    }

    /** Whether {@code path} is the JSON API's ({@code /api} itself too), whose errors are JSON, not pages. */
    static boolean apiPath(String path) {
        return path.equals("/api") || path.startsWith("/api/");
    }

    void renderError(Context ctx, int status, String title, String message) {
        if (apiPath(ctx.path())) {
            ObjectNode body = Json.MAPPER.createObjectNode().put("status", status).put("error", title).put("message", message);
            ctx.status(status).contentType("application/json").result(Json.write(body));
            return;
        }
        Principal who = null;
        try {
            who = auth.principal(ctx).orElse(null);
        } catch (RuntimeException e) {
            // the database is down: render without a user
        }
        ctx.status(status);
        // a part of a page that refreshes itself (htmx polling an element by its id, the element its own target) is
        // swapped for this answer's element of that id: without one the part would vanish and never refresh again
        String part = ctx.header("HX-Trigger");
        boolean polling = "true".equals(ctx.header("HX-Request")) && part != null && part.equals(ctx.header("HX-Target"))
                && POLLED_PART.matcher(part).matches() && "GET".equals(ctx.method().name());
        String href = ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
        render(ctx, "error.jte", page(ctx, who, title, ""),
                new ErrorView(status, title, message, polling ? part : null, polling ? href : null));
    }

    /** {@code app;dur=1.234} (milliseconds), without the cost of a formatter on every request. */
    static String serverTiming(long nanos) {
        long micros = Math.max(0, nanos / 1_000);
        long frac = micros % 1_000;
        return "app;dur=" + micros / 1_000 + (frac < 10 ? ".00" : frac < 100 ? ".0" : ".") + frac;
    }

    static void securityHeaders(Context ctx) {
        ctx.header("Content-Security-Policy", WebApp.CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "same-origin");
        ctx.header("Cache-Control", "no-store");
    }

    PageContext page(Context ctx, @Nullable Principal who, String title, String nav) {
        String csrf = auth.csrf(ctx);
        return new PageContext(title, nav, who == null ? null : who.name(), who == null ? "" : who.role().id(),
                who != null && who.open(), who != null && who.session(), csrf, who != null && who.role().allows(Role.ADMIN));
    }

    void render(Context ctx, String template, PageContext page, Object view) {
        render(ctx, template, page, view, null);
    }

    /**
     * Renders {@code template}, every value it writes masked ({@link MaskingHtmlOutput}) but {@code shownOnce} (a new
     * API key's token, which the page shows once).
     */
    void render(Context ctx, String template, PageContext page, Object view, @Nullable String shownOnce) {
        StringOutput out = new StringOutput(8192);
        templates.render(template, Map.of("page", page, "view", view), new MaskingHtmlOutput(out, shownOnce));
        ctx.contentType("text/html; charset=utf-8").result(out.toString());
    }

    static void json(Context ctx, Object value) {
        ctx.contentType("application/json").result(Json.write(value));
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }

    /**
     * The text of {@code field} in a request's JSON body, or null when it is left out or null: a number, a list, an
     * object or a boolean is a {@code 400} naming the field, not taken as its text (nor, for a list, as left out).
     */
    static @Nullable String text(com.fasterxml.jackson.databind.JsonNode body, String field) {
        com.fasterxml.jackson.databind.JsonNode value = body.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw HttpError.badRequest(field + " must be a text (a JSON string), was " + Fmt.cut(value.toString(), 40));
        }
        return value.asText();
    }

    /**
     * The JSON object a request of the API carries: an empty body is {@code {}} (an action's defaults); any
     * other body must say it is JSON ({@code 415} otherwise) and be an object like {@code example} with no field but
     * {@code fields} ({@code 400}: a mistyped field would otherwise be left out quietly, and an action done without it).
     */
    static com.fasterxml.jackson.databind.JsonNode jsonBody(Context ctx, String example, String... fields) {
        String text = ctx.body();
        if (text.isBlank()) {
            return Json.MAPPER.createObjectNode();
        }
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new HttpError(415, "the body must be sent as application/json (Content-Type), was "
                    + (type == null ? "none" : "'" + type + "'"));
        }
        try {
            // one JSON value and nothing after it, each field once: "{...} {...}" or a field given twice is ambiguous
            com.fasterxml.jackson.databind.JsonNode body = Json.MAPPER.reader()
                    .with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .with(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                    // a number keeps the digits it was sent with (1e400 is not Infinity, 0.1 not the nearest double)
                    .with(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).readTree(text);
            if (!body.isObject()) {
                throw HttpError.badRequest("the body must be a JSON object like " + example);
            }
            List<String> known = List.of(fields);
            List<String> unknown = new ArrayList<>();
            body.fieldNames().forEachRemaining(f -> {
                if (!known.contains(f)) {
                    unknown.add("'" + Fmt.cut(f, 40) + "'");
                }
            });
            if (!unknown.isEmpty()) {
                throw HttpError.badRequest("unknown field" + (unknown.size() == 1 ? " " : "s ") + String.join(", ", unknown)
                        + " in the body; " + (known.isEmpty() ? "it takes none: send no body, or " + example
                        : "it takes " + String.join(", ", known) + ", like " + example));
            }
            return body;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            String why = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
            java.util.regex.Matcher twice = java.util.regex.Pattern.compile("^Duplicate field '(.*)'$", java.util.regex.Pattern.DOTALL)
                    .matcher(why);
            if (twice.matches()) {
                throw HttpError.badRequest("the field '" + Fmt.cut(twice.group(1), 40) + "' is given twice in the body; give it once, like "
                        + example);
            }
            if (why.startsWith("Trailing token")) {
                throw HttpError.badRequest("the body has more after its JSON object; send one object, like " + example);
            }
            throw HttpError.badRequest("the body is not valid JSON" + where(e) + "; send JSON like " + example);
        }
    }

    /**
     * Where and why the parser stopped, such as {@code  at line 1, column 12 (Unexpected end-of-input)}: the parser's
     * own reason up to its first colon (what follows repeats the input, or says where a marker started).
     */
    private static String where(com.fasterxml.jackson.core.JsonProcessingException e) {
        com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
        String place = at == null || at.getLineNr() < 1 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        String reason = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().strip();
        int colon = reason.indexOf(": ");
        reason = (colon > 0 ? reason.substring(0, colon) : reason).lines().findFirst().orElse("").strip();
        return place + (reason.isEmpty() ? "" : " (" + Fmt.cut(reason, 120) + ")");
    }
}
