package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.Flow;
import dev.sluice.RunContext;
import dev.sluice.SluiceRuntime;
import dev.sluice.server.internal.RouteDef;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

/** Every page and API route over HTTP, against a real server on a real history filled by real flows. */
class ServerIT {
    static final ObjectMapper JSON = new ObjectMapper();
    final Fixture f = Fixture.shared();

    JsonNode json(String path) throws Exception {
        HttpResponse<String> r = f.get(path);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        return JSON.readTree(r.body());
    }

    Document page(String path) {
        HttpResponse<String> r = f.get(path);
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return Jsoup.parse(r.body(), f.uri(path).toString());
    }

    Document svg(String src) {
        assertThat(src).startsWith("/runs/activity.svg?window=");
        HttpResponse<String> r = f.get(src);
        assertThat(r.statusCode()).as(src).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("image/svg+xml");
        return Jsoup.parse(r.body(), "", org.jsoup.parser.Parser.xmlParser());
    }

    @Test
    void theRunsPageShowsRunsWithStatesTagsParametersAndBothCharts() {
        Document doc = page("/runs");
        List<Element> rows = doc.select("#runs tr.run");
        assertThat(rows).hasSizeGreaterThanOrEqualTo(Fixture.ETL_RUNS + 5);
        Element etl = doc.select("#runs tr.run").stream().filter(r -> r.text().contains("etl-cityx")).findFirst().orElseThrow();
        assertThat(etl.select(".badge").text()).isEqualTo("COMPLETED");
        assertThat(etl.select(".tags").text()).contains("env:prod").contains("team:ops");
        assertThat(etl.select(".params").text()).contains("city=cityx").contains("limit=23");
        Document day = svg(doc.select("img#chart-24h").attr("src"));
        assertThat(day.select("rect.bar")).isNotEmpty();
        assertThat(day.select("rect.bar[data-state=FAILED]")).isNotEmpty();
        assertThat(svg(doc.select("img#chart-7d").attr("src")).select("rect.bar")).isNotEmpty();
        Document filtered = svg(page("/runs?flow=daily-etl").select("img#chart-24h").attr("src"));
        assertThat(filtered.select("rect.bar").stream().mapToLong(r -> Long.parseLong(r.attr("data-count"))).sum())
                .isEqualTo(Fixture.ETL_RUNS);
        assertThat(doc.select("script[src]")).extracting(e -> e.attr("src"))
                .containsExactly("/static/htmx.min.js", "/static/sse.js");
        assertThat(doc.select("script:not([src])")).isEmpty();
    }

    @Test
    void filtersAreKeptInTheUrlAndPagesFollowByKeyset() throws Exception {
        Document doc = page("/runs?flow=daily-etl&tag=team:data&state=COMPLETED&limit=3");
        List<Element> rows = doc.select("#runs tr.run");
        assertThat(rows).hasSize(3).allSatisfy(r -> assertThat(r.text()).contains("daily-etl").contains("team:data"));
        assertThat(doc.select("input[name=flow]").val()).isEqualTo("daily-etl");
        assertThat(doc.select("input[name=state][value=COMPLETED]").hasAttr("checked")).isTrue();
        assertThat(doc.select("input[name=state][value=FAILED]").hasAttr("checked")).isFalse();
        Set<String> seen = new HashSet<>();
        rows.forEach(r -> seen.add(r.attr("data-id")));
        String next = doc.select("#next-page").attr("href");
        assertThat(next).contains("flow=daily-etl").contains("tag=team%3Adata").contains("state=COMPLETED").contains("after=");
        int pages = 1;
        assertThat(doc.select("#first-page")).isEmpty();
        while (!next.isEmpty()) {
            Document p = page(next);
            assertThat(p.select("#first-page").attr("href")).isEqualTo("/runs?flow=daily-etl&tag=team%3Adata&state=COMPLETED&limit=3");
            p.select("#runs tr.run").forEach(r -> assertThat(seen.add(r.attr("data-id"))).isTrue());
            next = p.select("#next-page").attr("href");
            pages++;
        }
        assertThat(seen).hasSize(8); // runs 0, 3, ..., 21 carry team:data
        assertThat(pages).isEqualTo(3);

        JsonNode api = json("/api/runs?flow=daily-etl&name=etl-city&limit=10");
        assertThat(api.get("items")).hasSize(10);
        assertThat(api.get("items").get(0).get("flowName").asText()).isEqualTo("daily-etl");
        assertThat(api.get("items").get(0).get("parameters").has("city")).isTrue();
        List<String> all = new ArrayList<>();
        api.get("items").forEach(i -> all.add(i.get("id").asText()));
        while (!api.get("nextCursor").isNull()) {
            api = json("/api/runs?flow=daily-etl&name=etl-city&limit=10&after="
                    + java.net.URLEncoder.encode(api.get("nextCursor").asText(), StandardCharsets.UTF_8));
            api.get("items").forEach(i -> all.add(i.get("id").asText()));
        }
        assertThat(all).hasSize(Fixture.ETL_RUNS).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(f.etlRunIds);

        assertThat(json("/api/runs?state=FAILED&range=24h").get("items")).hasSizeGreaterThanOrEqualTo(2);
        assertThat(json("/api/runs?flow=nothing-like-it").get("items")).isEmpty();
        JsonNode activity = json("/api/activity?window=7d&flow=daily-etl");
        long total = 0;
        for (JsonNode c : activity.get("counts")) {
            total += c.get("count").asLong();
        }
        assertThat(total).isEqualTo(Fixture.ETL_RUNS);
    }

    @Test
    void malformedFiltersAndIdsAre400AndUnknownRuns404() throws Exception {
        for (String bad : List.of("/runs?state=DONE", "/runs?from=yesterday", "/runs?limit=0", "/runs?range=2y",
                "/runs?after=not-a-cursor", "/runs?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z")) {
            HttpResponse<String> r = f.get(bad);
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(Jsoup.parse(r.body()).select(".error-message").text()).as(bad).isNotBlank();
            HttpResponse<String> api = f.get(bad.replace("/runs", "/api/runs"));
            assertThat(api.statusCode()).as(bad).isEqualTo(400);
            assertThat(JSON.readTree(api.body()).get("message").asText()).isNotBlank();
        }
        assertThat(f.get("/runs?state=DONE").body()).contains("state must be one of");
        HttpResponse<String> missing = f.get("/runs/0190aaaa-0000-7000-8000-000000000000");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(Jsoup.parse(missing.body()).select("h1").text()).contains("404");
        assertThat(f.get("/api/runs/0190aaaa-0000-7000-8000-000000000000").statusCode()).isEqualTo(404);
        assertThat(f.get("/runs/bad%20id%3Cscript%3E").statusCode()).isEqualTo(400);
        assertThat(f.get("/no/such/page").statusCode()).isEqualTo(404);
        assertThat(f.get("/api/nothing").statusCode()).isEqualTo(404);
        assertThat(f.get("/api/runs/" + f.parentRunId + "/logs?after=-1").statusCode()).isEqualTo(400);
    }

    @Test
    void theRunPageShowsStatesTasksAsGanttAndTableSubflowsAsATreeParametersErrorAndLogs() throws Exception {
        Document doc = page("/runs/" + f.parentRunId);
        assertThat(doc.select("#run-state").text()).isEqualTo("FAILED");
        assertThat(doc.select("svg.timeline rect")).hasSizeGreaterThanOrEqualTo(2);
        assertThat(doc.select("ol.states li").text()).contains("RUNNING").contains("FAILED");
        // every time on the page says it is UTC, as on the other pages (a reader elsewhere would take it as local)
        assertThat(doc.select("dl.facts dt").eachText()).contains("Started (UTC)", "Ended (UTC)");
        assertThat(doc.select("h2:contains(States)").text()).contains("UTC");
        assertThat(doc.select("#logs thead th").eachText()).contains("Time (UTC)");
        assertThat(page("/runs/" + f.parentRunId + "/logs").select("table.logs thead th").eachText()).contains("Time (UTC)");
        assertThat(doc.select("#error").text()).contains("IllegalStateException").contains("report could not be written");
        assertThat(doc.select("#error pre").text()).contains("at ");
        assertThat(doc.select("#parameters").text()).contains("7");
        // vtasks.backup.copy and vtasks.backup.verify nest under "vtasks" > "backup"
        Element tree = doc.selectFirst("#subflows ul.tree");
        assertThat(tree).isNotNull();
        Element vtasks = tree.children().first();
        assertThat(vtasks.selectFirst(".group").text()).isEqualTo("vtasks");
        assertThat(vtasks.select("> ul > li > .group").eachText()).contains("backup");
        assertThat(vtasks.select("a").eachText()).anySatisfy(t -> assertThat(t).startsWith("copy"))
                .anySatisfy(t -> assertThat(t).startsWith("verify")).anySatisfy(t -> assertThat(t).startsWith("report"));
        String copyHref = vtasks.select("a").stream().filter(a -> a.text().startsWith("copy")).findFirst().orElseThrow().attr("href");
        Document copy = page(copyHref);
        assertThat(copy.select("#tasks tbody tr")).hasSize(1);
        assertThat(copy.select("svg.gantt rect.task")).hasSize(1);
        assertThat(copy.select("#logs").text()).contains("extracting rows for copy7");

        Document etl = page("/runs/" + f.etlRunIds.get(2));
        assertThat(etl.select("#tasks tbody tr")).hasSize(3);
        assertThat(etl.select("#tasks").text()).contains("extract-cityc").contains("transform").contains("load");
        assertThat(etl.select("svg.gantt rect.task")).hasSize(3);
        assertThat(etl.select("#parameters").text()).contains("city").contains("cityc").contains("dryRun");
        assertThat(etl.select("#logs tr.log").eachText()).anySatisfy(t -> assertThat(t).contains("loaded 100 rows"));
        assertThat(etl.select("#live")).isEmpty();

        JsonNode detail = json("/api/runs/" + f.etlRunIds.get(2));
        assertThat(detail.get("run").get("state").asText()).isEqualTo("COMPLETED");
        assertThat(detail.get("taskRuns").get("items")).hasSize(3);
        assertThat(detail.get("parameters").get("city").asText()).isEqualTo("cityc");
        assertThat(json("/api/runs/" + f.etlRunIds.get(2) + "/task-runs?limit=2").get("items")).hasSize(2);
        assertThat(json("/api/runs/" + f.parentRunId + "/subflow-runs").get("items")).hasSize(3);
        JsonNode logs = json("/api/runs/" + f.etlRunIds.get(2) + "/logs?limit=1");
        assertThat(logs.get("items")).hasSize(1);
        long line = logs.get("items").get(0).get("line").asLong();
        JsonNode rest = json("/api/runs/" + f.etlRunIds.get(2) + "/logs?after=" + line);
        assertThat(rest.get("items")).isNotEmpty().allSatisfy(l -> assertThat(l.get("line").asLong()).isGreaterThan(line));
        assertThat(page("/runs/" + f.etlRunIds.get(2) + "/logs").select("tr.log")).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void logsOfARunningFlowArriveLiveAsServerSentEvents() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> runId = new CompletableFuture<>();
        Flow<Integer, Integer> slow = Flow.named("live-flow").withRunName("live-{arg0}").of((Integer n) -> {
            runId.complete(RunContext.flowRun().orElseThrow().id());
            RunContext.logger().info("first line");
            started.countDown();
            release.await(20, TimeUnit.SECONDS);
            RunContext.logger().info("second line {}", n);
            return n;
        });
        Thread runner;
        try (SluiceRuntime runtime = SluiceRuntime.builder().home(f.dir).withoutExtensions().recorder(f.history.recorder()).build()) {
            runner = new Thread(() -> runtime.runForState(slow, 42));
            runner.start();
            assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
            String id = runId.get();
            f.history.flush();
            Document running = page("/runs/" + id);
            assertThat(running.select("#live")).isNotEmpty();
            assertThat(running.select("section[sse-connect]").attr("sse-connect")).startsWith("/runs/" + id + "/logs/live?after=");

            HttpResponse<java.io.InputStream> stream = f.http.send(HttpRequest.newBuilder(f.uri("/api/runs/" + id + "/logs/stream"))
                    .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(stream.statusCode()).isEqualTo(200);
            assertThat(stream.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
            List<String> events = new ArrayList<>();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                String l;
                String event = null;
                while ((l = in.readLine()) != null) {
                    if (l.startsWith("event:")) {
                        event = l.substring(6).strip();
                    } else if (l.startsWith("data:")) {
                        events.add(event + " " + l.substring(5).strip());
                        if (events.size() == 1) {
                            release.countDown(); // the first line is here: let the run go on
                        }
                        if ("end".equals(event)) {
                            break;
                        }
                    }
                }
            }
            runner.join(20_000);
            assertThat(events.get(0)).startsWith("log ").contains("first line");
            assertThat(events).anySatisfy(e -> assertThat(e).startsWith("log ").contains("second line 42"));
            assertThat(events.get(events.size() - 1)).startsWith("end");
            HttpResponse<String> html = f.get("/runs/" + id + "/logs/live?after=0", "Accept", "text/event-stream");
            assertThat(html.body()).contains("event: log").contains("<tr class=\"log").contains("event: end");
        }
    }

    @Test
    void aFewServerThreadsAnswerManyClientsWhileLiveLogStreamsStayOpen() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> runId = new CompletableFuture<>();
        Flow<Integer, Integer> slow = Flow.named("held-flow").of((Integer n) -> {
            runId.complete(RunContext.flowRun().orElseThrow().id());
            RunContext.logger().info("holding");
            started.countDown();
            release.await(30, TimeUnit.SECONDS);
            return n;
        });
        // request threads are named sluice-server-<server>-<thread>; the newest server has the highest number
        java.util.function.Supplier<java.util.Map<Integer, Long>> threadsByServer = () -> Thread.getAllStackTraces().keySet().stream()
                .map(t -> java.util.regex.Pattern.compile("sluice-server-(\\d+)-\\d+").matcher(t.getName()))
                .filter(java.util.regex.Matcher::matches)
                .collect(java.util.stream.Collectors.groupingBy(m -> Integer.parseInt(m.group(1)), java.util.stream.Collectors.counting()));
        try (SluiceServer small = SluiceServer.start(ServerOptions.builder().port(0).printUrl(false)
                        .history(f.history, f.database).blockStore(f.blocks).threads(8).build());
                SluiceRuntime runtime = SluiceRuntime.builder().home(f.dir).withoutExtensions().recorder(f.history.recorder()).build()) {
            Thread runner = new Thread(() -> runtime.runForState(slow, 1));
            runner.start();
            try {
                assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
                f.history.flush();
                java.net.URI stream = small.url().resolve("/api/runs/" + runId.get() + "/logs/stream");
                List<HttpResponse<java.io.InputStream>> open = new ArrayList<>();
                for (int i = 0; i < 12; i++) { // more live streams than the server has threads
                    open.add(f.http.send(HttpRequest.newBuilder(stream).header("Accept", "text/event-stream")
                            .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofInputStream()));
                }
                assertThat(open).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
                List<CompletableFuture<HttpResponse<String>>> asks = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    asks.add(f.http.sendAsync(HttpRequest.newBuilder(small.url().resolve("/api/runs?limit=" + (1 + i % 5)))
                            .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString()));
                }
                for (CompletableFuture<HttpResponse<String>> ask : asks) {
                    assertThat(ask.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
                }
                java.util.Map<Integer, Long> byServer = threadsByServer.get();
                assertThat(byServer.get(java.util.Collections.max(byServer.keySet()))).as("request threads of the server with threads(8): "
                        + byServer).isBetween(1L, 8L);
                for (HttpResponse<java.io.InputStream> r : open) {
                    r.body().close();
                }
            } finally {
                release.countDown();
                runner.join(20_000);
            }
        }
    }

    @Test
    void theBlocksPageShowsFieldsButNeverSecrets() throws Exception {
        Document doc = page("/blocks");
        Element row = doc.select("#blocks tbody tr").stream().filter(r -> r.text().contains("warehouse")).findFirst().orElseThrow();
        assertThat(row.text()).contains("test-credentials").contains("db.example.com").contains("5432").contains("**********");
        assertThat(row.text()).doesNotContain(Fixture.BLOCK_SECRET).doesNotContain(Fixture.URL_SECRET)
                .doesNotContain(Fixture.SPARE_SECRET);
        JsonNode api = json("/api/blocks");
        assertThat(api.toString()).contains("warehouse").contains("db.example.com").doesNotContain(Fixture.BLOCK_SECRET)
                .doesNotContain(Fixture.URL_SECRET).doesNotContain(Fixture.SPARE_SECRET);
    }

    @Test
    void passwordsInsideUrlsOfBlocksAreNeverShown() throws Exception {
        try (SluiceRuntime runtime = SluiceRuntime.builder().home(f.dir).withoutExtensions().blockStore(f.blocks).build()) {
            runtime.run(() -> {
                dev.sluice.block.Blocks.save("url-query", dev.sluice.history.HistoryDatabase.of(
                        "jdbc:postgresql://db.example:5432/prod?user=admin&password=UrlInBlock999", "admin",
                        dev.sluice.block.Secret.of("pw-of-url-query")));
                dev.sluice.block.Blocks.save("url-userinfo", dev.sluice.history.HistoryDatabase.of(
                        "jdbc:postgresql://u:UserInfoPw42@db.example/x", "", dev.sluice.block.Secret.of("pw-of-userinfo")));
            });
        }
        for (String path : List.of("/blocks", "/api/blocks")) {
            String body = f.get(path).body();
            assertThat(body).as(path).doesNotContain("UrlInBlock999").doesNotContain("UserInfoPw42")
                    .contains("url-query").contains("url-userinfo").contains("db.example:5432/prod")
                    .contains("jdbc:postgresql://**********@db.example/x");
        }
        Element row = page("/blocks").select("#blocks tbody tr").stream().filter(r -> r.text().contains("url-query"))
                .findFirst().orElseThrow();
        assertThat(row.text()).contains("jdbc:postgresql://db.example:5432/prod?...").contains("admin");
    }

    @Test
    void everyResponseCarriesTheSecurityHeaders() {
        for (String path : List.of("/runs", "/runs/" + f.parentRunId, "/blocks", "/api/runs", "/no/such/page", "/static/sluice.css")) {
            HttpResponse<String> r = f.get(path);
            String csp = r.headers().firstValue("Content-Security-Policy").orElse("");
            assertThat(csp).as(path).contains("script-src 'self'").contains("frame-ancestors 'none'").doesNotContain("unsafe-inline");
            assertThat(r.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
        }
    }

    @Test
    void theOpenApiDocumentDescribesEveryApiRoute() throws Exception {
        JsonNode doc = json("/api/openapi.json");
        assertThat(doc.get("openapi").asText()).startsWith("3.");
        List<RouteDef> routes = f.server.routesForTests();
        assertThat(routes).filteredOn(RouteDef::api).hasSizeGreaterThanOrEqualTo(12);
        for (RouteDef r : routes) {
            if (!r.api()) {
                assertThat(r.path()).doesNotStartWith("/api/");
                continue;
            }
            JsonNode op = doc.path("paths").path(r.path()).path(r.method().toLowerCase(java.util.Locale.ROOT));
            assertThat(op.isMissingNode()).as(r.method() + " " + r.path() + " is in the OpenAPI document").isFalse();
            assertThat(op.get("summary").asText()).isNotBlank();
            assertThat(op.get("responses").size()).isGreaterThanOrEqualTo(2);
            for (JsonNode ref : op.findValues("$ref")) {
                String name = ref.asText().substring("#/components/schemas/".length());
                assertThat(doc.path("components").path("schemas").has(name)).as(ref.asText()).isTrue();
            }
        }
        // and nothing documented is missing from the server
        doc.get("paths").fieldNames().forEachRemaining(p -> assertThat(routes).anySatisfy(r -> assertThat(r.path()).isEqualTo(p)));
        // the answers routes give beyond the common ones are documented with them
        assertThat(doc.at("/paths/~1api~1runs~1{id}~1logs~1stream/get/responses").has("406")).isTrue();
        assertThat(doc.at("/paths/~1api~1blocks~1{type}~1{name}/delete/responses").has("409")).isTrue();
        assertThat(doc.at("/paths/~1api~1deployments~1{name}~1runs/post/responses").has("415")).isTrue();
        List<String> activity = new java.util.ArrayList<>();
        doc.at("/paths/~1api~1activity/get/parameters").forEach(p -> activity.add(p.get("name").asText()));
        assertThat(activity).contains("window", "range", "from", "to", "top");
    }

    @Test
    void pagesWeighLittleJavaScript() throws Exception {
        long total = 0;
        for (String js : List.of("/static/htmx.min.js", "/static/sse.js")) {
            HttpResponse<byte[]> r = f.http.send(HttpRequest.newBuilder(f.uri(js)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.statusCode()).isEqualTo(200);
            java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
            try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(gz)) {
                out.write(r.body());
            }
            total += gz.size();
        }
        assertThat(total).as("gzipped JavaScript on a page").isLessThan(50 * 1024);
    }

    @Test
    void aStaticFileTheServerDoesNotHaveIsA404NotAServerError() {
        // sluice.js was named among the static files, but the jar holds no such file
        for (String missing : List.of("/static/sluice.js", "/static/app.js", "/static/..%2Fsluice.css")) {
            HttpResponse<String> r = f.get(missing);
            assertThat(r.statusCode()).as(missing).isEqualTo(404);
            assertThat(r.body()).as(missing).doesNotContain("Server error");
        }
    }

    @Test
    void everyRouteAnswersOverHttp() throws Exception {
        int checked = 0;
        for (RouteDef r : f.server.routesForTests()) {
            String path = r.path().replace("deployments/{name}", "deployments/" + Fixture.DEPLOYMENT)
                    .replace("deployment-runs/{id}", "deployment-runs/" + f.deploymentRun.id())
                    .replace("task-runs/{id}", "task-runs/" + f.history.taskRuns(dev.sluice.history.TaskRunQuery.all()
                            .inFlowRun(f.etlRunIds.get(0))).items().get(0).id());
            path = path.replace("{id}", r.path().startsWith("/api/keys") || r.path().startsWith("/keys")
                    ? "000000000000" : f.etlRunIds.get(0)).replace("{file}", "sluice.css")
                    .replace("{type}", "test-credentials").replace("{name}", "no-such-block");
            HttpRequest.Builder req = HttpRequest.newBuilder(f.uri(path));
            switch (r.method()) {
                case "GET" -> {
                    HttpResponse<String> resp = path.endsWith("/stream") || path.endsWith("/live")
                            ? f.get(path, "Accept", "text/event-stream") : f.send(req.GET());
                    assertThat(resp.statusCode()).as(r.method() + " " + path).isIn(200, 302, 303);
                }
                case "POST", "DELETE" -> {
                    // a browser's request without the CSRF token, no bearer key: refused before anything changes
                    HttpResponse<String> resp = f.send(r.method().equals("POST")
                            ? req.POST(HttpRequest.BodyPublishers.ofString("")) : req.DELETE(), "Sec-Fetch-Site", "same-origin");
                    assertThat(resp.statusCode()).as(r.method() + " " + path).isEqualTo(403);
                    assertThat(resp.body()).contains("CSRF");
                }
                default -> throw new AssertionError(r.method());
            }
            checked++;
        }
        assertThat(checked).isEqualTo(f.server.routesForTests().size()).isGreaterThanOrEqualTo(29);
        assertThat(f.get("/").headers().firstValue("Location")).hasValue("/runs");
    }

    @Test
    void anAdminDeletesABlockWithTheCsrfToken() throws Exception {
        f.blocks.write(new dev.sluice.block.BlockId("test-credentials", "doomed"), "{\"host\":\"h\"}", false);
        java.net.http.HttpClient browser = java.net.http.HttpClient.newBuilder().cookieHandler(new java.net.CookieManager()).build();
        Document blocks = Jsoup.parse(Fixture.send(browser, HttpRequest.newBuilder(f.uri("/blocks"))).body());
        String csrf = blocks.select("meta[name=csrf-token]").attr("content");
        String action = blocks.select("form[action=/blocks/test-credentials/doomed/delete]").attr("action");
        assertThat(action).isNotEmpty();
        HttpResponse<String> deleted = Fixture.send(browser, HttpRequest.newBuilder(f.uri(action))
                .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + csrf)), "Content-Type", "application/x-www-form-urlencoded");
        assertThat(deleted.statusCode()).isEqualTo(303);
        assertThat(f.blocks.read(new dev.sluice.block.BlockId("test-credentials", "doomed"))).isEmpty();
        assertThat(Fixture.send(browser, HttpRequest.newBuilder(f.uri("/api/blocks/test-credentials/doomed")).DELETE(),
                "X-CSRF-Token", csrf).statusCode()).isEqualTo(404);
        assertThat(Fixture.send(browser, HttpRequest.newBuilder(f.uri("/api/blocks/Bad%20Type/x")).DELETE(),
                "X-CSRF-Token", csrf).statusCode()).isEqualTo(400);
    }

    @Test
    void aPageOfRunsIsReadOnceForIdenticalRequestsWithinTheListCache() throws Exception {
        SessionClockIT.MovableClock clock = new SessionClockIT.MovableClock();
        try (SluiceServer cached = SluiceServer.start(ServerOptions.builder().port(0).printUrl(false).clock(clock)
                        .history(f.history, f.database).blockStore(f.blocks).listCache(Duration.ofSeconds(30)).build());
                SluiceServer fresh = SluiceServer.start(ServerOptions.builder().port(0).printUrl(false)
                        .history(f.history, f.database).blockStore(f.blocks).listCache(Duration.ZERO).build());
                SluiceRuntime runtime = SluiceRuntime.builder().home(f.dir).withoutExtensions().recorder(f.history.recorder()).build()) {
            java.net.URI c = cached.url().resolve("/api/runs?flow=cache-probe");
            java.net.URI n = fresh.url().resolve("/api/runs?flow=cache-probe");
            assertThat(JSON.readTree(f.send(HttpRequest.newBuilder(c)).body()).get("items")).isEmpty();
            runtime.run(Flow.of("cache-probe", (Integer x) -> x), 1);
            assertThat(f.history.flush()).isTrue();
            assertThat(JSON.readTree(f.send(HttpRequest.newBuilder(c)).body()).get("items")).as("within the cache's time").isEmpty();
            assertThat(JSON.readTree(f.send(HttpRequest.newBuilder(c.resolve("/api/runs?flow=cache-probe&limit=5"))).body())
                    .get("items")).as("other filters are another question").hasSize(1);
            assertThat(JSON.readTree(f.send(HttpRequest.newBuilder(n)).body()).get("items")).hasSize(1);
            clock.advance(Duration.ofSeconds(29));
            assertThat(JSON.readTree(f.send(HttpRequest.newBuilder(c)).body()).get("items")).as("29 s by the server's clock")
                    .isEmpty();
            clock.advance(Duration.ofSeconds(1));
            assertThat(JSON.readTree(f.send(HttpRequest.newBuilder(c)).body()).get("items")).as("30 s by the server's clock")
                    .hasSize(1);
        }
    }

    @Test
    void theActivityChartIsReadAgainAfterFifteenSecondsOfTheServersClock() throws Exception {
        SessionClockIT.MovableClock clock = new SessionClockIT.MovableClock();
        try (SluiceServer server = SluiceServer.start(ServerOptions.builder().port(0).printUrl(false).clock(clock)
                        .history(f.history, f.database).blockStore(f.blocks).build());
                SluiceRuntime runtime = SluiceRuntime.builder().home(f.dir).clock(clock).withoutExtensions()
                        .recorder(f.history.recorder()).build()) {
            java.net.URI chart = server.url().resolve("/runs/activity.svg?window=24h&flow=chart-probe");
            String before = f.send(HttpRequest.newBuilder(chart)).body();
            runtime.run(Flow.of("chart-probe", (Integer x) -> x), 1);
            assertThat(f.history.flush()).isTrue();
            assertThat(f.send(HttpRequest.newBuilder(chart)).body()).as("within 15 s").isEqualTo(before);
            clock.advance(Duration.ofSeconds(15));
            assertThat(f.send(HttpRequest.newBuilder(chart)).body()).as("15 s later by the server's clock").isNotEqualTo(before);
        }
    }

    @Test
    void namesTagsParametersLogsAndErrorsAreTextNeverMarkup() throws Exception {
        for (String path : List.of("/runs", "/runs?limit=500", "/runs/" + f.hostileRunId, "/runs/" + f.hostileRunId + "/logs")) {
            Document doc = page(path);
            assertThat(doc.select("script:not([src])")).as(path).isEmpty();
            assertThat(doc.select("[onerror], [onload], svg[onload], b")).as(path).isEmpty();
            assertThat(doc.select("script[src]")).as(path).allSatisfy(e -> assertThat(e.attr("src")).startsWith("/static/"));
        }
        Document run = page("/runs/" + f.hostileRunId);
        assertThat(run.select("h1").text()).contains("<script>alert('run')</script>");
        assertThat(run.select("#logs").text()).contains("<script>alert('log')</script>");
        assertThat(run.select("#error").text()).contains("<img src=x onerror=alert('error')>");
        assertThat(f.get("/runs/" + f.hostileRunId + "/logs/live?after=0", "Accept", "text/event-stream").body())
                .doesNotContain("<script>alert").contains("&lt;script&gt;");
    }

    @Test
    void aLogStreamResumesAfterTheLastEventIdItWasGiven() throws Exception {
        String id = f.etlRunIds.get(3);
        JsonNode logs = json("/api/runs/" + id + "/logs");
        assertThat(logs.get("items").size()).isGreaterThanOrEqualTo(2);
        long first = logs.get("items").get(0).get("line").asLong();
        String all = f.get("/api/runs/" + id + "/logs/stream", "Accept", "text/event-stream").body();
        String resumed = f.get("/api/runs/" + id + "/logs/stream", "Accept", "text/event-stream", "Last-Event-ID",
                Long.toString(first)).body();
        assertThat(all).contains("id: " + first + "\n").contains("event: end");
        assertThat(resumed).doesNotContain("id: " + first + "\n").doesNotContain("extracting rows").contains("loaded 100 rows")
                .contains("event: end");
    }

    @Test
    void aTaskRunsLogsStreamAsAFlowRunsDoAndEnd() throws Exception {
        String flowRunId = f.etlRunIds.get(3);
        String taskRunId = null;
        JsonNode lines = null;
        for (JsonNode t : json("/api/runs/" + flowRunId + "/task-runs").get("items")) {
            JsonNode l = json("/api/runs/" + t.get("id").asText() + "/logs").get("items");
            if (l.size() > 0) {
                taskRunId = t.get("id").asText();
                lines = l;
                break;
            }
        }
        assertThat(taskRunId).as("a task run of the etl flow that logged").isNotNull();
        var answer = f.get("/api/runs/" + taskRunId + "/logs/stream", "Accept", "text/event-stream");
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).contains("id: " + lines.get(0).get("line").asLong() + "\n")
                .contains(lines.get(0).get("message").asText()).contains("event: end");
        assertThat(f.get("/api/runs/no-such-run/logs/stream", "Accept", "text/event-stream").statusCode()).isEqualTo(404);
    }
}
