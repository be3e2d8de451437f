package dev.sluice.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Flow;
import dev.sluice.FlowRun;
import dev.sluice.RunContext;
import dev.sluice.SluiceRuntime;
import dev.sluice.State;
import dev.sluice.Task;
import dev.sluice.block.Secret;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Nothing the masker would hide reaches the database file. */
class SecretsTest {
    @TempDir
    Path dir;

    record Login(String user, String password) {
    }

    @Test
    void aRevealedSecretIsNowhereInTheDatabaseFiles() throws IOException {
        String value = "Sup3r-s3cret/pa55 word+" + System.nanoTime();
        Secret secret = Secret.of(value);
        Path file = dir.resolve("runs.db");
        try (History history = History.open(HistoryDatabase.sqlite(file));
                SluiceRuntime runtime = SluiceRuntime.builder().home(dir).withoutExtensions().recorder(history.recorder()).build()) {
            Task<String, Integer> connect = Task.named("connect").withRunName("connect-{arg0}").of((String password) -> {
                RunContext.logger().info("connecting with {}", password);
                RunContext.addTags("pw:" + password);
                throw new IllegalStateException("login refused for password " + password);
            });
            Flow<Login, Integer> flow = Flow.named("secret-flow").withRunName("login-{user}-{password}")
                    .of((Login l) -> {
                        RunContext.logger().warn("url jdbc:x://u:{}@host", URLEncoder.encode(l.password(), StandardCharsets.UTF_8));
                        return connect.run(l.password());
                    });
            FlowRun<Integer> run = runtime.runForState(flow, new Login("etl", secret.reveal()));
            assertThat(run.state()).isEqualTo(State.FAILED);
            assertThat(history.flush()).isTrue();

            FlowRunDetail detail = history.flowRun(run.id()).orElseThrow();
            assertThat(detail.parameters().get("password")).isEqualTo("**********");
            assertThat(detail.run().name()).doesNotContain(value);
            assertThat(detail.logs().items()).isNotEmpty();
            assertThat(detail.error()).isNotNull();
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().startsWith("runs.db")).toList();
        }
        assertThat(files).isNotEmpty();
        byte[] needle = value.getBytes(StandardCharsets.UTF_8);
        byte[] encoded = URLEncoder.encode(value, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
        for (Path p : files) {
            byte[] bytes = Files.readAllBytes(p);
            assertThat(indexOf(bytes, needle)).as("the secret in %s", p).isEqualTo(-1);
            assertThat(indexOf(bytes, encoded)).as("the URL-encoded secret in %s", p).isEqualTo(-1);
        }
        // and the check itself finds what is there
        assertThat(indexOf(Files.readAllBytes(file), "secret-flow".getBytes(StandardCharsets.UTF_8))).isNotEqualTo(-1);
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
