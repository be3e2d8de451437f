package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.Flow;
import dev.sluice.RunContext;
import dev.sluice.SluiceRuntime;
import dev.sluice.Task;
import dev.sluice.block.BlockStore;
import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.scheduler.Worker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client written from the OpenAPI document alone: every operation the document names is called against a real
 * server (a SQLite history filled by real flows, a real worker serving deployments, API keys of every role), and
 * each answer's status, content type and JSON body are checked against what the document says of that operation.
 */
class OpenApiClientIT {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static HistoryDatabase db;
    static History history;
    static SluiceServer server;
    static Worker worker;
    static String admin;
    static String operator;
    static String viewer;
    static String flowRunId;
    static String taskRunId;
    static JsonNode doc;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        db = HistoryDatabase.sqlite(dir.resolve("client.db"));
        history = History.open(db);
        try (SluiceRuntime runtime = SluiceRuntime.builder().home(dir).withoutExtensions().recorder(history.recorder())
                .blockStore(BlockStore.inMemory()).build()) {
            Task<String, Integer> extract = Task.of("extract", (String city) -> {
                RunContext.logger().info("extracting {}", city);
                return city.length();
            });
            Flow<Integer, Integer> child = Flow.of("child", (Integer n) -> n + 1);
            Flow<String, Integer> etl = Flow.of("etl", (String city) -> child.run(extract.run(city)));
            for (int i = 0; i < 5; i++) {
                flowRunId = runtime.runForState(etl, "city" + i).id();
            }
        }
        assertThat(history.flush(Duration.ofSeconds(30))).isTrue();
        taskRunId = history.taskRuns(dev.sluice.history.TaskRunQuery.all().inFlowRun(flowRunId)).items().get(0).id();
        try (ApiKeys keys = ApiKeys.open(db)) {
            admin = keys.create("admin", Role.ADMIN).token().reveal();
            operator = keys.create("operator", Role.OPERATOR).token().reveal();
            viewer = keys.create("viewer", Role.VIEWER).token().reveal();
        }
        server = SluiceServer.start(ServerOptions.builder().port(0).printUrl(false).history(history, db)
                .blockStore(BlockStore.inMemory()).build());
        worker = Fixture.startWorker(db);
        doc = JSON.readTree(call("GET", "/api/openapi.json", null, null).body());
    }

    @AfterAll
    static void stop() {
        if (worker != null) {
            worker.close();
        }
        if (server != null) {
            server.close();
        }
        if (history != null) {
            history.close();
        }
    }

    static HttpResponse<String> call(String method, String path, String key, String jsonBody) {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.url().resolve(path));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        if (jsonBody != null) {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return Fixture.send(HTTP, b);
    }

    /** The problems of {@code response} as an answer of {@code method path}, by the document. */
    static List<String> check(String method, String templatePath, HttpResponse<String> response) throws Exception {
        List<String> problems = new ArrayList<>();
        String where = method + " " + templatePath + " -> " + response.statusCode();
        JsonNode op = doc.path("paths").path(templatePath).path(method.toLowerCase());
        if (op.isMissingNode()) {
            problems.add(where + ": no such operation in the document");
            return problems;
        }
        JsonNode declared = op.path("responses").path(String.valueOf(response.statusCode()));
        if (declared.isMissingNode()) {
            problems.add(where + ": status not in the document (documented: " + fieldNames(op.path("responses")) + ") body "
                    + cut(response.body()));
            return problems;
        }
        JsonNode content = declared.path("content");
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (content.isMissingNode() || content.isEmpty()) {
            if (!response.body().isEmpty()) {
                problems.add(where + ": the document says no content, the answer has " + type + " " + cut(response.body()));
            }
            return problems;
        }
        String mediaType = content.fieldNames().next();
        if (!type.startsWith(mediaType)) {
            problems.add(where + ": content type " + type + ", the document says " + mediaType);
            return problems;
        }
        if (mediaType.equals("application/json")) {
            validate(JSON.readTree(response.body()), content.path(mediaType).path("schema"), where + " body", problems);
        }
        return problems;
    }

    static void validate(JsonNode value, JsonNode schema, String at, List<String> problems) {
        if (schema.has("$ref")) {
            String ref = schema.get("$ref").asText();
            schema = doc.at(ref.substring(1));
            if (schema.isMissingNode()) {
                problems.add(at + ": $ref " + ref + " names no schema");
                return;
            }
        }
        if (schema.has("allOf")) {
            if (value.isNull() && schema.path("nullable").asBoolean(false)) {
                return;
            }
            for (JsonNode part : schema.get("allOf")) {
                validate(value, part, at, problems);
            }
            return;
        }
        if (value.isNull()) {
            if (!schema.path("nullable").asBoolean(false)) {
                problems.add(at + ": null, but the schema is not nullable");
            }
            return;
        }
        String type = schema.path("type").asText("");
        switch (type) {
            case "object" -> {
                if (!value.isObject()) {
                    problems.add(at + ": " + value.getNodeType() + ", the document says object");
                    return;
                }
                JsonNode props = schema.path("properties");
                if (props.isObject()) {
                    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> f = it.next();
                        if (!props.has(f.getKey())) {
                            problems.add(at + ": field '" + f.getKey() + "' is not in the document");
                        } else {
                            validate(f.getValue(), props.get(f.getKey()), at + "." + f.getKey(), problems);
                        }
                    }
                }
                if (props.isObject()) {
                    // a property the document lists is there (null where it says nullable), so a client reading it finds
                    // it: all but the two the document says are sometimes left out
                    for (Iterator<String> it = props.fieldNames(); it.hasNext(); ) {
                        String name = it.next();
                        boolean leftOutSometimes = props.get(name).path("description").asText("").contains("leave them out")
                                || props.get(name).path("description").asText("").contains("(only there)");
                        if (!value.has(name) && !leftOutSometimes) {
                            problems.add(at + ": documented field '" + name + "' is missing");
                        }
                    }
                }
                for (JsonNode required : schema.path("required")) {
                    if (!value.has(required.asText())) {
                        problems.add(at + ": required field '" + required.asText() + "' is missing");
                    }
                }
            }
            case "array" -> {
                if (!value.isArray()) {
                    problems.add(at + ": " + value.getNodeType() + ", the document says array");
                    return;
                }
                int i = 0;
                for (JsonNode item : value) {
                    validate(item, schema.path("items"), at + "[" + i++ + "]", problems);
                    if (i > 3) {
                        break;
                    }
                }
            }
            case "string" -> {
                if (!value.isTextual()) {
                    problems.add(at + ": " + value.getNodeType() + " " + cut(value.toString()) + ", the document says string");
                } else if (schema.has("enum")) {
                    boolean found = false;
                    for (JsonNode e : schema.get("enum")) {
                        found |= e.asText().equals(value.asText());
                    }
                    if (!found) {
                        problems.add(at + ": '" + value.asText() + "' is not one of " + schema.get("enum"));
                    }
                }
            }
            case "integer" -> {
                if (!value.isIntegralNumber()) {
                    problems.add(at + ": " + value.getNodeType() + ", the document says integer");
                }
            }
            case "boolean" -> {
                if (!value.isBoolean()) {
                    problems.add(at + ": " + value.getNodeType() + ", the document says boolean");
                }
            }
            default -> {
            }
        }
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }

    static String cut(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }

    @Test
    void everyDocumentedReadAnswersAsTheDocumentSays() throws Exception {
        String deploymentRunId = worker.client().trigger(Fixture.DEPLOYMENT, Map.of("day", "2026-11-30"));
        worker.client().awaitFinished(deploymentRunId, Duration.ofSeconds(30)).orElseThrow();
        String keyId = JSON.readTree(call("GET", "/api/keys", admin, null).body()).path("keys").get(0).path("id").asText();
        Map<String, String> values = Map.of("{id}", flowRunId, "{name}", Fixture.DEPLOYMENT);
        List<String> problems = new ArrayList<>();
        for (Iterator<String> paths = doc.path("paths").fieldNames(); paths.hasNext(); ) {
            String template = paths.next();
            if (!doc.path("paths").path(template).has("get") || template.endsWith("/stream")) {
                continue;
            }
            String path = template.replace("{id}", template.startsWith("/api/deployment-runs") ? deploymentRunId
                    : template.startsWith("/api/keys") ? keyId : template.startsWith("/api/task-runs") ? taskRunId : flowRunId).replace("{name}", Fixture.DEPLOYMENT);
            problems.addAll(check("GET", template, call("GET", path, admin, null)));
            // the errors every protected read documents
            if (doc.path("paths").path(template).path("get").has("x-sluice-role")) {
                problems.addAll(check("GET", template, call("GET", path, null, null)));
                problems.addAll(check("GET", template, call("GET", path, "sluice_000000000000_" + "x".repeat(43), null)));
            }
            if (template.contains("{")) {
                String unknown = template.replace("{id}", "00000000-0000-0000-0000-000000000000").replace("{name}", "no-such");
                problems.addAll(check("GET", template, call("GET", unknown, admin, null)));
            }
        }
        assertThat(values).isNotEmpty();
        // a task run's logs, as a flow run's
        JsonNode taskLogs = JSON.readTree(call("GET", "/api/runs/" + taskRunId + "/logs", viewer, null).body());
        assertThat(taskLogs.path("items").get(0).path("message").asText()).isEqualTo("extracting city4");
        assertThat(problems).isEmpty();
    }

    static final List<String> PROBLEMS = new ArrayList<>();

    static JsonNode expect(String method, String template, String path, String key, String body, int status) throws Exception {
        HttpResponse<String> r = call(method, path, key, body);
        PROBLEMS.addAll(check(method, template, r));
        if (r.statusCode() != status) {
            PROBLEMS.add(method + " " + path + ": " + r.statusCode() + " where " + status + " was expected: " + cut(r.body()));
        }
        return r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
    }

    @Test
    void everyDocumentedChangeAnswersAsTheDocumentSaysWhileARealWorkerRunsTheRuns() throws Exception {
        PROBLEMS.clear();
        String dep = "/api/deployments/" + Fixture.DEPLOYMENT;
        String runs = "/api/deployments/{name}/runs";
        // trigger: 201 with the run, 400 listing wrong fields, 403 for a viewer, 404 for no such deployment, 415, 400 for bad JSON
        JsonNode waiting = expect("POST", runs, dep + "/runs", operator,
                "{\"parameters\": {\"city\": \"" + Fixture.WAITING_CITY + "\", \"day\": \"2026-12-01\"}}", 201);
        expect("POST", runs, dep + "/runs", operator, "{\"parameters\": {\"day\": \"yesterday\", \"days\": 500}}", 400);
        expect("POST", runs, dep + "/runs", viewer, "{\"parameters\": {\"day\": \"2026-12-01\"}}", 403);
        expect("POST", runs, "/api/deployments/no-such/runs", operator, "{}", 404);
        expect("POST", runs, dep + "/runs", operator, "[1]", 400);
        expect("POST", runs, dep + "/runs", operator, "{not json", 400);
        HttpResponse<String> text = Fixture.send(HTTP, HttpRequest.newBuilder(server.url().resolve(dep + "/runs"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")), "Authorization", "Bearer " + operator,
                "Content-Type", "text/plain");
        PROBLEMS.addAll(check("POST", runs, text));
        assertThat(text.statusCode()).isEqualTo(415);
        // cancel the waiting run while the worker runs it; cancelling again is 409; retry of a run not finished is 409
        String id = waiting.path("id").asText();
        expect("POST", "/api/deployment-runs/{id}/retry", "/api/deployment-runs/" + id + "/retry", operator, null, 409);
        expect("POST", "/api/deployment-runs/{id}/cancel", "/api/deployment-runs/" + id + "/cancel", viewer, null, 403);
        expect("POST", "/api/deployment-runs/{id}/cancel", "/api/deployment-runs/" + id + "/cancel", operator, null, 200);
        worker.client().awaitFinished(id, Duration.ofSeconds(30)).orElseThrow();
        expect("POST", "/api/deployment-runs/{id}/cancel", "/api/deployment-runs/" + id + "/cancel", operator, null, 409);
        JsonNode again = expect("POST", "/api/deployment-runs/{id}/retry", "/api/deployment-runs/" + id + "/retry", operator,
                null, 201);
        expect("POST", "/api/runs/{id}/cancel", "/api/runs/" + flowRunId + "/cancel", operator, null, 404);
        expect("POST", "/api/runs/{id}/retry", "/api/runs/" + flowRunId + "/retry", operator, null, 404);
        expect("POST", "/api/deployment-runs/{id}/cancel", "/api/deployment-runs/" + again.path("id").asText() + "/cancel",
                operator, null, 200);
        // backfill, pause, resume
        String from = "2026-01-01T00:00:00Z";
        expect("POST", "/api/deployments/{name}/backfill", dep + "/backfill", operator,
                "{\"from\": \"" + from + "\", \"to\": \"2026-01-03T00:00:00Z\"}", 201);
        expect("POST", "/api/deployments/{name}/backfill", dep + "/backfill", operator, "{\"from\": \"soon\"}", 400);
        JsonNode paused = expect("POST", "/api/deployments/{name}/pause", dep + "/pause", operator, null, 200);
        assertThat(paused.path("paused").asBoolean()).isTrue();
        assertThat(paused.path("nextRuns")).as("none while paused").isEmpty();
        JsonNode resumed = expect("POST", "/api/deployments/{name}/resume", dep + "/resume", operator, null, 200);
        assertThat(resumed.path("paused").asBoolean()).isFalse();
        assertThat(resumed.path("nextRuns")).hasSize(5);
        JsonNode recent = expect("GET", "/api/deployments/{name}/runs", dep + "/runs?limit=3", viewer, null, 200);
        assertThat(recent.path("items")).hasSize(3);
        assertThat(recent.path("items").get(0).path("createdAt").asText())
                .as("newest first").isGreaterThanOrEqualTo(recent.path("items").get(1).path("createdAt").asText());
        expect("POST", "/api/deployments/{name}/pause", "/api/deployments/no-such/pause", operator, null, 404);
        // keys: create, list, revoke; a revoked key is refused at once; an operator cannot manage keys
        JsonNode created = expect("POST", "/api/keys", "/api/keys", admin, "{\"name\": \"ci-1\", \"role\": \"viewer\"}", 201);
        expect("POST", "/api/keys", "/api/keys", admin, "{\"name\": \"bad name!\", \"role\": \"viewer\"}", 400);
        expect("POST", "/api/keys", "/api/keys", admin, "{\"name\": \"ci-2\", \"role\": \"root\"}", 400);
        expect("POST", "/api/keys", "/api/keys", operator, "{\"name\": \"ci-3\", \"role\": \"admin\"}", 403);
        String token = created.path("token").asText();
        expect("GET", "/api/me", "/api/me", token, null, 200);
        expect("DELETE", "/api/keys/{id}", "/api/keys/" + created.path("key").path("id").asText(), admin, null, 204);
        expect("GET", "/api/me", "/api/me", token, null, 401);
        expect("DELETE", "/api/keys/{id}", "/api/keys/" + created.path("key").path("id").asText(), admin, null, 404);
        expect("DELETE", "/api/blocks/{type}/{name}", "/api/blocks/secret/nothing-here", admin, null, 404);
        expect("DELETE", "/api/blocks/{type}/{name}", "/api/blocks/secret/nothing-here", operator, null, 403);
        assertThat(PROBLEMS).isEmpty();
    }

    @Test
    void oddParameterValuesAreAnsweredAsDocumentedNeverWithA500() throws Exception {
        List<String> odd = List.of("", "-1", "0", "1001", "99999999999999999999", "abc", "\u0000", "<script>alert(1)</script>",
                "x".repeat(3000), "é✓😀", "' OR 1=1 --", "2026-13-45T99:99", "%", "_", "1h,2h", "/", "..");
        List<String> problems = new ArrayList<>();
        for (Iterator<String> paths = doc.path("paths").fieldNames(); paths.hasNext(); ) {
            String template = paths.next();
            JsonNode get = doc.path("paths").path(template).path("get");
            if (get.isMissingNode() || template.endsWith("/stream")) {
                continue;
            }
            String path = template.replace("{id}", template.startsWith("/api/task-runs") ? taskRunId : flowRunId)
                    .replace("{name}", Fixture.DEPLOYMENT);
            for (JsonNode p : get.path("parameters")) {
                if (!p.path("in").asText().equals("query")) {
                    continue;
                }
                for (String value : odd) {
                    String q = path + "?" + p.path("name").asText() + "="
                            + java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
                    HttpResponse<String> r = call("GET", q, viewer, null);
                    problems.addAll(check("GET", template, r));
                    if (r.statusCode() >= 500) {
                        problems.add("GET " + q.substring(0, Math.min(q.length(), 120)) + " -> " + r.statusCode());
                    }
                }
            }
        }
        // odd path segments
        for (String template : List.of("/api/runs/{id}", "/api/task-runs/{id}", "/api/deployments/{name}",
                "/api/deployment-runs/{id}", "/api/runs/{id}/logs")) {
            for (String value : List.of("%3Cscript%3E", "..%2F..%2Fetc", "x".repeat(300), "%C3%A9", "a%20b", "%25")) {
                HttpResponse<String> r = call("GET", template.replace("{id}", value).replace("{name}", value), viewer, null);
                problems.addAll(check("GET", template, r));
            }
        }
        // the pages' answers to the same: the value shown as text, never as markup
        for (String page : List.of("/runs/%3Cscript%3Ealert(1)%3C%2Fscript%3E", "/deployments/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
                "/runs?state=%3Cscript%3Ealert(1)%3C%2Fscript%3E", "/runs?range=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
                "/runs?limit=%3Cscript%3Ealert(1)%3C%2Fscript%3E", "/runs/" + flowRunId + "/logs?after=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
                "/login?next=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E", "/nothing/%3Cscript%3Ealert(1)%3C%2Fscript%3E")) {
            HttpResponse<String> r = call("GET", page, viewer, null);
            assertThat(r.statusCode()).as(page).isLessThan(500);
            assertThat(r.body()).as(page).doesNotContain("<script>alert(1)");
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void concurrentClientsGetOneAnswerEachAsDocumented() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(16);
        try {
            // the same key name asked for 16 times at once: one key, the others a 400 naming the rule
            List<java.util.concurrent.Future<HttpResponse<String>>> made = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                made.add(pool.submit(() -> call("POST", "/api/keys", admin, "{\"name\": \"racer\", \"role\": \"viewer\"}")));
            }
            List<Integer> statuses = new ArrayList<>();
            List<String> problems = new ArrayList<>();
            for (var f : made) {
                HttpResponse<String> r = f.get();
                statuses.add(r.statusCode());
                problems.addAll(check("POST", "/api/keys", r));
            }
            assertThat(problems).isEmpty();
            assertThat(statuses).as(statuses.toString()).containsOnly(201, 400);
            assertThat(statuses.stream().filter(s -> s == 201).count()).isEqualTo(1);
            // 24 triggers at once: 24 runs, each run by the worker
            List<java.util.concurrent.Future<HttpResponse<String>>> triggered = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                int n = i;
                triggered.add(pool.submit(() -> call("POST", "/api/deployments/" + Fixture.DEPLOYMENT + "/runs", operator,
                        "{\"parameters\": {\"city\": \"c" + n + "\", \"day\": \"2026-12-01\"}}")));
            }
            java.util.Set<String> ids = new java.util.HashSet<>();
            for (var f : triggered) {
                HttpResponse<String> r = f.get();
                assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
                ids.add(JSON.readTree(r.body()).path("id").asText());
            }
            assertThat(ids).hasSize(24);
            for (String id : ids) {
                assertThat(worker.client().awaitFinished(id, Duration.ofSeconds(60)).orElseThrow().status().name())
                        .isEqualTo("COMPLETED");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Every item of {@code path}'s pages of {@code limit}, following nextCursor (or, for logs, the last line as after). */
    static List<String> walk(String path, int limit, boolean logs) throws Exception {
        List<String> seen = new ArrayList<>();
        String after = null;
        for (int page = 0; page < 100; page++) {
            String sep = path.contains("?") ? "&" : "?";
            JsonNode body = JSON.readTree(call("GET", path + sep + "limit=" + limit + (after == null ? "" : "&after="
                    + java.net.URLEncoder.encode(after, java.nio.charset.StandardCharsets.UTF_8)), viewer, null).body());
            assertThat(body.path("items").size()).isLessThanOrEqualTo(limit);
            for (JsonNode item : body.path("items")) {
                seen.add(logs ? item.path("line").asText() : item.path("id").asText());
            }
            if (body.path("nextCursor").isNull() || body.path("nextCursor").isMissingNode()) {
                return seen;
            }
            after = logs ? seen.get(seen.size() - 1) : body.path("nextCursor").asText();
        }
        throw new AssertionError("more than 100 pages of " + path);
    }

    @Test
    void followingNextCursorGivesEveryItemOnceInOrder() throws Exception {
        for (String path : List.of("/api/runs", "/api/runs?top=1", "/api/runs?flow=etl", "/api/runs?flow=child")) {
            List<String> all = walk(path, 500, false);
            assertThat(all).isNotEmpty();
            assertThat(walk(path, 1, false)).as(path).isEqualTo(all);
            assertThat(walk(path, 2, false)).as(path).isEqualTo(all);
        }
        List<String> tasks = walk("/api/runs/" + flowRunId + "/task-runs", 1000, false);
        assertThat(walk("/api/runs/" + flowRunId + "/task-runs", 1, false)).isEqualTo(tasks);
        List<String> subflows = walk("/api/runs/" + flowRunId + "/subflow-runs", 1000, false);
        assertThat(subflows).hasSize(1);
        assertThat(walk("/api/runs/" + flowRunId + "/subflow-runs", 1, false)).isEqualTo(subflows);
        assertThat(walk("/api/runs/" + flowRunId + "/logs", 1, true)).isEqualTo(walk("/api/runs/" + flowRunId + "/logs", 1000, true));
    }

    @Test
    void aMistypedBodyFieldIsRefusedNotIgnored() throws Exception {
        PROBLEMS.clear();
        String dep = "/api/deployments/" + Fixture.DEPLOYMENT;
        int before = worker.client().runs(Fixture.DEPLOYMENT, 1000).size();
        // a typo must not trigger a run with the defaults in place of the values sent
        JsonNode typo = expect("POST", "/api/deployments/{name}/runs", dep + "/runs", operator,
                "{\"paramters\": {\"day\": \"2026-12-01\", \"city\": \"Paris\"}, \"parameters\": {\"day\": \"2026-12-01\"}}", 400);
        assertThat(typo.path("message").asText()).contains("paramters");
        JsonNode force = expect("POST", "/api/deployments/{name}/backfill", dep + "/backfill", operator,
                "{\"from\": \"2026-01-01T00:00:00Z\", \"to\": \"2026-01-02T00:00:00Z\", \"force\": \"yes\"}", 400);
        assertThat(force.path("message").asText()).contains("force");
        expect("POST", "/api/deployments/{name}/backfill", dep + "/backfill", operator,
                "{\"from\": \"2026-01-01T00:00:00Z\", \"to\": \"2026-01-02T00:00:00Z\", \"forced\": true}", 400);
        expect("POST", "/api/keys", "/api/keys", admin, "{\"name\": \"typo\", \"role\": \"viewer\", \"expires\": \"P1D\"}", 400);
        assertThat(PROBLEMS).isEmpty();
        assertThat(worker.client().runs(Fixture.DEPLOYMENT, 1000)).hasSize(before);
    }

    @Test
    void headAnswersAsGetDoesWithoutTheBody() throws Exception {
        List<String> problems = new ArrayList<>();
        for (String path : List.of("/api/runs", "/api/keys", "/api/runs/no-such-run", "/api/runs/" + flowRunId, "/api/runs?state=NOPE",
                "/runs", "/keys", "/runs/no-such-run", "/api/openapi.json", "/api/runs/" + flowRunId + "/logs/stream")) {
            for (String key : new String[] {null, viewer, admin}) {
                HttpResponse<String> get = call("GET", path, key, null);
                HttpResponse<String> head = call("HEAD", path, key, null);
                String getType = get.headers().firstValue("Content-Type").orElse("");
                String headType = head.headers().firstValue("Content-Type").orElse("");
                if (get.statusCode() != head.statusCode() || !getType.equals(headType) || !head.body().isEmpty()) {
                    problems.add("HEAD " + path + " with " + (key == null ? "no key" : key.equals(viewer) ? "a viewer's key"
                            : "an admin's key") + ": " + head.statusCode() + " " + headType + ", GET: " + get.statusCode() + " " + getType);
                }
            }
        }
        // a HEAD that accepts the log stream has its headers, and no stream is opened for it
        HttpResponse<String> streamHead = Fixture.send(HTTP, HttpRequest.newBuilder(server.url().resolve("/api/runs/" + flowRunId
                + "/logs/stream")).method("HEAD", HttpRequest.BodyPublishers.noBody()), "Authorization", "Bearer " + viewer,
                "Accept", "text/event-stream");
        assertThat(streamHead.statusCode()).isEqualTo(200);
        assertThat(streamHead.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        assertThat(problems).isEmpty();
    }

    @Test
    void aClientFollowsARunningRunsLogStreamUntilItIsCancelledThroughTheApi() throws Exception {
        JsonNode made = JSON.readTree(call("POST", "/api/deployments/" + Fixture.DEPLOYMENT + "/runs", operator,
                "{\"parameters\": {\"city\": \"" + Fixture.WAITING_CITY + "\", \"day\": \"2026-12-02\"}}").body());
        String id = made.path("id").asText();
        String flowRunId = null;
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (flowRunId == null && System.nanoTime() < until) {
            JsonNode run = JSON.readTree(call("GET", "/api/deployment-runs/" + id, viewer, null).body());
            flowRunId = run.path("flowRunId").isTextual() && run.path("status").asText().equals("RUNNING")
                    ? run.path("flowRunId").asText() : null;
            Thread.sleep(20);
        }
        assertThat(flowRunId).as("the worker started the run").isNotNull();
        java.util.concurrent.CompletableFuture<HttpResponse<java.util.stream.Stream<String>>> stream = HTTP.sendAsync(
                HttpRequest.newBuilder(server.url().resolve("/api/runs/" + flowRunId + "/logs/stream"))
                        .header("Authorization", "Bearer " + viewer).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofLines());
        HttpResponse<java.util.stream.Stream<String>> open = stream.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(open.statusCode()).isEqualTo(200);
        java.util.concurrent.CompletableFuture<List<String>> lines = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            List<String> seen = new ArrayList<>();
            Iterator<String> it = open.body().iterator();
            while (it.hasNext()) {
                String line = it.next();
                seen.add(line);
                if (line.equals("event: end")) {
                    break;
                }
            }
            return seen;
        });
        JsonNode cancelled = JSON.readTree(call("POST", "/api/runs/" + flowRunId + "/cancel", operator, null).body());
        assertThat(cancelled.path("cancelRequested").asBoolean()).isTrue();
        List<String> seen = lines.get(20, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(seen).contains("event: log", "event: end");
        assertThat(seen.stream().filter(l -> l.startsWith("data: {")).findFirst().orElseThrow()).contains("report for Waiting");
        assertThat(worker.client().awaitFinished(id, Duration.ofSeconds(20)).orElseThrow().status().name()).isEqualTo("CANCELLED");
        JsonNode run = JSON.readTree(call("GET", "/api/runs/" + flowRunId, viewer, null).body());
        assertThat(run.path("run").path("state").asText()).isEqualTo("CANCELLED");
    }

    /** {@code GET path} written as is on a socket (java.net.URI refuses a malformed escape): status line, headers, body. */
    static String[] raw(String path, String key) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\nAuthorization: Bearer "
                    + key + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            String all = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            int end = all.indexOf("\r\n\r\n");
            return new String[] {all.substring(0, all.indexOf("\r\n")), all.substring(0, end), all.substring(end + 4)};
        }
    }

    @Test
    void aMalformedQueryStringIsA400NotAnUnfilteredAnswer() throws Exception {
        for (String path : List.of("/api/runs?state=%zz", "/api/runs?flow=etl&limit=%zz", "/api/runs?flow=%E", "/api/activity?state=%",
                "/api/runs/" + flowRunId + "/logs?after=%zz")) {
            String[] r = raw(path, viewer);
            assertThat(r[0]).as(path).contains(" 400 ");
            assertThat(r[1]).as(path).containsIgnoringCase("Content-Type: application/json");
            assertThat(JSON.readTree(r[2]).path("message").asText()).as(path).contains("query");
        }
        String[] page = raw("/runs?state=%zz", viewer);
        assertThat(page[0]).contains(" 400 ");
        assertThat(page[2]).contains("query");
    }

    @Test
    void aRequestTheServerCannotReadIsAnsweredWithTheDocumentedJsonError() throws Exception {
        for (String path : List.of("/api/runs/%zz", "/api/deployments/%C0%AF", "/api/runs/" + "x".repeat(9000))) {
            String[] r = raw(path, viewer);
            assertThat(r[0]).as(path).matches("HTTP/1.1 4\\d\\d .*");
            assertThat(r[1]).as(path).containsIgnoringCase("Content-Type: application/json")
                    .containsIgnoringCase("X-Content-Type-Options: nosniff").containsIgnoringCase("Content-Security-Policy:");
            JsonNode error = JSON.readTree(r[2]);
            List<String> problems = new ArrayList<>();
            validate(error, doc.at("/components/schemas/Error"), path, problems);
            assertThat(problems).isEmpty();
            assertThat(r[0]).contains(" " + error.path("status").asInt() + " ");
        }
    }
}
