package dev.sluice.history.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.State;
import dev.sluice.StateChange;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.history.TaskRunQuery;
import dev.sluice.history.TaskRunSummary;
import java.nio.file.Path;
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

    private static Event.RunEvent event(String id, State state, Instant at, Instant end) {
        return new Event.RunEvent(false, id, "work-0", "work", null, state, new StateChange(state, at, null), null, null,
                Set.of(), false, 1, null, null, at, end, null, null);
    }
}
