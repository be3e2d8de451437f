package dev.sluice.server.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The OpenAPI 3 document of the JSON API, made from the routes the server registers. */
final class OpenApi {
    private static final Pattern PARAM = Pattern.compile("\\{([^}]+)}");
    private static final Map<String, String> QUERY_DOCS = Map.ofEntries(
            Map.entry("flow", "flow names (any of); repeat or separate with commas"),
            Map.entry("name", "run name pattern: % any text, _ one character; without either, a prefix"),
            Map.entry("tag", "tags a run must all have; repeat or separate with commas"),
            Map.entry("state", "states (any of): SCHEDULED, PENDING, RUNNING, RETRYING, COMPLETED, CACHED, FAILED, CRASHED, CANCELLED, TIMED_OUT"),
            Map.entry("range", "runs started within 1h, 24h, 7d or 30d of now"),
            Map.entry("from", "runs started at or after this time (ISO-8601)"),
            Map.entry("to", "runs started before this time (ISO-8601)"),
            Map.entry("top", "1: only runs that are not subflow runs"),
            Map.entry("limit", "page size"),
            Map.entry("after", "the cursor of the previous page (nextCursor), or for logs the last line number seen"),
            Map.entry("window", "24h (hourly buckets) or 7d (6-hour buckets)"),
            Map.entry("next", "where to go after logging in"),
            Map.entry("tasks_after", "the cursor of the previous page of task runs"));

    private OpenApi() {
    }

    static ObjectNode document(List<RouteDef> routes) {
        var m = Json.MAPPER;
        ObjectNode doc = m.createObjectNode();
        doc.put("openapi", "3.0.3");
        doc.putObject("info").put("title", "Sluice server API").put("version", "1")
                .put("description", "The JSON API of the Sluice dashboard. Send 'Authorization: Bearer <API key>'; "
                        + "roles: viewer (read), operator (trigger, backfill, cancel, retry, pause, resume), admin (keys, blocks). Secret values never appear.");
        ObjectNode paths = doc.putObject("paths");
        for (RouteDef r : routes) {
            if (!r.api()) {
                continue;
            }
            ObjectNode path = paths.has(r.path()) ? (ObjectNode) paths.get(r.path()) : paths.putObject(r.path());
            ObjectNode op = path.putObject(r.method().toLowerCase(java.util.Locale.ROOT));
            op.put("summary", r.summary());
            op.put("operationId", r.method().toLowerCase(java.util.Locale.ROOT) + r.path().replaceAll("[^A-Za-z0-9]+", "_"));
            if (r.role() != null) {
                op.put("x-sluice-role", r.role().id());
            } else {
                op.putArray("security");
            }
            ArrayNode params = op.putArray("parameters");
            Matcher pm = PARAM.matcher(r.path());
            while (pm.find()) {
                params.addObject().put("name", pm.group(1)).put("in", "path").put("required", true)
                        .putObject("schema").put("type", "string");
            }
            for (String q : r.query()) {
                ObjectNode p = params.addObject().put("name", q).put("in", "query").put("required", false)
                        .put("description", QUERY_DOCS.getOrDefault(q, q));
                p.putObject("schema").put("type", "string");
            }
            String body = !r.method().equals("POST") ? null : r.path().equals("/api/keys") ? "KeyRequest"
                    : r.path().equals("/api/deployments/{name}/runs") ? "TriggerRequest"
                    : r.path().equals("/api/deployments/{name}/backfill") ? "BackfillRequest" : null;
            if (body != null) {
                op.putObject("requestBody").put("required", !body.equals("TriggerRequest")).putObject("content")
                        .putObject("application/json").putObject("schema").put("$ref", "#/components/schemas/" + body);
            }
            ObjectNode responses = op.putObject("responses");
            boolean creates = r.path().equals("/api/keys") || r.path().endsWith("/runs") || r.path().endsWith("/backfill")
                    || r.path().endsWith("/retry");
            String ok = r.method().equals("POST") ? (creates ? "201" : "200") : r.method().equals("DELETE") ? "204" : "200";
            ObjectNode okResponse = responses.putObject(ok).put("description", "success");
            if (!r.response().isEmpty()) {
                okResponse.putObject("content").putObject("application/json").putObject("schema")
                        .put("$ref", "#/components/schemas/" + r.response());
            } else if (r.path().endsWith("/stream")) {
                okResponse.putObject("content").putObject("text/event-stream").putObject("schema").put("type", "string");
            } else if (r.path().endsWith("openapi.json")) {
                okResponse.putObject("content").putObject("application/json").putObject("schema").put("type", "object");
            }
            responses.putObject("400").put("description", "malformed parameter").set("content", errorContent());
            if (r.role() != null) {
                responses.putObject("401").put("description", "no valid API key").set("content", errorContent());
                responses.putObject("403").put("description", "the key's role is not enough, or a CSRF token is missing")
                        .set("content", errorContent());
            }
            if (r.path().endsWith("/cancel") || r.path().endsWith("/retry")) {
                responses.putObject("409").put("description", "the run has ended (cancel) or has not finished (retry)")
                        .set("content", errorContent());
            }
            if (r.method().equals("DELETE") && r.path().startsWith("/api/blocks/")) {
                responses.putObject("409").put("description", "the block store is read-only (environment variables)")
                        .set("content", errorContent());
            }
            if (r.path().endsWith("/stream")) {
                responses.putObject("406").put("description", "the request does not accept text/event-stream")
                        .set("content", errorContent());
            }
            if (r.method().equals("POST") && body != null) {
                responses.putObject("413").put("description", "the body is larger than the server takes").set("content", errorContent());
                responses.putObject("415").put("description", "the body is not sent as application/json").set("content", errorContent());
            }
            if (r.path().contains("{")) {
                responses.putObject("404").put("description", "not found").set("content", errorContent());
            }
            responses.putObject("503").put("description", "the database cannot be reached").set("content", errorContent());
        }
        ObjectNode components = doc.putObject("components");
        components.putObject("securitySchemes").putObject("bearer").put("type", "http").put("scheme", "bearer");
        doc.putArray("security").addObject().putArray("bearer");
        ObjectNode schemas = components.putObject("schemas");
        ObjectNode error = schemas.putObject("Error").put("type", "object");
        error.set("required", m.createArrayNode().add("status").add("error").add("message"));
        ObjectNode errorProps = error.putObject("properties");
        errorProps.<ObjectNode>set("status", type("integer")).<ObjectNode>set("error", type("string")).set("message", type("string"));
        errorProps.putObject("errors").put("type", "array")
                .put("description", "a refused trigger's wrong parameters, one entry per field (only there)")
                .putObject("items").put("type", "object").putObject("properties")
                .<ObjectNode>set("parameter", type("string")).set("message", type("string"));
        ObjectNode run = schemas.putObject("Run").put("type", "object");
        ObjectNode rp = run.putObject("properties");
        for (String s : List.of("id", "name", "flowName", "version", "state", "parentFlowRunId", "createdAt", "startTime",
                "endTime", "duration", "updatedAt")) {
            rp.set(s, List.of("version", "parentFlowRunId", "startTime", "endTime").contains(s) ? nullable("string") : type("string"));
        }
        rp.set("attempts", type("integer"));
        rp.set("durationMillis", type("integer"));
        rp.putObject("tags").put("type", "array").set("items", type("string"));
        rp.putObject("parameters").put("type", "object").put("description", "the run's parameters (masked), in the pages of "
                + "/api/runs; a run detail has them beside the run, not in it, and subflow runs leave them out");
        schemas.set("RunPage", page("#/components/schemas/Run"));
        schemas.set("TaskRunPage", page("#/components/schemas/TaskRun"));
        schemas.set("LogPage", page(null));
        ObjectNode detail = schemas.putObject("RunDetail").put("type", "object").putObject("properties");
        detail.putObject("run").put("$ref", "#/components/schemas/Run");
        detail.putObject("stateHistory").put("type", "array").putObject("items").put("type", "object");
        detail.putObject("parameters").put("type", "object");
        detail.putObject("error").put("type", "object").put("nullable", true);
        detail.putObject("taskRuns").put("$ref", "#/components/schemas/TaskRunPage");
        detail.putObject("subflowRuns").put("$ref", "#/components/schemas/RunPage");
        detail.putObject("logs").put("$ref", "#/components/schemas/LogPage");
        ObjectNode taskRun = schemas.putObject("TaskRun").put("type", "object");
        ObjectNode tp = taskRun.putObject("properties");
        for (String s : List.of("id", "name", "taskName", "version", "state", "flowRunId", "parentTaskRunId", "cacheKey",
                "cachedFromRunId", "createdAt", "startTime", "endTime", "duration", "updatedAt")) {
            tp.set(s, List.of("version", "parentTaskRunId", "cacheKey", "cachedFromRunId", "startTime", "endTime").contains(s)
                    ? nullable("string") : type("string"));
        }
        tp.putObject("tags").put("type", "array").set("items", type("string"));
        tp.set("attempts", type("integer"));
        tp.set("durationMillis", type("integer"));
        ObjectNode taskDetail = schemas.putObject("TaskRunDetail").put("type", "object").putObject("properties");
        taskDetail.putObject("run").put("$ref", "#/components/schemas/TaskRun");
        taskDetail.putObject("stateHistory").put("type", "array").putObject("items").put("type", "object");
        taskDetail.putObject("parameters").put("type", "object");
        taskDetail.putObject("error").put("type", "object").put("nullable", true);
        taskDetail.putObject("logs").put("$ref", "#/components/schemas/LogPage");
        schemas.putObject("Activity").put("type", "object").putObject("properties")
                .<ObjectNode>set("from", type("string")).<ObjectNode>set("to", type("string"))
                .<ObjectNode>set("bucket", type("string"))
                .putObject("counts").put("type", "array").putObject("items").put("type", "object").putObject("properties")
                .<ObjectNode>set("bucketStart", type("string")).<ObjectNode>set("state", type("string")).set("count", type("integer"));
        schemas.putObject("Blocks").put("type", "object").putObject("properties").<ObjectNode>set("store", type("string"))
                .putObject("blocks").put("type", "array").putObject("items").put("type", "object")
                .put("description", "type, name, fields (name, value, text: whether the value is text, else it is the"
                        + " value's JSON, such as 5432 or [\"a\"]; secret values are the text **********), problem");
        schemas.putObject("Key").put("type", "object").putObject("properties").<ObjectNode>set("id", type("string"))
                .<ObjectNode>set("name", type("string")).<ObjectNode>set("role", type("string"))
                .<ObjectNode>set("createdAt", type("string")).<ObjectNode>set("revokedAt", nullable("string"))
                .set("active", type("boolean"));
        schemas.putObject("Keys").put("type", "object").putObject("properties").putObject("keys").put("type", "array")
                .putObject("items").put("$ref", "#/components/schemas/Key");
        schemas.putObject("KeyRequest").put("type", "object").put("additionalProperties", false).<ObjectNode>set("required", m.createArrayNode().add("name").add("role"))
                .putObject("properties").<ObjectNode>set("name", type("string")).putObject("role").put("type", "string")
                .putArray("enum").add("viewer").add("operator").add("admin");
        schemas.putObject("NewKey").put("type", "object").putObject("properties").<ObjectNode>set("token", type("string"))
                .putObject("key").put("$ref", "#/components/schemas/Key");
        ObjectNode drun = schemas.putObject("DeploymentRun").put("type", "object").putObject("properties");
        for (String f : List.of("id", "deployment", "slot", "scheduledTime", "flowRunId", "workerId", "retryOf", "message",
                "createdAt", "startedAt", "endedAt")) {
            drun.set(f, List.of("slot", "flowRunId", "workerId", "retryOf", "message", "startedAt", "endedAt").contains(f)
                    ? nullable("string") : type("string"));
        }
        drun.putObject("kind").put("type", "string").putArray("enum").add("SCHEDULED").add("MANUAL").add("BACKFILL").add("RETRY");
        ArrayNode statuses = drun.putObject("status").put("type", "string").putArray("enum");
        for (dev.sluice.scheduler.RunStatus s : dev.sluice.scheduler.RunStatus.values()) {
            statuses.add(s.name());
        }
        drun.set("late", type("boolean"));
        drun.set("cancelRequested", type("boolean"));
        drun.putObject("parameters").put("type", "object");
        schemas.putObject("DeploymentRuns").put("type", "object").putObject("properties").putObject("items").put("type", "array")
                .putObject("items").put("$ref", "#/components/schemas/DeploymentRun");
        ObjectNode dep = schemas.putObject("Deployment").put("type", "object").putObject("properties");
        for (String f : List.of("name", "flowName", "version", "description", "catchUp", "catchUpWindow", "overlap", "updatedAt")) {
            dep.set(f, List.of("version", "description", "catchUpWindow").contains(f) ? nullable("string") : type("string"));
        }
        dep.putObject("tags").put("type", "array").set("items", type("string"));
        dep.set("paused", type("boolean"));
        dep.set("concurrencyLimit", type("integer"));
        dep.putObject("schedules").put("type", "array").putObject("items").put("type", "object").putObject("properties")
                .<ObjectNode>set("expression", type("string")).set("description", type("string"));
        dep.putObject("nextRuns").put("type", "array").set("items", type("string"));
        // OpenAPI 3.0 ignores what stands beside a $ref: a nullable reference is an allOf of one
        ObjectNode lastRun = dep.putObject("lastRun").put("nullable", true).put("description", "null before its first run");
        lastRun.putArray("allOf").addObject().put("$ref", "#/components/schemas/DeploymentRun");
        dep.putObject("parameters").put("type", "object").put("description", "the deployment's default parameter values");
        dep.putObject("parameterSchema").put("type", "object").put("description", "the parameters as JSON Schema");
        schemas.putObject("Deployments").put("type", "object").putObject("properties").putObject("deployments")
                .put("type", "array").putObject("items").put("$ref", "#/components/schemas/Deployment");
        schemas.putObject("TriggerRequest").put("type", "object").put("additionalProperties", false).putObject("properties").putObject("parameters")
                .put("type", "object").put("description", "parameter values over the deployment's defaults; text is accepted for every type");
        schemas.putObject("BackfillRequest").put("type", "object").put("additionalProperties", false).<ObjectNode>set("required", m.createArrayNode().add("from").add("to"))
                .putObject("properties").<ObjectNode>set("from", type("string")).<ObjectNode>set("to", type("string"))
                .set("force", type("boolean"));
        schemas.putObject("Backfill").put("type", "object").putObject("properties").putObject("runs").put("type", "array")
                .set("items", type("string"));
        ObjectNode worker = schemas.putObject("Worker").put("type", "object").putObject("properties");
        for (String f : List.of("id", "name", "host", "startedAt", "heartbeatAt", "stoppedAt")) {
            worker.set(f, f.equals("stoppedAt") ? nullable("string") : type("string"));
        }
        worker.set("pid", type("integer"));
        worker.set("stale", type("boolean"));
        worker.putObject("deployments").put("type", "array").set("items", type("string"));
        worker.putObject("running").put("type", "array").put("description", "ids of the deployment runs it is running")
                .set("items", type("string"));
        schemas.putObject("Workers").put("type", "object").putObject("properties").<ObjectNode>set("staleAfter", type("string"))
                .putObject("workers").put("type", "array").putObject("items").put("$ref", "#/components/schemas/Worker");
        schemas.putObject("Me").put("type", "object").putObject("properties").<ObjectNode>set("name", type("string"))
                .<ObjectNode>set("role", type("string")).set("open", type("boolean"));
        ObjectNode health = schemas.putObject("Health").put("type", "object");
        health.set("required", m.createArrayNode().add("status"));
        health.putObject("properties").putObject("status").put("type", "string").putArray("enum").add("ok");
        return doc;
    }

    private static ObjectNode type(String t) {
        return Json.MAPPER.createObjectNode().put("type", t);
    }

    /** A value of type {@code t} that may be {@code null} (a run not started, a key not revoked). */
    private static ObjectNode nullable(String t) {
        return type(t).put("nullable", true);
    }

    private static ObjectNode errorContent() {
        ObjectNode c = Json.MAPPER.createObjectNode();
        c.putObject("application/json").putObject("schema").put("$ref", "#/components/schemas/Error");
        return c;
    }

    private static ObjectNode page(@org.jspecify.annotations.Nullable String ref) {
        ObjectNode p = Json.MAPPER.createObjectNode().put("type", "object");
        ObjectNode props = p.putObject("properties");
        ObjectNode items = props.putObject("items").put("type", "array").putObject("items");
        if (ref != null) {
            items.put("$ref", ref);
        } else {
            items.put("type", "object");
        }
        props.putObject("nextCursor").put("type", "string").put("nullable", true);
        return p;
    }
}
