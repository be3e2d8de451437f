package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Flow;
import dev.sluice.SluiceRuntime;
import dev.sluice.cli.CliTest.Result;
import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tables stay tables whatever the names in them: wide letters, combining accents, line breaks, escape codes. */
class CliTablesTest {
    @TempDir
    Path home;

    @Test
    void columnsLineUpOnATerminalWhateverTheNamesAndNoNameBreaksALineOrSendsEscapeCodes() {
        String failed;
        try (History history = History.open(HistoryDatabase.sqlite(home.resolve("sluice.db")));
                SluiceRuntime runtime = SluiceRuntime.builder().home(home).recorder(history.recorder()).withoutExtensions().build()) {
            // a flow's name cannot hold a line break or an escape code any more (Flow.of refuses them); the error can
            for (String flow : List.of("日報レポート", "cafe\u0301", "plain", "emoji\uD83D\uDE80")) {
                runtime.runForState(Flow.of(flow, (Integer n) -> n).withRunName("run"), 1);
            }
            failed = runtime.runForState(Flow.of("quoting", (String s) -> {
                throw new IllegalStateException("the API answered \u001b]0;pwned\u0007\u001b[31mno\u001b[0m");
            }), "x").id();
            history.flush();
        }
        Result show = CliTest.run(home, Map.of("NO_COLOR", "1"), false, "", "runs", "show", failed);
        assertThat(show.code()).as(show.all()).isZero();
        assertThat(show.out()).contains("the API answered").doesNotContain("\u001b", "\u0007");
        Result r = CliTest.run(home, Map.of("NO_COLOR", "1"), false, "", "runs", "ls");

        assertThat(r.code()).as(r.all()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).as(r.out()).hasSize(6);
        assertThat(r.out()).doesNotContain("\u001b");
        // the column NAME ("run" in every row) starts at the same place on the screen in every line
        int header = columns(lines.get(0).substring(0, lines.get(0).indexOf("NAME")));
        for (String line : lines.subList(1, lines.size())) {
            if (line.contains("quoting")) {
                continue;
            }
            assertThat(columns(line.substring(0, line.indexOf("  run  ") + 2))).as(line).isEqualTo(header);
        }
    }

    /** How many terminal columns {@code s} takes, as a terminal (xterm, VTE) draws it. */
    static int columns(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (Character.getType(c) == Character.NON_SPACING_MARK) {
                continue;
            }
            boolean wide = (c >= 0x3040 && c <= 0x30FF) || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x1F300 && c <= 0x1F6FF);
            n += wide ? 2 : 1;
        }
        return n;
    }
}
