package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.Flow;
import dev.sluice.RunContext;
import dev.sluice.SluiceRuntime;
import dev.sluice.cli.CliTest.Result;
import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --json} is for scripts: the same data gives the same text in every run of the command, so its arrays of
 * sets (tags) are sorted and its objects' keys come in one order (not in the order of a JVM's hash salt).
 */
class CliJsonTest {
    @TempDir
    Path home;

    @Test
    void tagsComeSortedAndBlockKeysInOneOrder() throws Exception {
        List<String> tags = List.of("zone:eu", "alpha", "team:ops", "beta", "env:prod", "kind:etl", "owner:ana", "tier:1");
        try (History history = History.open(HistoryDatabase.sqlite(home.resolve("sluice.db")));
                SluiceRuntime runtime = SluiceRuntime.builder().home(home).recorder(history.recorder()).withoutExtensions().build()) {
            runtime.runForState(Flow.of("tagged", (Integer n) -> {
                RunContext.addTags(tags.toArray(String[]::new));
                return n;
            }), 1);
            history.flush();
        }
        List<String> sorted = new ArrayList<>(tags);
        java.util.Collections.sort(sorted);
        ObjectMapper mapper = new ObjectMapper();
        Result ls = CliTest.run(home, Map.of(), false, "", "runs", "ls", "--json");
        JsonNode run = mapper.readTree(ls.out()).path("runs").get(0);
        assertThat(run.path("tags").findValuesAsText("")).isEmpty();
        List<String> listed = new ArrayList<>();
        run.path("tags").forEach(t -> listed.add(t.asText()));
        assertThat(listed).isEqualTo(sorted);
        Result show = CliTest.run(home, Map.of(), false, "", "runs", "show", run.path("id").asText(), "--json");
        List<String> shown = new ArrayList<>();
        mapper.readTree(show.out()).path("run").path("tags").forEach(t -> shown.add(t.asText()));
        assertThat(shown).isEqualTo(sorted);

        assertThat(CliTest.run(home, Map.of(), false, "", "blocks", "create", "log-notifier", "ops", "--set", "logger=ops").code()).isZero();
        Result blocks = CliTest.run(home, Map.of(), false, "", "blocks", "ls", "--json");
        List<String> keys = new ArrayList<>();
        mapper.readTree(blocks.out()).get(0).fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("type", "name");
    }
}
