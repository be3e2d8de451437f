package dev.sluice.server.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.State;
import dev.sluice.block.Secret;
import dev.sluice.history.FlowRunDetail;
import dev.sluice.history.FlowRunQuery;
import dev.sluice.history.FlowRunSummary;
import dev.sluice.history.History;
import dev.sluice.history.HistoryException;
import dev.sluice.history.LogEntry;
import dev.sluice.history.LogQuery;
import dev.sluice.history.Page;
import dev.sluice.history.RunSort;
import dev.sluice.history.StateCount;
import dev.sluice.history.TaskRunQuery;
import dev.sluice.history.TaskRunSummary;
import dev.sluice.server.ApiKey;
import dev.sluice.server.NewApiKey;
import dev.sluice.server.Role;
import dev.sluice.server.ServerException;
import dev.sluice.server.internal.Auth.Principal;
import dev.sluice.server.internal.Views.BlocksView;
import dev.sluice.server.internal.Views.ErrorRow;
import dev.sluice.server.internal.Views.ErrorView;
import dev.sluice.server.internal.Views.Field;
import dev.sluice.server.internal.Views.KeysView;
import dev.sluice.server.internal.Views.LogRow;
import dev.sluice.server.internal.Views.LogsView;
import dev.sluice.server.internal.Views.LoginView;
import dev.sluice.server.internal.Views.PageContext;
import dev.sluice.server.internal.Views.RunRow;
import dev.sluice.server.internal.Views.RunView;
import dev.sluice.server.internal.Views.RunsView;
import dev.sluice.server.internal.Views.StateRow;
import dev.sluice.server.internal.Views.TaskRow;
import dev.sluice.server.internal.Views.TreeNode;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.InputStream;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The server's routes, pages and API on Javalin. */
public final class WebApp {
    private static final Logger LOG = LoggerFactory.getLogger("dev.sluice.server");
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";
    private static final String HTMX = "META-INF/resources/webjars/htmx.org/2.0.4/dist/htmx.min.js";
    private static final String SSE = "META-INF/resources/webjars/htmx-ext-sse/2.2.2/sse.js";

    /** The settings of one server. */
    public record Settings(String host, int port, History history, KeyStore keys, dev.sluice.block.BlockStore blockStore,
            boolean loopback, boolean requireKeys, Duration sessionTimeout, int loginAttemptsPerMinute, boolean secureCookies,
            Duration listCache, Clock clock) {
    }

    @FunctionalInterface
    interface Action {
        void handle(Context ctx, Principal who) throws Exception;
    }

    private final Settings settings;
    private final History history;
    private final Auth auth;
    private final BlockViews blocks;
    private final RunParameters parameters;
    private final LogStreams streams;
    private final TemplateEngine templates = TemplateEngine.createPrecompiled(null, ContentType.Html,
            WebApp.class.getClassLoader(), "dev.sluice.server.internal.templates");
    private static final long CHART_CACHE_MILLIS = 15_000;
    private final Map<String, Counts> chartCache = new ConcurrentHashMap<>();
    private final Map<String, RunsData> runsCache = new ConcurrentHashMap<>();
    private final List<RouteDef> routes = new ArrayList<>();
    private final Map<String, byte[]> staticFiles = new ConcurrentHashMap<>();
    private final Javalin app;

    private WebApp(Settings settings) {
        this.settings = settings;
        this.history = settings.history();
        this.auth = new Auth(settings.keys(), settings.loopback(), settings.requireKeys(), settings.sessionTimeout(),
                settings.loginAttemptsPerMinute(), settings.secureCookies(), settings.clock());
        this.blocks = new BlockViews(settings.blockStore());
        this.parameters = new RunParameters(settings.keys().dataSource());
        this.streams = new LogStreams(history, parameters);
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jetty.host = settings.host();
            config.jetty.port = settings.port();
            config.routes.before(ctx -> securityHeaders(ctx));
            config.routes.error(404, ctx -> {
                if (ctx.result() == null || ctx.result().isEmpty() || ctx.result().startsWith("Endpoint ")) {
                    renderError(ctx, 404, "Not found", "nothing at " + Fmt.cut(ctx.path(), 200));
                }
            });
            config.routes.error(405, ctx -> renderError(ctx, 405, "Method not allowed", ctx.method() + " is not allowed here"));
            register(config.routes);
        });
    }

    /** Starts a server with {@code settings}. */
    public static WebApp start(Settings settings) {
        WebApp web = new WebApp(settings);
        try {
            web.app.start();
        } catch (RuntimeException e) {
            web.streams.close();
            throw new ServerException("cannot start the server on " + settings.host() + ":" + settings.port() + ": "
                    + rootMessage(e) + "; is another server using the port? Choose another with port(...)", e);
        }
        return web;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }

    /** The port bound. */
    public int port() {
        return app.port();
    }

    /** Every route, as the OpenAPI document lists them. */
    public List<RouteDef> routes() {
        return List.copyOf(routes);
    }

    /** Stops serving. */
    public void stop() {
        streams.close();
        app.stop();
    }

    // ---------------------------------------------------------------- routes

    private void register(io.javalin.config.RoutesConfig r) {
        route(r, "GET", "/", null, false, "Redirects to the runs page", List.of(), "", (ctx, who) -> ctx.redirect("/runs"));
        route(r, "GET", "/static/{file}", null, false, "Style sheet and scripts", List.of(), "", this::staticFile);
        route(r, "GET", "/login", null, false, "The login form", List.of("next"), "", this::loginPage);
        route(r, "POST", "/login", null, false, "Logs in with an API key: a session cookie", List.of(), "", this::login);
        route(r, "POST", "/logout", null, false, "Ends the session", List.of(), "", this::logout);
        route(r, "GET", "/runs", Role.VIEWER, false, "Flow runs, filtered", List.of(), "", this::runsPage);
        route(r, "GET", "/runs/activity.svg", Role.VIEWER, false, "The activity chart of the runs filters, as an SVG image",
                List.of("window"), "", this::activitySvg);
        route(r, "GET", "/runs/{id}", Role.VIEWER, false, "One flow run", List.of("tasks_after"), "", this::runPage);
        route(r, "GET", "/runs/{id}/logs", Role.VIEWER, false, "A page of a run's log lines", List.of("after"), "", this::logsPage);
        route(r, "GET", "/runs/{id}/logs/live", Role.VIEWER, false, "A run's new log lines as HTML server-sent events",
                List.of("after"), "", (ctx, who) -> logStream(ctx, true));
        route(r, "GET", "/blocks", Role.VIEWER, false, "Saved blocks, secrets masked", List.of(), "", this::blocksPage);
        route(r, "POST", "/blocks/{type}/{name}/delete", Role.ADMIN, false, "Deletes a saved block", List.of(), "",
                this::blockDelete);
        route(r, "GET", "/keys", Role.ADMIN, false, "API keys", List.of(), "", this::keysPage);
        route(r, "POST", "/keys", Role.ADMIN, false, "Creates an API key", List.of(), "", this::keysCreate);
        route(r, "POST", "/keys/{id}/revoke", Role.ADMIN, false, "Revokes an API key", List.of(), "", this::keysRevoke);

        List<String> filters = List.of("flow", "name", "tag", "state", "range", "from", "to", "top", "limit", "after");
        route(r, "GET", "/api/openapi.json", null, true, "This document", List.of(), "", this::openApi);
        route(r, "GET", "/api/me", Role.VIEWER, true, "Who is asking, with what role", List.of(), "Me", this::me);
        route(r, "GET", "/api/runs", Role.VIEWER, true, "Flow runs matching the filters, one keyset page", filters,
                "RunPage", this::apiRuns);
        route(r, "GET", "/api/runs/{id}", Role.VIEWER, true, "One flow run with its states, parameters, error and first pages",
                List.of(), "RunDetail", this::apiRun);
        route(r, "GET", "/api/runs/{id}/task-runs", Role.VIEWER, true, "A page of a flow run's task runs, in start order",
                List.of("after", "limit"), "TaskRunPage", this::apiTaskRuns);
        route(r, "GET", "/api/runs/{id}/subflow-runs", Role.VIEWER, true, "A page of a flow run's subflow runs",
                List.of("after", "limit"), "RunPage", this::apiSubflows);
        route(r, "GET", "/api/runs/{id}/logs", Role.VIEWER, true, "A page of a run's log lines, oldest first",
                List.of("after", "limit"), "LogPage", this::apiLogs);
        route(r, "GET", "/api/runs/{id}/logs/stream", Role.VIEWER, true,
                "A run's log lines as server-sent events (event 'log', id = line), then 'end' when the run has ended",
                List.of("after"), "", (ctx, who) -> logStream(ctx, false));
        route(r, "GET", "/api/activity", Role.VIEWER, true, "Flow runs per time bucket and state (the activity chart)",
                List.of("window", "flow", "name", "tag", "state"), "Activity", this::apiActivity);
        route(r, "GET", "/api/blocks", Role.VIEWER, true, "Saved blocks with their non-secret fields", List.of(),
                "Blocks", this::apiBlocks);
        route(r, "DELETE", "/api/blocks/{type}/{name}", Role.ADMIN, true, "Deletes a saved block", List.of(), "",
                this::apiBlockDelete);
        route(r, "GET", "/api/keys", Role.ADMIN, true, "API keys (never the keys themselves)", List.of(), "Keys",
                this::apiKeys);
        route(r, "POST", "/api/keys", Role.ADMIN, true, "Creates an API key; the answer holds it, once", List.of(),
                "NewKey", this::apiKeyCreate);
        route(r, "DELETE", "/api/keys/{id}", Role.ADMIN, true, "Revokes an API key", List.of(), "", this::apiKeyRevoke);
    }

    private void route(io.javalin.config.RoutesConfig r, String method, String path, @Nullable Role role, boolean api,
            String summary, List<String> query, String response, Action action) {
        routes.add(new RouteDef(method, path, role, api, summary, query, response));
        io.javalin.http.Handler handler = ctx -> handle(ctx, role, api, action);
        switch (method) {
            case "GET" -> r.get(path, handler);
            case "POST" -> r.post(path, handler);
            case "DELETE" -> r.delete(path, handler);
            default -> throw new IllegalArgumentException(method);
        }
    }

    private void handle(Context ctx, @Nullable Role role, boolean api, Action action) {
        try {
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
            if (m != HandlerType.GET && m != HandlerType.HEAD && m != HandlerType.OPTIONS && !auth.csrfOk(ctx, who)) {
                error(ctx, 403, "Forbidden", "the CSRF token is missing or wrong: reload the page and try again"
                        + " (API clients: send 'Authorization: Bearer <key>')");
                return;
            }
            long start = System.nanoTime();
            action.handle(ctx, who);
            ctx.header("Server-Timing", String.format(java.util.Locale.ROOT, "app;dur=%.2f", (System.nanoTime() - start) / 1e6));
        } catch (HttpError e) {
            String title = switch (e.status) {
                case 404 -> "Not found";
                case 409 -> "Conflict";
                case 503 -> "Unavailable";
                default -> "Bad request";
            };
            error(ctx, e.status, title, e.getMessage());
        } catch (IllegalArgumentException e) {
            error(ctx, 400, "Bad request", Secret.mask(e.getMessage()));
        } catch (HistoryException | ServerException e) {
            LOG.warn("database unavailable: {}", Secret.mask(e.getMessage()));
            ctx.header("Retry-After", "5");
            error(ctx, 503, "Database unavailable", "the database cannot be reached just now; try again in a moment");
        } catch (Exception e) {
            LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
            error(ctx, 500, "Server error", "something went wrong on the server: " + e.getClass().getSimpleName());
        }
    }

    private void error(Context ctx, int status, String title, String message) {
        boolean api = ctx.path().startsWith("/api/");
        if (api) {
            ObjectNode body = Json.MAPPER.createObjectNode().put("status", status).put("error", title).put("message", message);
            ctx.status(status).contentType("application/json").result(Json.write(body));
        } else {
            renderError(ctx, status, title, message);
        }
    }

    private void renderError(Context ctx, int status, String title, String message) {
        if (ctx.path().startsWith("/api/")) {
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
        render(ctx, "error.jte", page(ctx, who, title, ""), new ErrorView(status, title, message));
    }

    private static void securityHeaders(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "same-origin");
        ctx.header("Cache-Control", "no-store");
    }

    private PageContext page(Context ctx, @Nullable Principal who, String title, String nav) {
        String csrf = auth.csrf(ctx);
        return new PageContext(title, nav, who == null ? null : who.name(), who == null ? "" : who.role().id(),
                who != null && who.open(), who != null && who.session(), csrf, who != null && who.role().allows(Role.ADMIN));
    }

    private void render(Context ctx, String template, PageContext page, Object view) {
        StringOutput out = new StringOutput(8192);
        templates.render(template, Map.of("page", page, "view", view), out);
        ctx.contentType("text/html; charset=utf-8").result(out.toString());
    }

    private static void json(Context ctx, Object value) {
        ctx.contentType("application/json").result(Json.write(value));
    }

    // ---------------------------------------------------------------- static files

    private void staticFile(Context ctx, @Nullable Principal who) {
        String file = ctx.pathParam("file");
        String resource = switch (file) {
            case "htmx.min.js" -> HTMX;
            case "sse.js" -> SSE;
            case "sluice.css", "sluice.js" -> "dev/sluice/server/static/" + file;
            default -> throw HttpError.notFound("no static file " + Fmt.cut(file, 80));
        };
        byte[] bytes = staticFiles.computeIfAbsent(resource, res -> {
            try (InputStream in = WebApp.class.getClassLoader().getResourceAsStream(res)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + res);
                }
                return in.readAllBytes();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        ctx.header("Cache-Control", "public, max-age=3600");
        ctx.contentType(file.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8");
        ctx.result(bytes);
    }

    // ---------------------------------------------------------------- login

    private static String safeNext(@Nullable String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) {
            return "/runs";
        }
        return next;
    }

    private void loginPage(Context ctx, @Nullable Principal who) {
        render(ctx, "login.jte", page(ctx, who, "Log in", "login"), new LoginView(safeNext(ctx.queryParam("next")), null));
    }

    private void login(Context ctx, @Nullable Principal who) {
        String next = safeNext(ctx.formParam("next"));
        if (!auth.loginAllowed(ctx.ip())) {
            ctx.status(429).header("Retry-After", "60");
            render(ctx, "login.jte", page(ctx, who, "Log in", "login"),
                    new LoginView(next, "Too many failed attempts from this address: wait a minute."));
            return;
        }
        String key = ctx.formParam("key");
        Optional<ApiKey> k = auth.login(ctx, key == null ? "" : key.strip());
        if (k.isEmpty()) {
            ctx.status(401);
            render(ctx, "login.jte", page(ctx, null, "Log in", "login"), new LoginView(next, "That key is not valid."));
            return;
        }
        ctx.redirect(next, io.javalin.http.HttpStatus.SEE_OTHER);
    }

    private void logout(Context ctx, @Nullable Principal who) {
        auth.logout(ctx);
        ctx.redirect("/login", io.javalin.http.HttpStatus.SEE_OTHER);
    }

    // ---------------------------------------------------------------- runs

    /** A page of runs with their stored parameters, and what was made of it, kept for {@code listCache}. */
    private static final class RunsData {
        final Page<FlowRunSummary> page;
        final Map<String, String> params;
        final long at;
        volatile @Nullable String json;
        volatile @Nullable List<RunRow> rows;

        RunsData(Page<FlowRunSummary> page, Map<String, String> params, long at) {
            this.page = page;
            this.params = params;
            this.at = at;
        }
    }

    /**
     * The page of runs of {@code filter}: read, or taken from what an identical request read less than
     * {@code listCache} ago (many people, or a dashboard polling, ask the same question).
     */
    private RunsData runsData(RunFilter filter) {
        long ttl = settings.listCache().toNanos();
        String key = filter.queryString(filter.after());
        long now = System.nanoTime();
        if (ttl > 0) {
            RunsData cached = runsCache.get(key);
            if (cached != null && now - cached.at < ttl) {
                return cached;
            }
        }
        Page<FlowRunSummary> page = runs(filter);
        RunsData data = new RunsData(page, parameters.raw(page.items().stream().map(FlowRunSummary::id).toList()), now);
        if (ttl > 0) {
            if (runsCache.size() > 1_000) {
                runsCache.clear();
            }
            runsCache.put(key, data);
        }
        return data;
    }

    private Page<FlowRunSummary> runs(RunFilter filter) {
        FlowRunQuery q = filter.query(settings.clock());
        if (filter.after() != null) {
            q = q.after(filter.after());
        }
        return history.flowRuns(q);
    }

    private RunRow row(FlowRunSummary r, Map<String, @Nullable Object> params) {
        return new RunRow(r.id(), r.state().name(), r.flowName(), r.name(), Fmt.tags(r.tags()), Fmt.params(params, 80),
                Fmt.time(r.startTime() != null ? r.startTime() : r.createdAt()), Fmt.duration(r.duration()), r.parentFlowRunId());
    }

    private void runsPage(Context ctx, Principal who) {
        RunFilter filter = RunFilter.parse(ctx);
        RunsData data = runsData(filter);
        Page<FlowRunSummary> page = data.page;
        List<RunRow> rows = data.rows;
        if (rows == null) {
            rows = page.items().stream().map(r -> row(r, RunParameters.parse(data.params.get(r.id())))).toList();
            data.rows = rows;
        }
        String next = page.nextCursor() == null ? null : "/runs" + filter.queryString(page.nextCursor());
        List<String> states = Arrays.stream(State.values()).map(State::name).toList();
        String chartQuery = filter.chartQueryString();
        String chart24 = "/runs/activity.svg?window=24h" + chartQuery;
        String chart7 = "/runs/activity.svg?window=7d" + chartQuery;
        render(ctx, "runs.jte", page(ctx, who, "Runs", "runs"), new RunsView(filter, rows, next, chart24, chart7, states));
    }

    private record Window(Duration span, Duration bucket, int buckets, String label) {
    }

    private static Window window(Context ctx) {
        String window = Optional.ofNullable(ctx.queryParam("window")).orElse("24h");
        return switch (window) {
            case "24h" -> new Window(Duration.ofHours(24), Duration.ofHours(1), 24, "flow runs per hour, last 24 hours");
            case "7d" -> new Window(Duration.ofDays(7), Duration.ofHours(6), 28, "flow runs per 6 hours, last 7 days");
            default -> throw HttpError.badRequest("window must be 24h or 7d, was '" + Fmt.cut(window, 20) + "'");
        };
    }

    private record Counts(Instant from, Instant to, List<StateCount> counts, long at) {
    }

    /**
     * The counts of a chart, kept {@value #CHART_CACHE_MILLIS} ms per window and filters: a dashboard
     * left open, or many people looking at once, count once.
     */
    private Counts counts(RunFilter filter, Window w) {
        long now = System.nanoTime();
        String key = w.label() + filter.chartQueryString();
        Counts cached = chartCache.get(key);
        if (cached != null && now - cached.at() < CHART_CACHE_MILLIS * 1_000_000L) {
            return cached;
        }
        Instant end = settings.clock().instant().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
        Instant from = end.minus(w.span());
        Counts counts = new Counts(from, end, history.stateCounts(filter.query(settings.clock()), from, end, w.bucket()), now);
        if (chartCache.size() > 1_000) {
            chartCache.clear();
        }
        chartCache.put(key, counts);
        return counts;
    }

    private void activitySvg(Context ctx, Principal who) {
        RunFilter filter = RunFilter.parse(ctx);
        Window w = window(ctx);
        Counts c = counts(filter, w);
        ctx.header("Cache-Control", "private, max-age=15");
        ctx.contentType("image/svg+xml; charset=utf-8").result(Charts.activity("chart-" + ctx.queryParam("window"),
                c.counts(), c.from(), w.bucket(), w.buckets(), w.label()));
    }

    private FlowRunDetail detail(Context ctx) {
        String id = ctx.pathParam("id");
        if (id.length() > 64 || !id.matches("[A-Za-z0-9_.:-]+")) {
            throw HttpError.badRequest("run id must be up to 64 letters, digits, '-', '_', '.' or ':', was '" + Fmt.cut(id, 64) + "'");
        }
        return history.flowRun(id).orElseThrow(() -> HttpError.notFound("no flow run with id " + id
                + " in this history (it may have been purged by retention)"));
    }

    private static LogRow logRow(LogEntry e) {
        return new LogRow(e.line(), Fmt.time(e.time()), e.level(), Secret.mask(e.message()),
                e.error() == null ? null : Secret.mask(e.error()));
    }

    private static TaskRow taskRow(TaskRunSummary t) {
        return new TaskRow(t.id(), t.name(), t.taskName(), t.state().name(),
                Fmt.time(t.startTime() != null ? t.startTime() : t.createdAt()), Fmt.duration(t.duration()), t.attempts());
    }

    private static long afterParam(Context ctx, String name) {
        String a = ctx.queryParam(name);
        if (a == null || a.isBlank()) {
            String last = ctx.header("Last-Event-ID");
            a = name.equals("after") && last != null ? last : "0";
        }
        try {
            long v = Long.parseLong(a.strip());
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw HttpError.badRequest(name + " must be a line number >= 0, was '" + Fmt.cut(a, 40) + "'");
        }
    }

    private static int limitParam(Context ctx, int def, int max) {
        String l = ctx.queryParam("limit");
        if (l == null || l.isBlank()) {
            return def;
        }
        try {
            int v = Integer.parseInt(l.strip());
            if (v < 1 || v > max) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw HttpError.badRequest("limit must be a number from 1 to " + max + ", was '" + Fmt.cut(l, 40) + "'");
        }
    }

    private void runPage(Context ctx, Principal who) {
        FlowRunDetail d = detail(ctx);
        FlowRunSummary run = d.run();
        Instant now = settings.clock().instant();
        Page<TaskRunSummary> tasks = d.taskRuns();
        String tasksAfter = ctx.queryParam("tasks_after");
        if (tasksAfter != null && !tasksAfter.isBlank()) {
            tasks = history.taskRuns(TaskRunQuery.all().inFlowRun(run.id()).sortedBy(RunSort.START_TIME_ASC).after(tasksAfter));
        }
        List<TaskRow> taskRows = tasks.items().stream().map(WebApp::taskRow).toList();
        String tasksNext = tasks.nextCursor() == null ? null
                : "/runs/" + run.id() + "?tasks_after=" + RunFilter.enc(tasks.nextCursor());
        List<StateRow> states = d.stateHistory().stream()
                .map(s -> new StateRow(s.state().name(), Fmt.time(s.at()), s.message() == null ? "" : Secret.mask(s.message())))
                .toList();
        Instant end = run.endTime() != null ? run.endTime() : now;
        List<Field> params = new ArrayList<>();
        d.parameters().forEach((k, v) -> params.add(new Field(k, Fmt.value(v))));
        ErrorRow error = d.error() == null ? null
                : new ErrorRow(d.error().type(), Secret.mask(d.error().message()), Secret.mask(d.error().stackTrace()));
        List<LogRow> logs = d.logs().items().stream().map(WebApp::logRow).toList();
        long lastLine = d.logs().items().isEmpty() ? 0 : d.logs().items().get(d.logs().items().size() - 1).line();
        String logsNext = d.logs().hasNext() ? "/runs/" + run.id() + "/logs?after=" + lastLine : null;
        RunView view = new RunView(row(run, d.parameters()), Fmt.time(run.endTime()),
                Charts.stateTimeline(d.stateHistory(), end), states, Charts.gantt(run, tasks.items(), now), taskRows, tasksNext,
                subflowTree(d.subflowRuns().items(), 0, new int[] {0}), params, error, logs, logsNext,
                !run.state().isTerminal() && !d.logs().hasNext(), lastLine);
        render(ctx, "run.jte", page(ctx, who, run.name(), "runs"), view);
    }

    /** Subflow runs as a tree: dotted flow names ({@code vtasks.backup.copy}) nest under their parts, and each run under its parent. */
    private List<TreeNode> subflowTree(List<FlowRunSummary> children, int depth, int[] budget) {
        Map<String, Object> root = new TreeMap<>();
        for (FlowRunSummary c : children) {
            String[] parts = c.flowName().split("\\.");
            @SuppressWarnings("unchecked")
            Map<String, Object> level = root;
            for (int i = 0; i < parts.length - 1; i++) {
                @SuppressWarnings("unchecked")
                Map<String, Object> next = (Map<String, Object>) level.computeIfAbsent(parts[i] + ".", k -> new TreeMap<>());
                level = next;
            }
            @SuppressWarnings("unchecked")
            List<FlowRunSummary> leaf = (List<FlowRunSummary>) level.computeIfAbsent(parts[parts.length - 1],
                    k -> new ArrayList<FlowRunSummary>());
            leaf.add(c);
        }
        return nodes(root, depth, budget);
    }

    @SuppressWarnings("unchecked")
    private List<TreeNode> nodes(Map<String, Object> level, int depth, int[] budget) {
        List<TreeNode> out = new ArrayList<>();
        for (var e : level.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> m) {
                String label = e.getKey().substring(0, e.getKey().length() - 1);
                out.add(new TreeNode(label, null, null, nodes((Map<String, Object>) m, depth, budget)));
            } else {
                for (FlowRunSummary r : (List<FlowRunSummary>) e.getValue()) {
                    List<TreeNode> kids = List.of();
                    if (depth < 4 && budget[0]++ < 200) {
                        Page<FlowRunSummary> sub = history.flowRuns(FlowRunQuery.all().withParent(r.id())
                                .sortedBy(RunSort.START_TIME_ASC).limit(100));
                        kids = subflowTree(sub.items(), depth + 1, budget);
                    }
                    out.add(new TreeNode(e.getKey() + " · " + r.name(), "/runs/" + r.id(), r.state().name(), kids));
                }
            }
        }
        return out;
    }

    private void logsPage(Context ctx, Principal who) {
        FlowRunDetail d = detail(ctx);
        long after = afterParam(ctx, "after");
        Page<LogEntry> logs = history.logs(LogQuery.of(d.run().id()).afterLine(after).limit(200));
        long last = logs.items().isEmpty() ? after : logs.items().get(logs.items().size() - 1).line();
        String next = logs.hasNext() ? "/runs/" + d.run().id() + "/logs?after=" + last : null;
        render(ctx, "logs.jte", page(ctx, who, "Logs of " + d.run().name(), "runs"),
                new LogsView(row(d.run(), d.parameters()), logs.items().stream().map(WebApp::logRow).toList(), next));
    }

    private void logStream(Context ctx, boolean html) throws Exception {
        FlowRunDetail d = detail(ctx);
        long after = afterParam(ctx, "after");
        streams.open(ctx, d.run().id(), after, html ? e -> {
            StringOutput out = new StringOutput(256);
            templates.render("logrow.jte", Map.of("log", logRow(e)), out);
            return out.toString().replace("\r", "").replace("\n", "&#10;"); // one SSE data line; the same text in HTML
        } : e -> Json.write(e));
    }

    // ---------------------------------------------------------------- blocks and keys

    private void blocksPage(Context ctx, Principal who) {
        render(ctx, "blocks.jte", page(ctx, who, "Blocks", "blocks"), new BlocksView(blocks.description(), blocks.all(),
                blocks.writable() && who.role().allows(Role.ADMIN)));
    }

    private dev.sluice.block.BlockId blockId(Context ctx) {
        try {
            return new dev.sluice.block.BlockId(ctx.pathParam("type"), ctx.pathParam("name"));
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest(e.getMessage());
        }
    }

    private void blockDelete(Context ctx, Principal who) {
        dev.sluice.block.BlockId id = blockId(ctx);
        if (!blocks.delete(id)) {
            throw HttpError.notFound("no saved block " + id);
        }
        LOG.info("block {} deleted by '{}'", id, who.name());
        ctx.redirect("/blocks", io.javalin.http.HttpStatus.SEE_OTHER);
    }

    private void apiBlockDelete(Context ctx, Principal who) {
        dev.sluice.block.BlockId id = blockId(ctx);
        if (!blocks.delete(id)) {
            throw HttpError.notFound("no saved block " + id);
        }
        LOG.info("block {} deleted by '{}'", id, who.name());
        ctx.status(204);
    }

    private void keysPage(Context ctx, Principal who) {
        render(ctx, "keys.jte", page(ctx, who, "API keys", "keys"), new KeysView(settings.keys().list(), null, null, null));
    }

    private void keysCreate(Context ctx, Principal who) {
        String name = ctx.formParam("name");
        Role role;
        NewApiKey created;
        try {
            role = Role.parse(ctx.formParam("role"));
            created = settings.keys().create(name == null ? "" : name.strip(), role);
        } catch (IllegalArgumentException e) {
            ctx.status(400);
            render(ctx, "keys.jte", page(ctx, who, "API keys", "keys"),
                    new KeysView(settings.keys().list(), null, null, e.getMessage()));
            return;
        }
        LOG.info("API key '{}' created by '{}'", created.key().name(), who.name());
        render(ctx, "keys.jte", page(ctx, who, "API keys", "keys"),
                new KeysView(settings.keys().list(), created.key().name(), created.token().reveal(), null));
    }

    private void keysRevoke(Context ctx, Principal who) {
        String id = ctx.pathParam("id");
        if (!settings.keys().revoke(id)) {
            throw HttpError.notFound("no active API key with id " + Fmt.cut(id, 40));
        }
        ctx.redirect("/keys", io.javalin.http.HttpStatus.SEE_OTHER);
    }

    // ---------------------------------------------------------------- API

    private void openApi(Context ctx, @Nullable Principal who) {
        ctx.header("Cache-Control", "no-cache");
        json(ctx, OpenApi.document(routes));
    }

    private void me(Context ctx, Principal who) {
        json(ctx, Map.of("name", who.name(), "role", who.role().id(), "open", who.open()));
    }

    private ObjectNode runJson(FlowRunSummary r, @Nullable Map<String, @Nullable Object> params) {
        ObjectNode n = Json.MAPPER.valueToTree(r);
        n.put("durationMillis", r.duration().toMillis());
        if (params != null) {
            n.set("parameters", Json.MAPPER.valueToTree(params));
        }
        return n;
    }

    private <T> ObjectNode pageJson(Page<T> page, java.util.function.Function<T, Object> item) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        ArrayNode items = n.putArray("items");
        page.items().forEach(i -> items.add(Json.MAPPER.valueToTree(item.apply(i))));
        n.put("nextCursor", page.nextCursor());
        return n;
    }

    private void apiRuns(Context ctx, Principal who) throws IOException {
        RunsData data = runsData(RunFilter.parse(ctx));
        String json = data.json;
        if (json == null) {
            java.io.StringWriter out = new java.io.StringWriter(512 + 640 * data.page.items().size());
            try (com.fasterxml.jackson.core.JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
                g.writeStartObject();
                g.writeArrayFieldStart("items");
                for (FlowRunSummary r : data.page.items()) {
                    RunJson.write(g, r, data.params.getOrDefault(r.id(), "{}"));
                }
                g.writeEndArray();
                g.writeStringField("nextCursor", data.page.nextCursor());
                g.writeEndObject();
            }
            json = out.toString();
            data.json = json;
        }
        ctx.contentType("application/json").result(json);
    }

    private void apiRun(Context ctx, Principal who) {
        FlowRunDetail d = detail(ctx);
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.set("run", runJson(d.run(), null));
        n.set("stateHistory", Json.MAPPER.valueToTree(d.stateHistory()));
        n.set("parameters", Json.MAPPER.valueToTree(d.parameters()));
        n.set("error", Json.MAPPER.valueToTree(d.error()));
        n.set("taskRuns", pageJson(d.taskRuns(), t -> t));
        n.set("subflowRuns", pageJson(d.subflowRuns(), r -> runJson(r, null)));
        n.set("logs", pageJson(d.logs(), l -> l));
        json(ctx, n);
    }

    private void apiTaskRuns(Context ctx, Principal who) {
        FlowRunDetail d = detail(ctx);
        TaskRunQuery q = TaskRunQuery.all().inFlowRun(d.run().id()).sortedBy(RunSort.START_TIME_ASC).limit(limitParam(ctx, 100, 1000));
        String after = ctx.queryParam("after");
        if (after != null && !after.isBlank()) {
            q = q.after(after);
        }
        json(ctx, pageJson(history.taskRuns(q), t -> t));
    }

    private void apiSubflows(Context ctx, Principal who) {
        FlowRunDetail d = detail(ctx);
        FlowRunQuery q = FlowRunQuery.all().withParent(d.run().id()).sortedBy(RunSort.START_TIME_ASC).limit(limitParam(ctx, 100, 1000));
        String after = ctx.queryParam("after");
        if (after != null && !after.isBlank()) {
            q = q.after(after);
        }
        json(ctx, pageJson(history.flowRuns(q), r -> runJson(r, null)));
    }

    private void apiLogs(Context ctx, Principal who) {
        FlowRunDetail d = detail(ctx);
        Page<LogEntry> logs = history.logs(LogQuery.of(d.run().id()).afterLine(afterParam(ctx, "after"))
                .limit(limitParam(ctx, 200, LogQuery.MAX_LIMIT)));
        json(ctx, pageJson(logs, l -> l));
    }

    private void apiActivity(Context ctx, Principal who) {
        RunFilter filter = RunFilter.parse(ctx);
        Window w = window(ctx);
        Counts c = counts(filter, w);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("from", c.from());
        out.put("to", c.to());
        out.put("bucket", w.bucket());
        out.put("counts", c.counts());
        json(ctx, out);
    }

    private void apiBlocks(Context ctx, Principal who) {
        json(ctx, Map.of("store", blocks.description(), "blocks", blocks.all()));
    }

    private void apiKeys(Context ctx, Principal who) {
        json(ctx, Map.of("keys", settings.keys().list()));
    }

    private void apiKeyCreate(Context ctx, Principal who) {
        com.fasterxml.jackson.databind.JsonNode body;
        try {
            body = Json.MAPPER.readTree(ctx.body().isBlank() ? "{}" : ctx.body());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw HttpError.badRequest("the body must be JSON like {\"name\": \"ci\", \"role\": \"operator\"}");
        }
        NewApiKey created = settings.keys().create(body.path("name").asText(""), Role.parse(body.path("role").asText("")));
        LOG.info("API key '{}' created by '{}'", created.key().name(), who.name());
        ctx.status(201);
        json(ctx, Map.of("key", created.key(), "token", created.token().reveal()));
    }

    private void apiKeyRevoke(Context ctx, Principal who) {
        String id = ctx.pathParam("id");
        if (!settings.keys().revoke(id)) {
            throw HttpError.notFound("no active API key with id " + Fmt.cut(id, 40));
        }
        ctx.status(204);
    }

}
