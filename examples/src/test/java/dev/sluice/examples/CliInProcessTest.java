package dev.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Flow;
import dev.sluice.SluiceRuntime;
import dev.sluice.cli.SluiceCli;
import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/cli.md, "In-process": the command run inside a JVM, on the history of the home it is given. */
class CliInProcessTest {
    @TempDir
    Path home;

    @Test
    void listsTheRunsOfTheHomesHistoryAsJson() throws Exception {
        try (History history = History.open(HistoryDatabase.sqlite(home.resolve("sluice.db")));
             SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().recorder(history.recorder()).build()) {
            runtime.run(Flow.of("cli-docs-flow", (String s) -> s.length()), "hello");
            history.flush();
        }
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

        int exit = SluiceCli.builder().out(out).err(err).environment(Map.of("SLUICE_HOME", home.toString()))
                .build().run("runs", "ls", "--json");

        assertThat(exit).as(errBytes.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(outBytes.toString(StandardCharsets.UTF_8)).contains("\"runs\"", "\"flowName\" : \"cli-docs-flow\"", "\"state\" : \"COMPLETED\"");
    }
}
