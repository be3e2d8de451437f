package dev.sluice.server.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.block.Secret;
import dev.sluice.history.FlowRunSummary;
import dev.sluice.scheduler.DeploymentClient;
import dev.sluice.scheduler.DeploymentInfo;
import dev.sluice.scheduler.DeploymentNotFoundException;
import dev.sluice.scheduler.DeploymentRun;
import dev.sluice.scheduler.InvalidParametersException;
import dev.sluice.scheduler.Parameter;
import dev.sluice.scheduler.ParameterError;
import dev.sluice.scheduler.Schedule;
import dev.sluice.server.Role;
import dev.sluice.server.internal.Auth.Principal;
import dev.sluice.server.internal.Views.DeploymentRow;
import dev.sluice.server.internal.Views.DeploymentRunRow;
import dev.sluice.server.internal.Views.DeploymentView;
import dev.sluice.server.internal.Views.DeploymentsView;
import dev.sluice.server.internal.Views.FormField;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deployments as pages and API: the list (schedules in words, next runs, last run, paused), a deployment's
 * page with a run form built from its stored parameter schema, a backfill form, pause and resume, and its
 * recent runs; cancelling and running again a deployment's run, also from its flow run's page.
 */
final class DeploymentRoutes {
    private static final Logger LOG = LoggerFactory.getLogger("dev.sluice.server");
    static final int RECENT = 20;
    private static final String FIELD = "p.";

    private final Web web;
    private final WebApp.Settings settings;

    DeploymentRoutes(Web web, WebApp.Settings settings) {
        this.web = web;
        this.settings = settings;
    }

    void register(io.javalin.config.RoutesConfig r) {
        web.route(r, "GET", "/deployments", Role.VIEWER, false, "Deployments", List.of(), "", this::listPage);
        web.route(r, "GET", "/deployments/{name}", Role.VIEWER, false, "A deployment with its run and backfill forms and recent runs",
                List.of(), "", this::deploymentPage);
        web.route(r, "POST", "/deployments/{name}/run", Role.OPERATOR, false, "Triggers a run with the form's parameters",
                List.of(), "", this::runForm);
        web.route(r, "POST", "/deployments/{name}/backfill", Role.OPERATOR, false, "Backfills a time range", List.of(), "",
                this::backfillForm);
        // a form page answered with its errors stays at the form's address: Back or a reload there shows the deployment
        for (String form : List.of("run", "backfill", "pause", "resume")) {
            web.route(r, "GET", "/deployments/{name}/" + form, Role.VIEWER, false, "The deployment's page (the address of its "
                    + form + " form)", List.of(), "", (ctx, who) -> ctx.redirect(href(ctx.pathParam("name")),
                            io.javalin.http.HttpStatus.SEE_OTHER));
        }
        web.route(r, "POST", "/deployments/{name}/pause", Role.OPERATOR, false, "Pauses the schedules", List.of(), "",
                (ctx, who) -> pauseForm(ctx, who, true));
        web.route(r, "POST", "/deployments/{name}/resume", Role.OPERATOR, false, "Resumes the schedules", List.of(), "",
                (ctx, who) -> pauseForm(ctx, who, false));
        web.route(r, "POST", "/deployment-runs/{id}/cancel", Role.OPERATOR, false, "Cancels a deployment's run", List.of(), "",
                (ctx, who) -> cancelForm(ctx, who, deploymentRun(ctx), null));
        web.route(r, "POST", "/deployment-runs/{id}/retry", Role.OPERATOR, false, "Runs a deployment's run again", List.of(), "",
                (ctx, who) -> retryForm(ctx, who, deploymentRun(ctx)));
        web.route(r, "POST", "/runs/{id}/cancel", Role.OPERATOR, false, "Cancels the deployment's run that made a flow run",
                List.of(), "", (ctx, who) -> cancelForm(ctx, who, ofFlowRun(ctx), ctx.pathParam("id")));
        web.route(r, "POST", "/runs/{id}/retry", Role.OPERATOR, false, "Runs a flow run's deployment run again, same parameters",
                List.of(), "", (ctx, who) -> retryForm(ctx, who, ofFlowRun(ctx)));

        web.route(r, "GET", "/api/deployments", Role.VIEWER, true,
                "Deployments: schedules in words, the next 5 runs, the last run, paused or not", List.of(), "Deployments",
                this::apiDeployments);
        web.route(r, "GET", "/api/deployments/{name}", Role.VIEWER, true, "A deployment with its parameter schema (JSON Schema)",
                List.of(), "Deployment", this::apiDeployment);
        web.route(r, "GET", "/api/deployments/{name}/runs", Role.VIEWER, true, "A deployment's latest runs, newest first",
                List.of("limit"), "DeploymentRuns", this::apiDeploymentRuns);
        web.route(r, "POST", "/api/deployments/{name}/runs", Role.OPERATOR, true,
                "Triggers a run: {\"parameters\": {...}} over the deployment's defaults; 400 lists every wrong field",
                List.of(), "DeploymentRun", this::apiTrigger);
        web.route(r, "POST", "/api/deployments/{name}/backfill", Role.OPERATOR, true,
                "One run per schedule slot from 'from' (inclusive) to 'to' (exclusive); completed slots only with 'force'",
                List.of(), "Backfill", this::apiBackfill);
        web.route(r, "POST", "/api/deployments/{name}/pause", Role.OPERATOR, true, "Pauses the deployment's schedules",
                List.of(), "Deployment", (ctx, who) -> apiPause(ctx, who, true));
        web.route(r, "POST", "/api/deployments/{name}/resume", Role.OPERATOR, true,
                "Resumes the deployment's schedules from now", List.of(), "Deployment", (ctx, who) -> apiPause(ctx, who, false));
        web.route(r, "GET", "/api/deployment-runs/{id}", Role.VIEWER, true, "A deployment's run", List.of(), "DeploymentRun",
                (ctx, who) -> Web.json(ctx, runJson(deploymentRun(ctx))));
        web.route(r, "POST", "/api/deployment-runs/{id}/cancel", Role.OPERATOR, true,
                "Cancels a deployment's run (409 if it has ended)", List.of(), "DeploymentRun",
                (ctx, who) -> apiCancel(ctx, who, deploymentRun(ctx)));
        web.route(r, "POST", "/api/deployment-runs/{id}/retry", Role.OPERATOR, true,
                "Runs a finished deployment run again with the same parameters (409 if it has not finished)", List.of(),
                "DeploymentRun", (ctx, who) -> apiRetry(ctx, who, deploymentRun(ctx)));
        web.route(r, "POST", "/api/runs/{id}/cancel", Role.OPERATOR, true,
                "Cancels the deployment's run that made this flow run (404 if none, 409 if it has ended)", List.of(),
                "DeploymentRun", (ctx, who) -> apiCancel(ctx, who, ofFlowRun(ctx)));
        web.route(r, "POST", "/api/runs/{id}/retry", Role.OPERATOR, true,
                "Runs this flow run's deployment run again with the same parameters", List.of(), "DeploymentRun",
                (ctx, who) -> apiRetry(ctx, who, ofFlowRun(ctx)));
    }

    private DeploymentClient client() {
        return settings.deployments().client();
    }

    /** A path segment: a deployment's name with every special character escaped. */
    static String seg(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String href(String deployment) {
        return "/deployments/" + seg(deployment);
    }

    private DeploymentInfo deployment(Context ctx) {
        String name = ctx.pathParam("name");
        return client().deployment(name).orElseThrow(() -> new DeploymentNotFoundException(name,
                client().deployments().stream().map(DeploymentInfo::name).toList()));
    }

    private static String checkId(Context ctx) {
        String id = ctx.pathParam("id");
        if (id.length() > 64 || !id.matches("[A-Za-z0-9_.:-]+")) {
            throw HttpError.badRequest("run id must be up to 64 letters, digits, '-', '_', '.' or ':', was '" + Fmt.cut(id, 64) + "'");
        }
        return id;
    }

    private DeploymentRun deploymentRun(Context ctx) {
        String id = checkId(ctx);
        return client().run(id).orElseThrow(() -> HttpError.notFound("no deployment run with id " + id));
    }

    private DeploymentRun ofFlowRun(Context ctx) {
        String id = checkId(ctx);
        FlowRunSummary run = settings.history().flowRun(id).map(d -> d.run())
                .orElseThrow(() -> HttpError.notFound("no flow run with id " + id));
        DeploymentRun d = ofFlowRun(client(), run);
        if (d == null) {
            throw HttpError.notFound("flow run " + id + " was not made by a deployment");
        }
        return d;
    }

    /** The deployment's run that made flow run {@code run} (a top-level run only), found by the flow run's id. */
    static @Nullable DeploymentRun ofFlowRun(DeploymentClient client, FlowRunSummary run) {
        if (run.parentFlowRunId() != null) {
            return null;
        }
        return client.runOfFlowRun(run.id()).orElse(null);
    }

    // ---- pages

    private void listPage(Context ctx, Principal who) {
        Instant now = settings.clock().instant();
        DeploymentClient c = client();
        List<DeploymentRow> rows = new ArrayList<>();
        for (DeploymentInfo d : c.deployments()) {
            rows.add(row(d, last(c, d.name()), now));
        }
        web.render(ctx, "deployments.jte", web.page(ctx, who, "Deployments", "deployments"), new DeploymentsView(rows, null));
    }

    private static @Nullable DeploymentRun last(DeploymentClient c, String name) {
        return c.lastRun(name).orElse(null);
    }

    static DeploymentRow row(DeploymentInfo d, @Nullable DeploymentRun last, Instant now) {
        List<String> schedules = d.schedules().stream().map(Schedule::description).toList();
        List<String> next = d.paused() ? List.of() : d.nextSlots(5, now).stream().map(Fmt::time).toList();
        String lastHref = last == null ? null : last.flowRunId() != null ? "/runs/" + last.flowRunId() : href(d.name()) + "#runs";
        return new DeploymentRow(d.name(), href(d.name()), d.flowName(), d.description() == null ? "" : Secret.mask(d.description()),
                Secret.mask(Fmt.tags(d.tags())), schedules, next, last == null ? null : last.status().name(), lastHref, d.paused());
    }

    private void deploymentPage(Context ctx, Principal who) {
        DeploymentInfo d = deployment(ctx);
        String flash = null;
        String triggered = ctx.queryParam("triggered");
        if (triggered != null && triggered.matches("[A-Za-z0-9_.:-]{1,64}")) {
            flash = "Run triggered:";
        } else {
            triggered = null;
        }
        if (ctx.queryParam("backfilled") != null) {
            flash = "Backfill: " + Fmt.cut(ctx.queryParam("backfilled"), 10) + " runs made.";
        } else if (ctx.queryParam("paused") != null) {
            flash = "Schedules paused.";
        } else if (ctx.queryParam("resumed") != null) {
            flash = "Schedules resumed.";
        } else if (ctx.queryParam("cancelled") != null) {
            flash = "Cancel asked for run " + Fmt.cut(ctx.queryParam("cancelled"), 64) + ".";
        }
        render(ctx, who, d, fields(d, null, Map.of()), null, flash, triggered, "", "", false, null);
    }

    private void render(Context ctx, Principal who, DeploymentInfo d, List<FormField> fields, @Nullable String formError,
            @Nullable String flash, @Nullable String triggered, String from, String to, boolean force,
            @Nullable String backfillError) {
        Instant now = settings.clock().instant();
        List<DeploymentRun> runs = client().runs(d.name(), RECENT);
        List<DeploymentRunRow> rows = runs.stream().map(DeploymentRoutes::runRow).toList();
        boolean active = runs.stream().anyMatch(r -> !r.status().isFinished() && !r.scheduledTime().isAfter(now.plusSeconds(60)));
        if (from.isEmpty() && to.isEmpty()) {
            Instant day = now.truncatedTo(ChronoUnit.DAYS);
            from = LocalDateTime.ofInstant(day.minus(7, ChronoUnit.DAYS), ZoneOffset.UTC).toString();
            to = LocalDateTime.ofInstant(day, ZoneOffset.UTC).toString();
        }
        DeploymentView view = new DeploymentView(row(d, runs.isEmpty() ? null : runs.get(0), now),
                d.version() == null ? "" : d.version(), d.concurrencyLimit() == 0 ? "no limit" : d.concurrencyLimit() + " at once",
                d.catchUp().name() + (d.catchUpWindow() == null ? "" : " within " + d.catchUpWindow()), d.overlap().name(),
                fields, formError, flash, triggered, from, to, force, backfillError, rows, active,
                who != null && who.role().allows(Role.OPERATOR));
        web.render(ctx, "deployment.jte", web.page(ctx, who, d.name(), "deployments"), view);
    }

    static DeploymentRunRow runRow(DeploymentRun r) {
        return new DeploymentRunRow(r.id(), r.deployment(), href(r.deployment()), r.kind().name(), r.status().name(),
                Fmt.time(r.scheduledTime()), Fmt.time(r.startedAt()), Fmt.time(r.endedAt()), r.flowRunId(),
                Fmt.params(new LinkedHashMap<>(r.parameters()), 120), r.message() == null ? "" : Secret.mask(r.message()),
                !r.status().isFinished() && !r.cancelRequested(), r.status().isFinished());
    }

    /** The form's fields: the values entered ({@code entered}, after an error) or the defaults. */
    static List<FormField> fields(DeploymentInfo d, @Nullable Map<String, String> entered, Map<String, String> errors) {
        List<FormField> out = new ArrayList<>();
        int i = 0;
        for (Parameter p : d.parameterSchema().parameters()) {
            String value;
            String maskedDefault = null;
            if (entered != null) {
                value = entered.getOrDefault(p.name(), "");
            } else {
                Object def = d.parameters().containsKey(p.name()) ? d.parameters().get(p.name()) : p.defaultValue().orElse(null);
                value = def == null ? "" : def instanceof BigDecimal b ? b.toPlainString() : String.valueOf(def);
                if (!Secret.mask(value).equals(value)) {
                    // a default holding a secret is not put in the form: sent back masked it would replace the
                    // real one; left empty, the run takes the deployment's default
                    maskedDefault = Secret.mask(value);
                    value = "";
                }
            }
            String kind;
            String step = null;
            String placeholder = null;
            List<String> choices = List.of();
            switch (p.type()) {
                case CHOICE -> {
                    kind = "select";
                    choices = p.choices();
                }
                case BOOLEAN -> kind = "checkbox";
                case DATE -> kind = "date";
                case DATE_TIME -> {
                    kind = "datetime-local";
                    step = "1";
                }
                case INTEGER -> {
                    kind = "number";
                    step = "1";
                }
                case NUMBER -> {
                    kind = "number";
                    step = "any";
                }
                case INSTANT -> {
                    kind = "text";
                    placeholder = "2026-01-31T06:00:00Z";
                }
                default -> kind = "text";
            }
            List<String> help = new ArrayList<>();
            p.description().ifPresent(help::add);
            if (p.minimum().isPresent() && p.maximum().isPresent()) {
                help.add("from " + bound(p.minimum().get()) + " to " + bound(p.maximum().get()));
            } else {
                p.minimum().ifPresent(m -> help.add("at least " + bound(m)));
                p.maximum().ifPresent(m -> help.add("at most " + bound(m)));
            }
            p.pattern().ifPresent(x -> help.add("matching " + x));
            if (p.type() == dev.sluice.scheduler.ParameterType.INSTANT) {
                help.add("with an offset, such as Z");
            }
            if (maskedDefault != null) {
                placeholder = "default: " + maskedDefault;
                help.add("left empty, the deployment's default (it holds a secret, so it is not shown)");
            }
            boolean blank = !p.isRequired() && p.defaultValue().isEmpty() && !d.parameters().containsKey(p.name());
            if (blank) {
                help.add("optional");
            }
            out.add(new FormField(FIELD + p.name(), "param-" + i++, kind, value, choices,
                    p.isRequired() && !d.parameters().containsKey(p.name()), blank,
                    p.minimum().map(DeploymentRoutes::bound).orElse(null), p.maximum().map(DeploymentRoutes::bound).orElse(null),
                    step, placeholder, String.join("; ", help), errors.get(p.name())));
        }
        return out;
    }

    /** The form's values by parameter name, as entered (a checkbox's hidden "false" and its "true": the last one wins). */
    private static Map<String, String> entered(Context ctx, DeploymentInfo d) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Parameter p : d.parameterSchema().parameters()) {
            List<String> values = ctx.formParams(FIELD + p.name());
            if (!values.isEmpty()) {
                out.put(p.name(), values.get(values.size() - 1).strip());
            }
        }
        return out;
    }

    private void runForm(Context ctx, Principal who) {
        DeploymentInfo d = deployment(ctx);
        Map<String, String> entered = entered(ctx, d);
        Map<String, Object> input = new LinkedHashMap<>();
        entered.forEach((k, v) -> {
            if (!v.isEmpty()) {
                input.put(k, v);
            }
        });
        try {
            String id = inCallersTrace(ctx, () -> client().trigger(d.name(), input));
            LOG.info("deployment '{}' triggered by '{}': run {}", d.name(), who.name(), id);
            ctx.redirect(href(d.name()) + "?triggered=" + id + "#runs", HttpStatus.SEE_OTHER);
        } catch (InvalidParametersException e) {
            Map<String, String> errors = new LinkedHashMap<>();
            List<String> other = new ArrayList<>();
            for (ParameterError err : e.errors()) {
                if (d.parameterSchema().parameter(err.parameter()).isPresent()) {
                    errors.merge(err.parameter(), err.message(), (a, b) -> a + "; " + b);
                } else {
                    other.add(err.toString());
                }
            }
            ctx.status(422);
            render(ctx, who, d, fields(d, entered, errors), other.isEmpty() ? "Some values are wrong: see the fields below."
                    : String.join("; ", other), null, null, "", "", false, null);
        }
    }

    static Instant time(String field, @Nullable String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(field + " is required (such as 2026-01-31T00:00, UTC)");
        }
        String t = text.strip();
        Instant at;
        try {
            at = Instant.parse(t);
        } catch (DateTimeParseException e) {
            try {
                at = LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                throw new IllegalArgumentException(field + " must be a time such as 2026-01-31T00:00 (UTC) or 2026-01-31T00:00:00Z, was '"
                        + Fmt.cut(t, 40) + "'");
            }
        }
        String wrong = Fmt.outOfYears(field, at);
        if (wrong != null) {
            throw new IllegalArgumentException(wrong);
        }
        return at;
    }

    private void backfillForm(Context ctx, Principal who) {
        DeploymentInfo d = deployment(ctx);
        String from = Optional.ofNullable(ctx.formParam("from")).orElse("");
        String to = Optional.ofNullable(ctx.formParam("to")).orElse("");
        boolean force = ctx.formParams("force").contains("true");
        try {
            List<String> ids = client().backfill(d.name(), time("from", from), time("to", to), force);
            LOG.info("deployment '{}' backfilled by '{}': {} runs", d.name(), who.name(), ids.size());
            ctx.redirect(href(d.name()) + "?backfilled=" + ids.size() + "#runs", HttpStatus.SEE_OTHER);
        } catch (IllegalArgumentException e) {
            ctx.status(422);
            render(ctx, who, d, fields(d, null, Map.of()), null, null, null, from, to, force, Secret.mask(e.getMessage()));
        }
    }

    private void pauseForm(Context ctx, Principal who, boolean pause) {
        DeploymentInfo d = deployment(ctx);
        setPaused(d.name(), who, pause);
        ctx.redirect(href(d.name()) + (pause ? "?paused=1" : "?resumed=1"), HttpStatus.SEE_OTHER);
    }

    private void setPaused(String name, Principal who, boolean pause) {
        if (pause) {
            client().pause(name);
        } else {
            client().resume(name);
        }
        LOG.info("deployment '{}' {} by '{}'", name, pause ? "paused" : "resumed", who.name());
    }

    private DeploymentRun cancel(DeploymentRun r, Principal who) {
        if (!client().cancel(r.id())) {
            throw new HttpError(409, "run " + r.id() + " has ended already (" + r.status() + ")");
        }
        LOG.info("run {} of deployment '{}' cancelled by '{}'", r.id(), r.deployment(), who.name());
        return client().run(r.id()).orElse(r);
    }

    private DeploymentRun retry(DeploymentRun r, Principal who) {
        String id;
        try {
            id = client().retry(r.id());
        } catch (IllegalStateException e) {
            throw new HttpError(409, "run " + r.id() + " has not finished (" + r.status() + "): cancel it first, or wait");
        }
        LOG.info("run {} of deployment '{}' run again by '{}' as {}", r.id(), r.deployment(), who.name(), id);
        return client().run(id).orElseThrow(() -> HttpError.notFound("the new run " + id + " is gone"));
    }

    private void cancelForm(Context ctx, Principal who, DeploymentRun r, @Nullable String flowRunId) {
        cancel(r, who);
        ctx.redirect(flowRunId != null ? "/runs/" + flowRunId : href(r.deployment()) + "?cancelled=" + r.id() + "#runs",
                HttpStatus.SEE_OTHER);
    }

    private void retryForm(Context ctx, Principal who, DeploymentRun r) {
        DeploymentRun again = retry(r, who);
        ctx.redirect(href(r.deployment()) + "?triggered=" + again.id() + "#runs", HttpStatus.SEE_OTHER);
    }

    // ---- API

    private static Object masked(@Nullable Object v) {
        if (v instanceof String s) {
            return Secret.mask(s);
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), masked(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            return l.stream().map(DeploymentRoutes::masked).toList();
        }
        return v;
    }

    static ObjectNode runJson(DeploymentRun r) {
        ObjectNode n = Json.MAPPER.valueToTree(r);
        n.set("parameters", Json.MAPPER.valueToTree(masked(r.parameters())));
        if (r.message() != null) {
            n.put("message", Secret.mask(r.message()));
        }
        return n;
    }

    private ObjectNode deploymentJson(DeploymentInfo d, @Nullable DeploymentRun last, Instant now) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("name", d.name());
        n.put("flowName", d.flowName());
        n.put("version", d.version());
        n.put("description", d.description());
        n.set("tags", Json.MAPPER.valueToTree(d.tags().stream().sorted().toList()));
        n.put("paused", d.paused());
        ArrayNode schedules = n.putArray("schedules");
        for (Schedule s : d.schedules()) {
            schedules.addObject().put("expression", s.toString()).put("description", s.description());
        }
        ArrayNode next = n.putArray("nextRuns");
        if (!d.paused()) { // a paused deployment's slots will not run: none, as the pages show
            d.nextSlots(5, now).forEach(t -> next.add(t.toString()));
        }
        n.set("lastRun", last == null ? null : runJson(last));
        n.set("parameters", Json.MAPPER.valueToTree(masked(d.parameters())));
        try {
            n.set("parameterSchema", Json.MAPPER.readTree(d.parameterSchema().toJson()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the parameter schema of " + d.name() + " is not JSON", e);
        }
        n.put("concurrencyLimit", d.concurrencyLimit());
        n.put("catchUp", d.catchUp().name());
        n.put("catchUpWindow", d.catchUpWindow() == null ? null : d.catchUpWindow().toString());
        n.put("overlap", d.overlap().name());
        n.put("updatedAt", d.updatedAt().toString());
        return n;
    }

    private void apiDeployments(Context ctx, Principal who) {
        Instant now = settings.clock().instant();
        DeploymentClient c = client();
        ArrayNode items = Json.MAPPER.createArrayNode();
        for (DeploymentInfo d : c.deployments()) {
            items.add(deploymentJson(d, last(c, d.name()), now));
        }
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.set("deployments", items);
        Web.json(ctx, out);
    }

    private void apiDeployment(Context ctx, Principal who) {
        DeploymentInfo d = deployment(ctx);
        Web.json(ctx, deploymentJson(d, last(client(), d.name()), settings.clock().instant()));
    }

    private void apiDeploymentRuns(Context ctx, Principal who) {
        DeploymentInfo d = deployment(ctx);
        String l = ctx.queryParam("limit");
        int limit = RECENT;
        if (l != null && !l.isBlank()) {
            try {
                limit = Integer.parseInt(l.strip());
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > 1_000) {
                throw HttpError.badRequest("limit must be a number from 1 to 1000, was '" + Fmt.cut(l, 40) + "'");
            }
        }
        ArrayNode items = Json.MAPPER.createArrayNode();
        client().runs(d.name(), limit).forEach(r -> items.add(runJson(r)));
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.set("items", items);
        Web.json(ctx, out);
    }

    /** A bound as a form shows it: 1000, not 1E+3; a double's (309 digits) as 1.7976931348623157E+308. */
    static String bound(BigDecimal d) {
        String plain = d.toPlainString();
        return plain.length() <= 40 ? plain : d.stripTrailingZeros().toString();
    }

    private void apiTrigger(Context ctx, Principal who) {
        DeploymentInfo d = deployment(ctx);
        JsonNode body = Web.jsonBody(ctx, "{\"parameters\": {\"day\": \"2026-01-31\"}}", "parameters");
        JsonNode params = body.path("parameters");
        if (!params.isMissingNode() && !params.isNull() && !params.isObject()) {
            throw HttpError.badRequest("'parameters' must be a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> input = params.isObject() ? Json.MAPPER.convertValue(params, Map.class) : Map.of();
        try {
            refuseNullsADefaultWouldReplace(d, input);
            String id = inCallersTrace(ctx, () -> client().trigger(d.name(), input));
            LOG.info("deployment '{}' triggered by '{}': run {}", d.name(), who.name(), id);
            ctx.status(201).header("Location", "/api/deployment-runs/" + id);
            Web.json(ctx, runJson(client().run(id).orElseThrow(() -> HttpError.notFound("the new run " + id + " is gone"))));
        } catch (InvalidParametersException e) {
            ObjectNode out = Json.MAPPER.createObjectNode().put("status", 400).put("error", "Bad request")
                    .put("message", Secret.mask(e.getMessage()));
            ArrayNode errors = out.putArray("errors");
            e.errors().forEach(err -> errors.addObject().put("parameter", err.parameter()).put("message", Secret.mask(err.message())));
            ctx.status(400);
            Web.json(ctx, out);
        }
    }

    /**
     * An explicit JSON null is taken as "no value", which the trigger would replace by the parameter's default without
     * a word: refused instead, naming the parameter, where a default would take its place or the parameter is
     * required (with every other wrong field). A null for an optional parameter without a default is what leaving it
     * out means (null), and passes.
     */
    private void refuseNullsADefaultWouldReplace(DeploymentInfo d, Map<String, @Nullable Object> input) {
        List<ParameterError> errors = new ArrayList<>();
        Map<String, @Nullable Object> rest = new LinkedHashMap<>(input);
        for (Map.Entry<String, @Nullable Object> e : input.entrySet()) {
            Parameter p = e.getValue() == null ? d.parameterSchema().parameter(e.getKey()).orElse(null) : null;
            if (p == null) {
                continue;
            }
            Object dflt = d.parameters().containsKey(p.name()) ? d.parameters().get(p.name()) : p.defaultValue().orElse(null);
            if (dflt != null) {
                errors.add(new ParameterError(p.name(), "is null, and null is not a value here: leave it out to use its default ("
                        + Fmt.cut(String.valueOf(dflt), 60) + "), or give a value"));
            } else if (p.isRequired()) {
                errors.add(new ParameterError(p.name(), "is required, and null is not a value: give a value"));
            } else {
                continue;
            }
            rest.remove(p.name());
        }
        if (errors.isEmpty()) {
            return;
        }
        d.parameterSchema().validate(mergedOverDefaults(d, rest)).errors().stream()
                .filter(err -> !input.containsKey(err.parameter()) || input.get(err.parameter()) != null)
                .forEach(errors::add);
        throw new InvalidParametersException("deployment '" + d.name() + "'", errors);
    }

    private static Map<String, @Nullable Object> mergedOverDefaults(DeploymentInfo d, Map<String, @Nullable Object> input) {
        Map<String, @Nullable Object> merged = new LinkedHashMap<>(d.parameters());
        input.forEach((k, v) -> {
            if (v != null) {
                merged.put(k, v);
            }
        });
        return merged;
    }

    private void apiBackfill(Context ctx, Principal who) {
        DeploymentInfo d = deployment(ctx);
        JsonNode body = Web.jsonBody(ctx, "{\"from\": \"2026-01-01T00:00:00Z\", \"to\": \"2026-02-01T00:00:00Z\", \"force\": false}",
                "from", "to", "force");
        if (!body.path("force").isMissingNode() && !body.path("force").isNull() && !body.path("force").isBoolean()) {
            throw HttpError.badRequest("force must be true or false, was " + Fmt.cut(body.path("force").toString(), 40));
        }
        List<String> ids = inCallersTrace(ctx, () -> client().backfill(d.name(), time("from", Web.text(body, "from")),
                time("to", Web.text(body, "to")), body.path("force").asBoolean(false)));
        LOG.info("deployment '{}' backfilled by '{}': {} runs", d.name(), who.name(), ids.size());
        ctx.status(201);
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.set("runs", Json.MAPPER.valueToTree(ids));
        Web.json(ctx, out);
    }

    /** The W3C headers a traced caller sends: its trace context and baggage; nothing else of the request is read. */
    private static final List<String> TRACE_HEADERS = List.of("traceparent", "tracestate", "baggage");

    /**
     * {@code call}, with the trace context of the request's W3C headers ({@code traceparent}, {@code tracestate},
     * {@code baggage}) in force, as the {@code ContextCarrier}s on the class path read them: the run a worker starts
     * for a trigger, retry or backfill sent by a traced client joins that client's trace, as one asked for with
     * {@code DeploymentClient.trigger} inside a span does. Without such headers (or carriers) it is just called.
     */
    static <T> T inCallersTrace(Context ctx, java.util.function.Supplier<T> call) {
        Map<String, String> carrier = new LinkedHashMap<>();
        for (String name : TRACE_HEADERS) {
            String value = ctx.header(name);
            if (value != null && !value.isBlank() && value.length() <= 8192) {
                carrier.put(name, value);
            }
        }
        if (carrier.isEmpty()) {
            return call.get();
        }
        try (dev.sluice.RunRecorder.Scope ignored = dev.sluice.ContextCarrier.installed().extract(carrier)) {
            return call.get();
        }
    }

    private void apiPause(Context ctx, Principal who, boolean pause) {
        Web.jsonBody(ctx, "{}"); // takes no fields: one given by mistake is a 400 naming it, not quietly left out
        DeploymentInfo d = deployment(ctx);
        setPaused(d.name(), who, pause);
        DeploymentInfo now = client().deployment(d.name()).orElse(d);
        Web.json(ctx, deploymentJson(now, last(client(), d.name()), settings.clock().instant()));
    }

    private void apiCancel(Context ctx, Principal who, DeploymentRun r) {
        Web.jsonBody(ctx, "{}"); // takes no fields: one given by mistake is a 400 naming it, not quietly left out
        Web.json(ctx, runJson(cancel(r, who)));
    }

    private void apiRetry(Context ctx, Principal who, DeploymentRun r) {
        Web.jsonBody(ctx, "{}"); // takes no fields: one given by mistake is a 400 naming it, not quietly left out
        DeploymentRun again = inCallersTrace(ctx, () -> retry(r, who));
        ctx.status(201).header("Location", "/api/deployment-runs/" + again.id());
        Web.json(ctx, runJson(again));
    }
}
