package dev.sluice;

import dev.sluice.testkit.TestRuntimes;
import dev.sluice.notify.Notify;
import dev.sluice.notify.LogNotifier;
import dev.sluice.block.Block;
import dev.sluice.block.BlockId;
import dev.sluice.block.BlockStore;
import dev.sluice.block.BlockType;
import dev.sluice.block.Blocks;
import dev.sluice.block.Secret;
import dev.sluice.notify.Notification;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The issue's masking test: a flow loads a block, uses its password, logs the connection string
 * and fails with an exception that contains it; the password shows up nowhere: not in the log
 * output, not in the run record (logs, history, error, task runs), not in the notification.
 */
class SecretMaskingEndToEndTest {
    @BlockType("e2e-database")
    record Database(String host, String user, Secret password) implements Block {
    }

    @TempDir
    Path home;

    @AfterEach
    void reset() {
        TestRuntimes.reset();
    }

    @Test
    void thePasswordAppearsNowhere() throws Exception {
        // unique per run, with characters that URL encoding and JSON escaping change
        String password = "S3cr@t/" + System.nanoTime() + ":p\"w";
        String encoded = URLEncoder.encode(password, StandardCharsets.UTF_8);
        BlockStore store = BlockStore.file(home, Map.of());
        TestRuntimes.use(b -> b.blockStore(store));
        // written straight to the store, so nothing in this JVM has revealed the password yet
        store.write(new BlockId("e2e-database", "warehouse"), "{\"host\":\"db.example.com\",\"user\":\"etl\","
                + "\"password\":{\"$secret\":\"" + password.replace("\"", "\\\"") + "\"}}", false);
        assertThat(Files.readString(home.resolve("blocks/e2e-database/warehouse.json"))).doesNotContain(password);

        List<String> recorded = new CopyOnWriteArrayList<>();
        TestRuntimes.use(b -> b.recorder(new RunRecorder() {
            @Override
            public void stateChanged(Run run, StateChange change) {
                recorded.add(change.state() + " " + change.message());
            }

            @Override
            public void logged(Run run, LogLine line) {
                recorded.add(line.message() + " " + line.error());
            }
        }));
        List<Notification> notifications = new CopyOnWriteArrayList<>();

        Task<String, Integer> connect = Task.of("connect", (String table) -> {
            Database db = Blocks.load(Database.class, "warehouse");
            String pw = db.password().reveal();
            String url = "jdbc:postgresql://" + db.user() + ":" + URLEncoder.encode(pw, StandardCharsets.UTF_8)
                    + "@" + db.host() + ":5432/dw?user=" + db.user() + "&password=" + pw;
            RunContext.logger().info("connecting to {} for table {}", url, table);
            RunContext.logger().warn("login as {} with {} failed", db.user(), pw,
                    new IOException("handshake with " + url + " rejected"));
            throw new SQLException("FATAL: password authentication failed for user etl (url " + url + ")",
                    new IOException("server said: bad password " + pw));
        });
        Flow<String, Integer> flow = Flow.of("nightly-load", (String table) -> connect.run(table))
                .withParameterNames("table")
                .onFailure(Notify.via(notifications::add, new LogNotifier("sluice.test.e2e")).withRetries(0, Duration.ZERO));

        FlowRun<Integer> run;
        String output;
        try (CapturedOutput out = new CapturedOutput()) {
            run = flow.runForState("orders");
            assertThatThrownBy(() -> flow.run("orders"))
                    .isInstanceOf(FlowFailedException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(password).doesNotContain(encoded));
            output = out.text();
        }

        assertThat(run.state()).isEqualTo(State.FAILED);
        List<String> places = new ArrayList<>();
        places.add("output: " + output);
        places.add("recorder: " + recorded);
        for (Run r : Stream.concat(Stream.of(run), run.taskRuns().stream()).toList()) {
            places.add("history: " + r.history());
            places.add("error: " + r.error().map(e -> e.summary() + "\n" + e.stackTrace()).orElse(""));
            for (LogLine line : r.logs()) {
                places.add("log: " + line.message() + "\n" + line.error());
            }
            places.add("parameters: " + r.parameters());
        }
        assertThat(notifications).as("one per failed run").hasSize(2);
        for (Notification n : notifications) {
            places.add("notification: " + n.text() + n.fields());
        }

        for (String place : places) {
            assertThat(place).doesNotContain(password).doesNotContain(encoded).doesNotContain("S3cr@t/");
        }
        // and the test is not vacuous: the masked lines are there
        assertThat(output).contains("connecting to jdbc:postgresql://etl:**********@db.example.com:5432/dw?user=etl&password=**********");
        assertThat(output).contains("handshake with jdbc:postgresql://etl:**********@db.example.com");
        assertThat(run.taskRuns().get(0).logs()).extracting(LogLine::message)
                .contains("login as etl with ********** failed");
        assertThat(run.error().orElseThrow().stackTrace()).contains("server said: bad password **********");
        assertThat(notifications.get(0).body()).contains("java.sql.SQLException: FATAL: password authentication failed")
                .contains("password=**********");
        assertThat(output).contains("sluice.test.e2e - [Sluice] flow 'nightly-load' FAILED");
    }

    /**
     * A password in a URL's user info ({@code https://etl:pw@host/}) is a secret by its place, revealed or not: it is
     * masked in log lines, errors (causes and suppressed ones), the history and notifications; so is a user info
     * without a password (a token used as the user name).
     */
    @Test
    void aPasswordInAUrlsUserInfoIsMaskedEverywhereThoughNoSecretHeldIt() throws Exception {
        String password = "Ui-" + System.nanoTime() + "-pw";
        String token = "ghp" + System.nanoTime() + "tok";
        List<String> recorded = new CopyOnWriteArrayList<>();
        TestRuntimes.use(b -> b.recorder(new RunRecorder() {
            @Override
            public void stateChanged(Run run, StateChange change) {
                recorded.add(change.state() + " " + change.message());
            }

            @Override
            public void logged(Run run, LogLine line) {
                recorded.add(line.message() + " " + line.error());
            }
        }));
        List<Notification> notifications = new CopyOnWriteArrayList<>();
        Task<String, Integer> call = Task.of("call", (String endpoint) -> {
            RunContext.logger().info("calling {}", endpoint);
            IOException refused = new IOException("connect to " + endpoint + " refused");
            refused.addSuppressed(new IllegalStateException("also tried https://" + token + "@git.example.com/repo.git"));
            throw new IllegalStateException("GET " + endpoint + "/v1/orders failed", refused);
        });
        Flow<String, Integer> flow = Flow.of("pull", (String endpoint) -> call.run(endpoint))
                .withParameterNames("endpoint").withRunName("pull-{endpoint}")
                .onFailure(Notify.via(notifications::add).withRetries(0, Duration.ZERO));

        FlowRun<Integer> run;
        String output;
        try (CapturedOutput out = new CapturedOutput()) {
            run = flow.runForState("https://etl:" + password + "@api.example.com");
            output = out.text();
        }

        List<String> places = new ArrayList<>();
        places.add("output: " + output);
        places.add("recorder: " + recorded);
        places.add("name: " + run.name());
        for (Run r : Stream.concat(Stream.of(run), run.taskRuns().stream()).toList()) {
            places.add("history: " + r.history());
            places.add("error: " + r.error().map(e -> e.summary() + "\n" + e.stackTrace()).orElse(""));
            for (LogLine line : r.logs()) {
                places.add("log: " + line.message() + "\n" + line.error());
            }
            places.add("parameters: " + r.parameters());
        }
        for (Notification n : notifications) {
            places.add("notification: " + n.text() + n.fields());
        }
        for (String place : places) {
            assertThat(place).doesNotContain(password).doesNotContain(token);
        }
        assertThat(notifications).isNotEmpty();
        assertThat(run.taskRuns().get(0).logs()).extracting(LogLine::message)
                .contains("calling https://etl:**********@api.example.com");
        assertThat(run.error().orElseThrow().stackTrace()).contains("connect to https://etl:**********@api.example.com refused")
                .contains("also tried https://**********@git.example.com/repo.git");
        assertThat(Secret.mask("see https://etl:**********@api.example.com")).isEqualTo("see https://etl:**********@api.example.com");
        assertThat(Secret.mask("mail ops@example.com, id user:1@2")).isEqualTo("mail ops@example.com, id user:1@2");
    }

    /**
     * The exceptions the library throws to the caller (a failed flow, a failed task) hand out masked copies of the
     * causes and suppressed exceptions that held a secret, so logging them with any logger shows no secret.
     */
    @Test
    void theExceptionsThrownToTheCallerCarryMaskedCausesAndSuppressedExceptions() {
        String password = Secret.of("thrown-pw-" + System.nanoTime()).reveal();
        Task<String, Integer> task = Task.of("connect", (String db) -> {
            SQLException refused = new SQLException("login failed for etl/" + password);
            refused.addSuppressed(new IOException("retry also failed with " + password));
            throw new IllegalStateException("cannot load", refused);
        });
        Flow<String, Integer> flow = Flow.of("load", (String db) -> task.run(db));

        Throwable fromFlow = org.assertj.core.api.Assertions.catchThrowable(() -> flow.run("dw"));
        Throwable fromTask = org.assertj.core.api.Assertions.catchThrowable(() -> task.run("dw"));

        for (Throwable t : List.of(fromFlow, fromTask)) {
            java.io.StringWriter trace = new java.io.StringWriter();
            t.printStackTrace(new java.io.PrintWriter(trace));
            assertThat(trace.toString()).as(t.getClass().getName()).contains("login failed for etl/**********")
                    .contains("retry also failed with **********").doesNotContain(password);
        }
    }

    /** A secret of 2 or 3 characters is masked where it stands alone, in its URL-encoded and JSON-escaped forms too. */
    @Test
    void aShortSecretIsMaskedInItsUrlEncodedAndJsonEscapedFormsToo() {
        String shortSecret = Secret.of("\u00fc&").reveal(); // "ü&": URL-encoded %C3%BC%26, JSON-escaped as \u00fc&
        String quoted = Secret.of("q\"9").reveal();

        assertThat(Secret.mask("login?user=etl&pw=" + URLEncoder.encode(shortSecret, StandardCharsets.UTF_8) + "&x=1"))
                .isEqualTo("login?user=etl&pw=**********&x=1");
        assertThat(Secret.mask("{\"pw\": \"q\\\"9\"}")).isEqualTo("{\"pw\": \"**********\"}");
        assertThat(Secret.mask("{\"pw\": \"\\u00fc&\"}")).isEqualTo("{\"pw\": \"**********\"}");
        assertThat(Secret.mask("plain " + shortSecret + " and " + quoted)).isEqualTo("plain ********** and **********");
    }

    /** A tag added while the run goes on, holding a revealed secret, is kept masked, as the run's name is. */
    @Test
    void aTagHoldingARevealedSecretIsKeptMasked() {
        String password = Secret.of("tag-pw-" + System.nanoTime()).reveal();
        List<String> recorded = new CopyOnWriteArrayList<>();
        TestRuntimes.use(b -> b.recorder(new RunRecorder() {
            @Override
            public void stateChanged(Run run, StateChange change) {
                recorded.add(run.tags().toString());
            }
        }));
        Flow<String, String> flow = Flow.of("tagged", (String db) -> {
            RunContext.addTags("dsn:" + db);
            return db;
        });

        FlowRun<String> run = flow.runForState("etl:" + password + "@db");

        assertThat(run.tags()).contains("dsn:etl:**********@db");
        assertThat(run.tags().toString()).doesNotContain(password);
        assertThat(recorded.toString()).doesNotContain(password);
    }
}
