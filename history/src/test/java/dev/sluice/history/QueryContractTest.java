package dev.sluice.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Flow;
import dev.sluice.SluiceRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the query API promises in its Javadoc, on SQLite here and on PostgreSQL in {@link PostgresIT}: both databases
 * answer the same for the same runs.
 */
class QueryContractTest {
    @TempDir
    Path dir;

    @Test
    void nameLikeIsCaseSensitive() {
        nameLikeIsCaseSensitive(HistoryDatabase.sqlite(dir.resolve("runs.db")));
    }

    /** Runs named in three cases: a LIKE pattern matches only the case it gives, with or without a fixed beginning. */
    static void nameLikeIsCaseSensitive(HistoryDatabase db) {
        try (History history = History.open(db);
                SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().recorder(history.recorder()).build()) {
            Flow<String, String> flow = Flow.named("cities").withRunName("{arg0}").of((String s) -> s);
            for (String name : List.of("north-1", "North-2", "NORTH-3", "south_1", "south-2", "a*b", "a?b", "axb", "[x]")) {
                runtime.run(flow, name);
            }
            assertThat(history.flush()).isTrue();
            assertThat(names(history, FlowRunQuery.all().nameLike("%orth%"))).containsExactlyInAnyOrder("north-1", "North-2");
            assertThat(names(history, FlowRunQuery.all().nameLike("%NORTH%"))).containsExactly("NORTH-3");
            assertThat(names(history, FlowRunQuery.all().nameLike("north%"))).containsExactly("north-1");
            assertThat(names(history, FlowRunQuery.all().nameLike("N%"))).containsExactlyInAnyOrder("North-2", "NORTH-3");
            assertThat(names(history, FlowRunQuery.all().nameLike("_orth-_"))).containsExactlyInAnyOrder("north-1", "North-2");
            assertThat(names(history, FlowRunQuery.all().nameLike("%h\\_%"))).containsExactly("south_1");
            assertThat(names(history, FlowRunQuery.all().nameLike("%H%"))).containsExactly("NORTH-3");
            // characters that mean something to other pattern languages stand for themselves
            assertThat(names(history, FlowRunQuery.all().nameLike("a*b"))).containsExactly("a*b");
            assertThat(names(history, FlowRunQuery.all().nameLike("%?%"))).containsExactly("a?b");
            assertThat(names(history, FlowRunQuery.all().nameLike("a_b"))).containsExactlyInAnyOrder("a*b", "a?b", "axb");
            assertThat(names(history, FlowRunQuery.all().nameLike("[x%"))).containsExactly("[x]");
            assertThat(names(history, FlowRunQuery.all().nameLike("%x]"))).containsExactly("[x]");
            // task run names the same way
            assertThat(history.taskRuns(TaskRunQuery.all().nameLike("%ORTH%")).items()).isEmpty();
        }
    }

    static List<String> names(History history, FlowRunQuery q) {
        return history.flowRuns(q.limit(FlowRunQuery.MAX_LIMIT)).items().stream().map(FlowRunSummary::name).toList();
    }
}
