package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.Flow;
import dev.sluice.RunContext;
import dev.sluice.SluiceRuntime;
import dev.sluice.Tags;
import dev.sluice.Task;
import dev.sluice.block.BlockStore;
import dev.sluice.block.Secret;
import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JSON API's paging and filters as docs/server.md gives them, on a history whose runs tie in start time (a runtime
 * on a clock that stands still), on SQLite and on PostgreSQL: no page skips or repeats a run, also when runs arrive
 * between pages; filters combine as documented; activity counts land in the documented buckets.
 */
class ApiPagingIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant T0 = Instant.parse("2026-11-30T10:15:00Z");
    static final Instant EARLIER = Instant.parse("2026-11-30T08:40:00Z");
    static final int TIES = 7;
    static final int TASKS = 5;
    static final int SUBFLOWS = 6;
    static final int FAILING = 3;
    static final int LOG_LINES = 23;


    final HttpClient http = HttpClient.newHttpClient();
    /** A clock the test moves by hand (set, not advanced, here). */
    final SessionClockIT.MovableClock clock = new SessionClockIT.MovableClock();

    {
        clock.now.set(T0);
    }
    SluiceServer server;
    final Map<String, List<String>> ids = new HashMap<>();

    @Test
    void pagingAndFiltersOnSqlite(@TempDir Path dir) throws Exception {
        check(HistoryDatabase.sqlite(dir.resolve("sluice.db")));
    }

    @Test
    void pagingAndFiltersOnPostgres() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("create database sluice_paging");
            }
            check(HistoryDatabase.of(pg.getJdbcUrl("postgres", "sluice_paging"), "postgres", Secret.of("")));
        }
    }

    Task<Integer, Integer> step = Task.named("step").withRunName("step-{arg0}").of((Integer i) -> i + 1);
    Flow<Integer, Integer> tie = Flow.named("tie").withRunName("tie-{arg0}").of((Integer n) -> {
        int x = n;
        for (int i = 0; i < TASKS; i++) {
            x = step.run(x);
        }
        return x;
    });
    Flow<Integer, Integer> child = Flow.named("tie.child").withRunName("child-{arg0}").of((Integer n) -> n);
    Flow<Integer, Integer> parent = Flow.named("tie-parent").withRunName("parent-{arg0}").of((Integer n) -> {
        for (int i = 0; i < SUBFLOWS; i++) {
            child.run(i);
        }
        return n;
    });
    Flow<Integer, Integer> failing = Flow.named("other").withRunName("other-{arg0}").of((Integer n) -> {
        throw new IllegalStateException("broken " + n);
    });
    Flow<Integer, Integer> chatty = Flow.named("chatty").of((Integer n) -> {
        for (int i = 1; i <= LOG_LINES; i++) {
            RunContext.logger().info("line {}", i);
        }
        return n;
    });

    void check(HistoryDatabase db) throws Exception {
        try (History history = History.open(db);
                SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().clock(clock).recorder(history.recorder())
                        .build()) {
            for (int i = 0; i < TIES; i++) {
                int n = i;
                ids.computeIfAbsent("tie", k -> new ArrayList<>()).add(Tags.with("env:prod", i % 2 == 0 ? "team:a" : "team:b",
                        () -> runtime.runForState(tie, n)).id());
            }
            ids.computeIfAbsent("parent", k -> new ArrayList<>()).add(runtime.runForState(parent, 1).id());
            String chattyId = runtime.runForState(chatty, 1).id();
            clock.now.set(EARLIER);
            for (int i = 0; i < FAILING; i++) {
                ids.computeIfAbsent("other", k -> new ArrayList<>()).add(runtime.runForState(failing, i).id());
            }
            clock.now.set(T0.plus(Duration.ofMinutes(90)));
            assertThat(history.flush()).isTrue();

            server = SluiceServer.start(ServerOptions.builder().port(0).printUrl(false).history(history, db).clock(clock)
                    .blockStore(BlockStore.inMemory()).build());
            try {
                int all = TIES + 1 + SUBFLOWS + 1 + FAILING;
                for (int limit = 1; limit <= 4; limit++) {
                    assertThat(follow("/api/runs?limit=" + limit)).as("limit " + limit).hasSize(all).doesNotHaveDuplicates();
                }
                assertThat(follow("/api/runs?top=1&limit=2")).hasSize(all - SUBFLOWS).doesNotHaveDuplicates();
                assertThat(follow("/api/runs?flow=tie&limit=2")).containsExactlyInAnyOrderElementsOf(ids.get("tie"));

                // runs arriving between pages (the same start time as those already listed)
                JsonNode first = json("/api/runs?flow=tie&limit=3");
                List<String> seen = new ArrayList<>();
                first.get("items").forEach(r -> seen.add(r.get("id").asText()));
                clock.now.set(T0);
                for (int i = 0; i < 4; i++) {
                    int n = 100 + i;
                    ids.get("tie").add(runtime.runForState(tie, n).id());
                }
                clock.now.set(T0.plus(Duration.ofMinutes(90)));
                assertThat(history.flush()).isTrue();
                seen.addAll(follow("/api/runs?flow=tie&limit=3&after=" + enc(first.get("nextCursor").asText())));
                assertThat(seen).doesNotHaveDuplicates().containsAll(ids.get("tie").subList(0, TIES));

                // task runs and subflow runs of a run, paged
                String tieRun = ids.get("tie").get(0);
                List<String> tasks = follow("/api/runs/" + tieRun + "/task-runs?limit=2");
                assertThat(tasks).hasSize(TASKS).doesNotHaveDuplicates();
                JsonNode task = json("/api/task-runs/" + tasks.get(0));
                assertThat(task.toString()).contains("\"flowRunId\":\"" + tieRun + "\"");
                assertThat(follow("/api/runs/" + ids.get("parent").get(0) + "/subflow-runs?limit=4")).hasSize(SUBFLOWS)
                        .doesNotHaveDuplicates();

                // logs after a line number, paged by nextCursor
                JsonNode logs = json("/api/runs/" + chattyId + "/logs?after=20");
                assertThat(logs.get("items")).hasSize(LOG_LINES - 20);
                assertThat(logs.get("items").get(0).get("line").asLong()).isEqualTo(21);
                assertThat(logs.get("items").get(0).get("message").asText()).isEqualTo("line 21");
                assertThat(logs.get("items").get(0).get("time").asText()).isEqualTo(T0.toString());
                List<Long> lines = new ArrayList<>();
                String next = "/api/runs/" + chattyId + "/logs?limit=5";
                while (next != null) {
                    JsonNode page = json(next);
                    page.get("items").forEach(l -> lines.add(l.get("line").asLong()));
                    next = page.get("nextCursor").isNull() ? null
                            : "/api/runs/" + chattyId + "/logs?limit=5&after=" + enc(page.get("nextCursor").asText());
                }
                assertThat(lines).hasSize(LOG_LINES).doesNotHaveDuplicates().isSorted();

                // filters combine: flows any of (comma-separated or repeated), tags all of, states any of, time
                assertThat(follow("/api/runs?flow=tie,other")).hasSize(ids.get("tie").size() + FAILING);
                assertThat(follow("/api/runs?flow=tie&flow=other")).hasSize(ids.get("tie").size() + FAILING);
                assertThat(follow("/api/runs?tag=env:prod&tag=team:a")).hasSize(4);
                assertThat(follow("/api/runs?state=FAILED&state=COMPLETED&flow=other")).hasSize(FAILING);
                assertThat(follow("/api/runs?state=FAILED,COMPLETED&flow=other,tie")).hasSize(ids.get("tie").size() + FAILING);
                assertThat(follow("/api/runs?state=FAILED&flow=tie")).isEmpty();
                assertThat(follow("/api/runs?name=tie-_")).hasSize(TIES);
                assertThat(follow("/api/runs?name=tie-1")).hasSize(1 + 4); // tie-1 and tie-100..103 (a prefix)
                assertThat(follow("/api/runs?name=%25-1")).hasSize(4); // tie-1, other-1, child-1, parent-1
                assertThat(follow("/api/runs?from=2026-11-30T08:00&to=2026-11-30T09:00")).hasSize(FAILING);
                assertThat(follow("/api/runs?from=2026-11-30T08:00:00Z&to=2026-11-30T09:00:00Z")).hasSize(FAILING);
                assertThat(follow("/api/runs?range=1h")).isEmpty();
                assertThat(follow("/api/runs?range=24h")).hasSize(all + 4);

                // every documented field of a run, times in UTC ISO-8601
                JsonNode run = json("/api/runs/" + tieRun);
                JsonNode r = run.get("run");
                assertThat(r.get("id").asText()).isEqualTo(tieRun);
                assertThat(r.get("state").asText()).isEqualTo("COMPLETED");
                assertThat(r.get("startTime").asText()).isEqualTo(T0.toString());
                assertThat(r.get("tags")).extracting(JsonNode::asText).containsExactlyInAnyOrder("env:prod", "team:a");
                assertThat(run.toString()).contains("stateHistory");

                // activity: runs per hour bucket and state
                JsonNode activity = json("/api/activity?window=24h");
                Map<String, Long> counts = new HashMap<>();
                activity.get("counts").forEach(c -> counts.merge(c.get("bucketStart").asText() + " " + c.get("state").asText(),
                        c.get("count").asLong(), Long::sum));
                assertThat(counts).containsEntry("2026-11-30T10:00:00Z COMPLETED", (long) all - FAILING + 4)
                        .containsEntry("2026-11-30T08:00:00Z FAILED", (long) FAILING).hasSize(2);
                JsonNode week = json("/api/activity?window=7d&flow=other");
                assertThat(week.get("counts")).hasSize(1);
                assertThat(week.get("counts").get(0).get("bucketStart").asText()).isEqualTo("2026-11-30T06:00:00Z");
            } finally {
                server.close();
            }
        }
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    JsonNode json(String path) throws Exception {
        HttpResponse<String> r = Fixture.send(http, HttpRequest.newBuilder(server.url().resolve(path)));
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** Every run id of a listing, following {@code nextCursor} to its end. */
    List<String> follow(String path) throws Exception {
        List<String> out = new ArrayList<>();
        String next = path;
        int pages = 0;
        while (next != null) {
            JsonNode page = json(next);
            page.get("items").forEach(r -> out.add(r.get("id").asText()));
            JsonNode cursor = page.get("nextCursor");
            String base = path.replaceAll("[?&]after=[^&]*", "");
            next = cursor == null || cursor.isNull() ? null
                    : base + (base.contains("?") ? "&" : "?") + "after=" + enc(cursor.asText());
            assertThat(++pages).as(path).isLessThan(100);
        }
        return out;
    }
}
