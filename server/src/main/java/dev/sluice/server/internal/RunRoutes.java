package dev.sluice.server.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.State;
import dev.sluice.block.Secret;
import dev.sluice.history.FlowRunDetail;
import dev.sluice.history.FlowRunQuery;
import dev.sluice.history.FlowRunSummary;
import dev.sluice.history.History;
import dev.sluice.history.LogEntry;
import dev.sluice.history.LogQuery;
import dev.sluice.history.Page;
import dev.sluice.history.RunSort;
import dev.sluice.history.StateCount;
import dev.sluice.history.TaskRunQuery;
import dev.sluice.history.TaskRunSummary;
import dev.sluice.server.Role;
import dev.sluice.server.internal.Auth.Principal;
import dev.sluice.server.internal.Views.ErrorRow;
import dev.sluice.server.internal.Views.Field;
import dev.sluice.server.internal.Views.LogRow;
import dev.sluice.server.internal.Views.LogsView;
import dev.sluice.server.internal.Views.RunRow;
import dev.sluice.server.internal.Views.RunView;
import dev.sluice.server.internal.Views.RunsView;
import dev.sluice.server.internal.Views.StateRow;
import dev.sluice.server.internal.Views.TaskRow;
import dev.sluice.server.internal.Views.TreeNode;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import java.io.IOException;
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

/** The runs pages and API: the list with its filters and charts, a run, its logs (paged and live). */
final class RunRoutes {
    private static final long CHART_CACHE_MILLIS = 15_000;
    private final Web web;
    private final WebApp.Settings settings;
    private final History history;
    private final RunParameters parameters;
    private final LogStreams streams;
    private final TemplateEngine templates;
    private final Map<String, Counts> chartCache = new ConcurrentHashMap<>();
    private final Map<String, RunsData> runsCache = new ConcurrentHashMap<>();

    RunRoutes(Web web, WebApp.Settings settings, RunParameters parameters, LogStreams streams, TemplateEngine templates) {
        this.web = web;
        this.settings = settings;
        this.history = settings.history();
        this.parameters = parameters;
        this.streams = streams;
        this.templates = templates;
    }

    void register(io.javalin.config.RoutesConfig r) {
        web.route(r, "GET", "/runs", Role.VIEWER, false, "Flow runs, filtered", List.of(), "", this::runsPage);
        web.route(r, "GET", "/runs/activity.svg", Role.VIEWER, false, "The activity chart of the runs filters, as an SVG image",
                List.of("window"), "", this::activitySvg);
        web.route(r, "GET", "/runs/{id}", Role.VIEWER, false, "One flow run", List.of("tasks_after"), "", this::runPage);
        web.route(r, "GET", "/runs/{id}/logs", Role.VIEWER, false, "A page of a run's log lines", List.of("after"), "", this::logsPage);
        web.route(r, "GET", "/runs/{id}/logs/live", Role.VIEWER, false, "A run's new log lines as HTML server-sent events",
                List.of("after"), "", (ctx, who) -> logStream(ctx, true));
        List<String> filters = List.of("flow", "name", "tag", "state", "range", "from", "to", "top", "limit", "after");
        web.route(r, "GET", "/api/runs", Role.VIEWER, true, "Flow runs matching the filters, one keyset page", filters,
                "RunPage", this::apiRuns);
        web.route(r, "GET", "/api/runs/{id}", Role.VIEWER, true, "One flow run with its states, parameters, error and first pages",
                List.of(), "RunDetail", this::apiRun);
        web.route(r, "GET", "/api/task-runs/{id}", Role.VIEWER, true,
                "One task run with its states, parameters, error and first log lines", List.of(), "TaskRunDetail", this::apiTaskRun);
        web.route(r, "GET", "/api/runs/{id}/task-runs", Role.VIEWER, true, "A page of a flow run's task runs, in start order",
                List.of("after", "limit"), "TaskRunPage", this::apiTaskRuns);
        web.route(r, "GET", "/api/runs/{id}/subflow-runs", Role.VIEWER, true, "A page of a flow run's subflow runs",
                List.of("after", "limit"), "RunPage", this::apiSubflows);
        web.route(r, "GET", "/api/runs/{id}/logs", Role.VIEWER, true, "A page of a run's log lines, oldest first (a flow run or a task run)",
                List.of("after", "limit"), "LogPage", this::apiLogs);
        web.route(r, "GET", "/api/runs/{id}/logs/stream", Role.VIEWER, true,
                "A run's log lines as server-sent events (event 'log', id = line), then 'end' when the run has ended (a flow run or a task run)",
                List.of("after"), "", (ctx, who) -> logStream(ctx, false));
        web.route(r, "GET", "/api/activity", Role.VIEWER, true, "Flow runs per time bucket and state (the activity chart)",
                List.of("window", "flow", "name", "tag", "state", "range", "from", "to", "top"), "Activity", this::apiActivity);
    }

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

    /** Now by the server's clock, in nanoseconds since the epoch: the caches' times, so tests move them with the clock. */
    private long now() {
        Instant now = settings.clock().instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** Whether a value read at {@code at} still answers at {@code now}: not once the clock went back before it. */
    private static boolean fresh(long at, long now, long ttlNanos) {
        return now >= at && now - at < ttlNanos;
    }

    private RunsData runsData(Context ctx, RunFilter filter) {
        long ttl = settings.listCache().toNanos();
        // the query string as sent: requests that ask the same in another order are read once each
        String key = ctx.queryString() == null ? "" : ctx.queryString();
        long now = now();
        if (ttl > 0) {
            RunsData cached = runsCache.get(key);
            if (cached != null && fresh(cached.at, now, ttl)) {
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
        RunsData data = runsData(ctx, filter);
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
        web.render(ctx, "runs.jte", web.page(ctx, who, "Runs", "runs"), new RunsView(filter, rows, next, chart24, chart7, states));
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

    private Counts counts(RunFilter filter, Window w) {
        long now = now();
        String key = w.label() + filter.chartQueryString();
        Counts cached = chartCache.get(key);
        if (cached != null && fresh(cached.at(), now, CHART_CACHE_MILLIS * 1_000_000L)) {
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
        String id = runId(ctx);
        return history.flowRun(id).orElseThrow(() -> HttpError.notFound("no flow run with id " + id
                + " in this history (it may have been purged by retention)"));
    }

    private static String runId(Context ctx) {
        String id = ctx.pathParam("id");
        if (id.length() > 64 || !id.matches("[A-Za-z0-9_.:-]+")) {
            throw HttpError.badRequest("run id must be up to 64 letters, digits, '-', '_', '.' or ':', was '" + Fmt.cut(id, 64) + "'");
        }
        return id;
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
        List<TaskRow> taskRows = tasks.items().stream().map(RunRoutes::taskRow).toList();
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
        List<LogRow> logs = d.logs().items().stream().map(RunRoutes::logRow).toList();
        long lastLine = d.logs().items().isEmpty() ? 0 : d.logs().items().get(d.logs().items().size() - 1).line();
        // a run that goes on follows its lines from the last one shown, however many come before (the stream brings
        // the rest, so no link to more); an ended one links to the next page
        boolean live = !run.state().isTerminal();
        String logsNext = d.logs().hasNext() && !live ? "/runs/" + run.id() + "/logs?after=" + lastLine : null;
        RunView view = new RunView(row(run, d.parameters()), Fmt.time(run.endTime()),
                Charts.stateTimeline(d.stateHistory(), end), states, Charts.gantt(run, tasks.items(), now), taskRows, tasksNext,
                subflowTree(d.subflowRuns().items(), 0, new int[] {0}), params, error, logs, logsNext,
                live, lastLine, deploymentRun(run),
                who != null && who.role().allows(Role.OPERATOR));
        web.render(ctx, "run.jte", web.page(ctx, who, run.name(), "runs"), view);
    }

    /** The deployment's run that made {@code run}, for the cancel and run-again buttons; none when the scheduler's tables cannot be read. */
    private Views.@Nullable DeploymentRunRow deploymentRun(FlowRunSummary run) {
        if (run.parentFlowRunId() != null) {
            return null;
        }
        try {
            dev.sluice.scheduler.DeploymentRun r = DeploymentRoutes.ofFlowRun(settings.deployments().client(), run);
            return r == null ? null : DeploymentRoutes.runRow(r);
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger("dev.sluice.server").debug("no deployment run for {}: {}", run.id(), e.toString());
            return null;
        }
    }

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
        web.render(ctx, "logs.jte", web.page(ctx, who, "Logs of " + d.run().name(), "runs"),
                new LogsView(row(d.run(), d.parameters()), logs.items().stream().map(RunRoutes::logRow).toList(), next));
    }

    private void logStream(Context ctx, boolean html) throws Exception {
        String accept = ctx.header("Accept");
        if (accept == null || !accept.contains("text/event-stream")) {
            // the stream is server-sent events: a client that does not ask for them gets a clear answer, not an empty 200
            throw new HttpError(406, "this is a stream of server-sent events: send 'Accept: text/event-stream'"
                    + " (or read the lines once from /api/runs/{id}/logs)");
        }
        String id = runId(ctx);
        if (history.flowRun(id).isEmpty() && history.taskRun(id).isEmpty()) { // a task run's lines stream as a flow run's do
            throw HttpError.notFound("no flow run or task run with id " + id + " in this history (it may have been purged by retention)");
        }
        long after = afterParam(ctx, "after");
        if (ctx.method() == io.javalin.http.HandlerType.HEAD) {
            ctx.contentType("text/event-stream;charset=utf-8"); // the headers of the stream, which a HEAD does not open
            return;
        }
        streams.open(ctx, id, after, html ? e -> {
            StringOutput out = new StringOutput(256);
            templates.render("logrow.jte", Map.of("log", logRow(e)), new MaskingHtmlOutput(out, null));
            return out.toString().replace("\r", "").replace("\n", "&#10;"); // one SSE data line; the same text in HTML
        } : e -> Json.write(e), web.stillAllowed(ctx));
    }

    private ObjectNode runJson(FlowRunSummary r, @Nullable Map<String, @Nullable Object> params) {
        ObjectNode n = Json.MAPPER.valueToTree(r);
        n.put("durationMillis", r.duration().toMillis());
        if (params != null) {
            n.set("parameters", Json.MAPPER.valueToTree(params));
        }
        return n;
    }

    /** A task run as the API shows it: the summary's fields and {@code durationMillis}, in pages as in a task run's own answer. */
    private static ObjectNode taskRunJson(TaskRunSummary t) {
        ObjectNode n = Json.MAPPER.valueToTree(t);
        n.put("durationMillis", t.duration().toMillis());
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
        RunsData data = runsData(ctx, RunFilter.parse(ctx));
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
        n.set("taskRuns", pageJson(d.taskRuns(), RunRoutes::taskRunJson));
        n.set("subflowRuns", pageJson(d.subflowRuns(), r -> runJson(r, null)));
        n.set("logs", pageJson(d.logs(), l -> l));
        Web.json(ctx, n);
    }

    private void apiTaskRun(Context ctx, Principal who) {
        String id = runId(ctx);
        dev.sluice.history.TaskRunDetail d = history.taskRun(id).orElseThrow(() -> HttpError.notFound("no task run with id " + id
                + " in this history (it may have been purged by retention)"));
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.set("run", taskRunJson(d.run()));
        n.set("stateHistory", Json.MAPPER.valueToTree(d.stateHistory()));
        n.set("parameters", Json.MAPPER.valueToTree(d.parameters()));
        n.set("error", Json.MAPPER.valueToTree(d.error()));
        n.set("logs", pageJson(d.logs(), l -> l));
        Web.json(ctx, n);
    }

    private void apiTaskRuns(Context ctx, Principal who) {
        FlowRunDetail d = detail(ctx);
        TaskRunQuery q = TaskRunQuery.all().inFlowRun(d.run().id()).sortedBy(RunSort.START_TIME_ASC).limit(limitParam(ctx, 100, 1000));
        String after = ctx.queryParam("after");
        if (after != null && !after.isBlank()) {
            q = q.after(after);
        }
        Web.json(ctx, pageJson(history.taskRuns(q), RunRoutes::taskRunJson));
    }

    private void apiSubflows(Context ctx, Principal who) {
        FlowRunDetail d = detail(ctx);
        FlowRunQuery q = FlowRunQuery.all().withParent(d.run().id()).sortedBy(RunSort.START_TIME_ASC).limit(limitParam(ctx, 100, 1000));
        String after = ctx.queryParam("after");
        if (after != null && !after.isBlank()) {
            q = q.after(after);
        }
        Web.json(ctx, pageJson(history.flowRuns(q), r -> runJson(r, null)));
    }

    private void apiLogs(Context ctx, Principal who) {
        String id = runId(ctx);
        if (history.flowRun(id).isEmpty() && history.taskRun(id).isEmpty()) {
            throw HttpError.notFound("no flow run or task run with id " + id + " in this history (it may have been purged by retention)");
        }
        Page<LogEntry> logs = history.logs(LogQuery.of(id).afterLine(afterParam(ctx, "after"))
                .limit(limitParam(ctx, 200, LogQuery.MAX_LIMIT)));
        Web.json(ctx, pageJson(logs, l -> l));
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
        Web.json(ctx, out);
    }
}
