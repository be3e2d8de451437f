package dev.sluice.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Flow;
import dev.sluice.history.HistoryDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text with a lone surrogate (half of a UTF-16 pair, as a JSON {@code "\ud800"} escape or a cut Java string makes) has no
 * form in the database's UTF-8: it was stored, and run, as {@code '?'}. It is a wrong field instead; whole characters
 * outside the BMP (an emoji) pass untouched.
 */
@Timeout(20)
class BrokenUnicodeParametersTest {
    record Note(String text) {
    }

    static final Flow<Note, String> NOTE = Flow.of("note", (Note n) -> n.text());

    @Test
    void aLoneSurrogateIsAWrongFieldNotAQuestionMark(@TempDir Path dir) throws Exception {
        HistoryDatabase db = HistoryDatabase.sqlite(dir.resolve("sluice.db"));
        try (Worker w = Worker.builder(db).pollingInterval(Duration.ofMillis(20)).deployments(Deployment.of(NOTE, Note.class)).start()) {
            assertThatThrownBy(() -> w.client().trigger("note", Map.of("text", "a\uD800b"))).isInstanceOf(InvalidParametersException.class)
                    .hasMessageContaining("text: ").hasMessageContaining("surrogate");
            assertThatThrownBy(() -> w.client().trigger("note", Map.of("text", "end\uDE00"))).isInstanceOf(InvalidParametersException.class);
            assertThat(w.client().runs("note", 10)).isEmpty();
            String id = w.client().trigger("note", Map.of("text", "Zürich \uD83D\uDE00"));
            DeploymentRun run = w.client().awaitFinished(id, Duration.ofSeconds(10)).orElseThrow();
            assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(run.parameters()).containsEntry("text", "Zürich \uD83D\uDE00");
        }
    }
}
