package dev.sluice.history.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.State;
import dev.sluice.StateChange;
import dev.sluice.history.FlowRunQuery;
import dev.sluice.history.FlowRunSummary;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.history.Page;
import dev.sluice.history.TaskRunQuery;
import dev.sluice.history.TaskRunSummary;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Task runs by state: the state index leaves completed runs out, and the queries still find every state. */
class QueriesTest {
    @TempDir
    Path dir;

    @Test
    void taskRunsByStateUseThePartialIndexAndFindCompletedRunsToo() throws Exception {
        try (Database db = Database.open(HistoryDatabase.sqlite(dir.resolve("q.db")))) {
            Schema.migrate(db, Schema.LATEST);
            Writer writer = new Writer(db, "owner", Clock.systemUTC(), 64, 16, Duration.ofSeconds(1), Duration.ZERO);
            writer.start();
            Instant t = Instant.parse("2026-11-30T10:00:00Z");
            for (State end : new State[] {State.COMPLETED, State.FAILED, State.COMPLETED}) {
                String id = "run-" + end + "-" + t;
                writer.offer(event(id, State.PENDING, t, null));
                writer.offer(event(id, end, t.plusSeconds(1), t.plusSeconds(1)));
                t = t.plusSeconds(10);
            }
            writer.close(Duration.ofSeconds(5));
            Queries queries = new Queries(db, Clock.systemUTC());

            TaskRunQuery failed = TaskRunQuery.all().inStates(State.FAILED);
            assertThat(queries.taskRuns(failed).items()).extracting(TaskRunSummary::state).containsExactly(State.FAILED);
            assertThat(queries.explain(failed)).contains("task_run_by_state");
            assertThat(queries.taskRuns(TaskRunQuery.all().inStates(State.COMPLETED)).items()).hasSize(2);
            assertThat(queries.taskRuns(TaskRunQuery.all().inStates(State.COMPLETED, State.FAILED)).items()).hasSize(3);
        }
    }

    /**
     * The query of ORCHESTRATION.md (name prefix, tag, two states, the last 7 days) over 100,000 analyzed runs of 90
     * days. Over 1,000,000 runs, a cursor's upper time bound made SQLite's planner prefer the state index and a sort
     * over the cursor's window to the time index the first page reads, so a later page cost 2.8x the first
     * ({@code HistoryQueries}); a later page now reads the index its first page reads, and the pages still
     * continue one another.
     */
    @Test
    void aLaterPageReadsTheIndexItsFirstPageReads() throws Exception {
        try (Database db = Database.open(HistoryDatabase.sqlite(dir.resolve("pages.db")))) {
            Schema.migrate(db, Schema.LATEST);
            Instant now = Instant.parse("2026-11-30T10:00:00Z");
            long nowMicros = Times.micros(now);
            try (Connection c = db.connection()) {
                c.setAutoCommit(false);
                try (PreparedStatement run = c.prepareStatement("insert into flow_run (id, name, flow_name, state, root_id, tags,"
                        + " history, attempts, created_at, start_time, end_time, sort_time, duration_us, owner_id, updated_at)"
                        + " values (?, ?, ?, ?, ?, '[]', '[]', 1, ?, ?, ?, ?, ?, 'owner', ?)");
                        PreparedStatement tag = c.prepareStatement("insert into flow_run_tag (run_id, tag) values (?, ?)")) {
                    for (int i = 0; i < RUNS; i++) {
                        String id = String.format("%012d", i);
                        long at = nowMicros - (RUNS - i) * 77_760_000L; // one run every 77.76 s: 90 days
                        String state = STATES[Math.floorMod(i * 7919, 100)];
                        run.setString(1, id);
                        run.setString(2, (i % 2 == 0 ? "vtasks." : "etl.") + "job-" + i);
                        run.setString(3, (i % 2 == 0 ? "vtasks." : "etl.") + "job");
                        run.setString(4, state);
                        run.setString(5, id);
                        for (int k = 6; k <= 9; k++) {
                            run.setLong(k, at);
                        }
                        run.setLong(10, 1_000 + i % 997);
                        run.setLong(11, at);
                        run.addBatch();
                        if (i % 10 < 7) {
                            tag.setString(1, id);
                            tag.setString(2, "env:prod");
                            tag.addBatch();
                        }
                    }
                    run.executeBatch();
                    tag.executeBatch();
                }
                c.commit();
                c.setAutoCommit(true);
                try (Statement st = c.createStatement()) {
                    st.execute("analyze");
                }
            }
            Queries queries = new Queries(db, Clock.fixed(now, java.time.ZoneOffset.UTC));
            FlowRunQuery query = FlowRunQuery.all().nameLike("vtasks.%").withAllTags("env:prod")
                    .inStates(State.FAILED, State.CRASHED).startedAfter(now.minus(Duration.ofDays(7))).limit(10);

            String first = queries.explain(query);
            List<FlowRunSummary> seen = new ArrayList<>();
            Page<FlowRunSummary> page = queries.flowRuns(query);
            seen.addAll(page.items());
            for (int n = 2; n <= 10; n++) {
                FlowRunQuery later = query.after(page.next().orElseThrow());
                assertThat(index(queries.explain(later))).as("page %d's plan:%n%s", n, queries.explain(later))
                        .isEqualTo(index(first));
                page = queries.flowRuns(later);
                seen.addAll(page.items());
            }
            assertThat(index(first)).isNotNull();
            // the pages continue one another: newest first, no run twice, each a match
            assertThat(seen).hasSize(100).extracting(FlowRunSummary::id).doesNotHaveDuplicates()
                    .isSortedAccordingTo(java.util.Comparator.reverseOrder());
            assertThat(seen).allSatisfy(r -> {
                assertThat(r.name()).startsWith("vtasks.");
                assertThat(r.state()).isIn(State.FAILED, State.CRASHED);
            });
        }
    }

    private static final int RUNS = 100_000;
    /** By share of 100: 90 completed, 5 failed, 2 crashed, 1 running, 1 cancelled, 1 cached. */
    private static final String[] STATES = new String[100];

    static {
        java.util.Arrays.fill(STATES, "COMPLETED");
        for (int k = 0; k < 5; k++) {
            STATES[90 + k] = "FAILED";
        }
        STATES[95] = "CRASHED";
        STATES[96] = "CRASHED";
        STATES[97] = "RUNNING";
        STATES[98] = "CANCELLED";
        STATES[99] = "CACHED";
    }

    private static String index(String plan) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^(?:SCAN|SEARCH) f USING (?:COVERING )?INDEX (\\w+)")
                .matcher(plan);
        return m.find() ? m.group(1) : null;
    }

    private static Event.RunEvent event(String id, State state, Instant at, Instant end) {
        return new Event.RunEvent(false, id, "work-0", "work", null, state, new StateChange(state, at, null), null, null,
                Set.of(), false, 1, null, null, at, end, null, null);
    }
}
