package dev.sluice.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.State;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example runs and leaves what it says in the file. */
class HistoryExampleTest {
    @TempDir
    Path dir;

    @Test
    void theExampleRuns() throws Exception {
        Path file = dir.resolve("runs.db");
        HistoryExample.main(new String[] {file.toString()});
        try (History h = History.open(HistoryDatabase.sqlite(file))) {
            assertThat(h.flowRuns(FlowRunQuery.all().flowName("daily-etl")).items()).hasSize(4);
            assertThat(h.flowRuns(FlowRunQuery.all().inStates(State.FAILED)).items()).extracting(FlowRunSummary::name)
                    .containsExactly("etl-northeast");
        }
    }
}
