package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code sluice} command run in-process over a real SQLite run history and a real file block store. */
class CliTest {
    @TempDir
    static Path home;
    static List<String> ids;

    @TempDir
    Path blocksHome;

    @BeforeAll
    static void runSomeFlows() {
        ids = Histories.fill(home);
    }

    /** What one command line printed and returned. */
    record Result(int code, String out, String err) {
        String all() {
            return out + err;
        }
    }

    static Result run(Path home, Map<String, String> env, boolean terminal, String input, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SluiceCli.builder().out(new PrintStream(out, true, StandardCharsets.UTF_8))
                .err(new PrintStream(err, true, StandardCharsets.UTF_8)).environment(env).terminal(terminal).home(home)
                .in(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8))).build().run(args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Result run(String... args) {
        return run(home, Map.of(), false, "", args);
    }

    @Test
    void runsLsListsTheRunsNewestFirstWithTheirStates() {
        Result r = run("runs", "ls");

        assertThat(r.code()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).startsWith("ID").contains("FLOW", "NAME", "STATE", "STARTED", "DURATION", "TAGS");
        assertThat(lines).hasSize(5);
        assertThat(lines.get(1)).contains(ids.get(3), "load", "FAILED");
        assertThat(lines.get(4)).contains(ids.get(0), "nightly", "COMPLETED", "env:prod");
        assertThat(r.out()).doesNotContain("\u001b[").as("no colour off a terminal");
    }

    @Test
    void filtersNarrowTheList() {
        assertThat(run("runs", "ls", "--state", "failed").out()).contains(ids.get(3)).doesNotContain(ids.get(0));
        assertThat(run("runs", "ls", "--flow", "nightly").out()).contains(ids.get(0), ids.get(2)).doesNotContain(ids.get(3));
        assertThat(run("runs", "ls", "--tag", "env:prod", "--state", "COMPLETED,FAILED").out().lines()).hasSize(4);
        assertThat(run("runs", "ls", "--since", "1h").out().lines()).hasSize(5);
        assertThat(run("runs", "ls", "--since", "2000-01-01").out().lines()).hasSize(5);
        Result none = run("runs", "ls", "--flow", "nope");
        assertThat(none.code()).isZero();
        assertThat(none.out()).isEqualTo("No flow runs match." + System.lineSeparator());
    }

    @Test
    void sinceTakesAnInstantWithAnOffsetAndSaysWhatIsWrongWithAnyOtherText() {
        assertThat(run("runs", "ls", "--since", "2000-01-01T06:00:00+01:00").out().lines()).hasSize(5);
        assertThat(run("runs", "ls", "--since", "2999-01-01T06:00:00-05:00").out()).startsWith("No flow runs match.");
        for (String wrong : List.of("99999999999999999999d", "9999999999999999w", "2026-12-01 06:00")) {
            Result r = run("runs", "ls", "--since", wrong);
            assertThat(r.code()).as(wrong + ": " + r.err()).isEqualTo(SluiceCli.USAGE);
            assertThat(r.err()).as(wrong).contains("'" + wrong + "'").doesNotContain("For input string", "unexpected");
        }
        Result backfill = run("deployments", "backfill", "x", "--from", "99999999999999999999d");
        assertThat(backfill.code()).isEqualTo(SluiceCli.USAGE);
        assertThat(backfill.err()).contains("'99999999999999999999d'");
    }

    /**
     * "Durations on the command line (--since, --from, --timeout, --session-timeout) are 30s, 15m, 2h, 1d, 1w or
     * ISO-8601 (PT1H30M)": --since and --from refused the ISO-8601 form with a usage error.
     */
    @Test
    void sinceAndFromTakeAnIso8601DurationAsTheDocsSay() {
        for (String iso : List.of("PT1H30M", "P1D", "pt36h", "P2DT3H")) {
            Result r = run("runs", "ls", "--since", iso);
            assertThat(r.code()).as(iso + ": " + r.all()).isZero();
            assertThat(r.out().lines()).as(iso).hasSize(5);
        }
        assertThat(run("runs", "ls", "--since", "PT0S").out()).startsWith("No flow runs match.");
        Result negative = run("runs", "ls", "--since", "-PT1H");
        assertThat(negative.code()).isEqualTo(SluiceCli.USAGE);
        assertThat(negative.err()).contains("'-PT1H'", "PT1H30M");
        // parsed, so the command goes on to the database (none at this path: exit code 4, not a usage error)
        Result backfill = run(blocksHome, Map.of(), false, "", "deployments", "backfill", "x", "--from", "P7D", "--to", "PT1H");
        assertThat(backfill.code()).as(backfill.all()).isEqualTo(SluiceCli.UNREACHABLE);
    }

    @Test
    void aListOfStatesMayHaveSpacesAndABlankFilterIsNamedByItsOption() {
        assertThat(run("runs", "ls", "--state", "FAILED, COMPLETED").out().lines()).hasSize(5);
        for (String option : List.of("--flow", "--tag")) {
            Result r = run("runs", "ls", option, " ");
            assertThat(r.code()).as(r.all()).isEqualTo(SluiceCli.USAGE);
            assertThat(r.err()).startsWith("sluice: " + option + " must not be blank");
        }
    }

    @Test
    void jsonIsForScriptsAndPagesFollowTheCursor() throws IOException {
        Result first = run("runs", "ls", "--limit", "3", "--json");
        JsonNode doc = new ObjectMapper().readTree(first.out());
        assertThat(doc.get("runs")).hasSize(3);
        assertThat(doc.get("runs").get(0).get("id").asText()).isEqualTo(ids.get(3));
        assertThat(doc.get("runs").get(0).get("state").asText()).isEqualTo("FAILED");
        String cursor = doc.get("next").asText();
        Result table = run("runs", "ls", "--limit", "3");
        assertThat(table.out()).contains("more: add --after " + cursor);

        JsonNode second = new ObjectMapper().readTree(run("runs", "ls", "--limit", "3", "--after", cursor, "--json").out());
        assertThat(second.get("runs")).hasSize(1);
        assertThat(second.get("runs").get(0).get("id").asText()).isEqualTo(ids.get(0));
        assertThat(second.get("next").isNull()).isTrue();
    }

    @Test
    void runsShowGivesTheDetailWithTheSecretMasked() {
        Result failed = run("runs", "show", ids.get(3));

        assertThat(failed.code()).isZero();
        assertThat(failed.out()).contains("Flow run:", ids.get(3), "State:       FAILED", "\"orders\"", "IllegalStateException",
                "server said: bad token **********").doesNotContain(Histories.REVEALED);
        Result done = run("runs", "show", ids.get(0));
        assertThat(done.out()).contains("COMPLETED", "TASK RUN", "square", "env:prod");
        assertThat(run("runs", "show", ids.get(3), "--json").out()).contains("\"state\" : \"FAILED\"").doesNotContain(Histories.REVEALED);
    }

    @Test
    void runsLogsPrintsTheLogLinesAndFollowEndsWithAFinishedRun() {
        Result logs = run("runs", "logs", ids.get(0));
        assertThat(logs.code()).isZero();
        assertThat(logs.out()).contains("INFO  squaring 1");
        Result failed = run("runs", "logs", "--follow", ids.get(3));
        assertThat(failed.code()).isZero();
        assertThat(failed.out()).contains("loading orders").doesNotContain(Histories.REVEALED);
    }

    @Test
    void exitCodesSayWhatWentWrong() {
        Result missing = run("runs", "show", "no-such-run");
        assertThat(missing.code()).isEqualTo(SluiceCli.NOT_FOUND);
        assertThat(missing.err()).isEqualTo("sluice: no flow run or task run has id 'no-such-run' in the run history"
                + " (sluice runs ls lists them)" + System.lineSeparator());
        assertThat(run("runs", "logs", "no-such-run").code()).isEqualTo(SluiceCli.NOT_FOUND);

        Result usage = run("runs", "ls", "--limit", "0");
        assertThat(usage.code()).isEqualTo(SluiceCli.USAGE);
        assertThat(usage.err()).contains("--limit must be 1 to 1000, was 0");
        assertThat(run("runs", "ls", "--state", "DONE").code()).isEqualTo(SluiceCli.USAGE);
        assertThat(run("runs", "ls", "--since", "yesterday").err()).contains("neither a duration");
        assertThat(run("runs", "lss").code()).isEqualTo(SluiceCli.USAGE);
        assertThat(run().code()).isEqualTo(SluiceCli.USAGE);
        assertThat(run("version").out()).startsWith("sluice 0.1.0");
    }

    @Test
    void anUnreachableDatabaseIsExitCodeFourWithItsPasswordMasked() {
        Map<String, String> env = Map.of("SLUICE_DATABASE_PASSWORD", "pw-never-printed-42");
        Result r = run(home, env, false, "", "runs", "ls", "--database", "jdbc:postgresql://127.0.0.1:1/history");

        assertThat(r.code()).isEqualTo(SluiceCli.UNREACHABLE);
        assertThat(r.err()).contains("127.0.0.1:1").doesNotContain("pw-never-printed-42").doesNotContain("\tat ");
        assertThat(r.err().lines().count()).as("one line, no stack trace").isEqualTo(1);
    }

    @Test
    void aFileThatIsNotADatabaseIsNamed() throws IOException {
        Path junk = blocksHome.resolve("junk.db");
        Files.writeString(junk, "this is not a database, just text ".repeat(200));
        Result r = run("runs", "ls", "--database", "jdbc:sqlite:" + junk);
        assertThat(r.code()).isIn(SluiceCli.UNREACHABLE, SluiceCli.FAILED);
        assertThat(r.err()).contains("junk.db");
    }

    @Test
    void statesAreColouredOnATerminalUnlessNoColorIsSet() {
        assertThat(run(home, Map.of(), true, "", "runs", "ls").out()).contains("\u001b[31mFAILED\u001b[0m", "\u001b[32mCOMPLETED");
        assertThat(run(home, Map.of("NO_COLOR", "1"), true, "", "runs", "ls").out()).doesNotContain("\u001b[");
        assertThat(run(home, Map.of(), true, "", "runs", "ls", "--no-color").out()).doesNotContain("\u001b[");
    }

    /**
     * A block type whose jar is in SLUICE_CLASSPATH but whose library is not (email-notifier with only the
     * sluice-tasks-email jar) failed with "NoClassDefFoundError: jakarta/mail/..." as a usage error, exit code 2, as if
     * a value were wrong: it is the class path, named with the missing class and what to do.
     */
    @Test
    void aBlockTypeWhoseLibraryIsMissingSaysSoAndNamesTheClassPath() {
        Result r = run(blocksHome, Map.of(), false, "", "blocks", "create", "test-mailer", "ops", "--set", "host=smtp.example.com");
        assertThat(r.code()).as(r.all()).isEqualTo(SluiceCli.FAILED);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("sluice: block type test-mailer").contains("jakarta/mail/internet/AddressException",
                "SLUICE_CLASSPATH").doesNotContain("unexpected");
        assertThat(r.err().lines()).hasSize(1);
        assertThat(run(blocksHome, Map.of(), false, "", "blocks", "ls").out()).doesNotContain("ops");
    }

    @Test
    void blocksAreCreatedFromStdinAndEnvironmentShownMaskedListedAndRemoved() throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("LOGIN_PASSWORD", "pw-from-env-3f9a");
        Result created = run(blocksHome, env, false, "", "blocks", "create", "test-login", "warehouse",
                "--set", "user=etl", "--set", "port=5432", "--secret-env", "password=LOGIN_PASSWORD");
        assertThat(created.code()).as(created.all()).isZero();
        assertThat(created.out()).contains("Saved block test-login/warehouse");

        Result stdin = run(blocksHome, env, false, "{\"user\": \"ann\", \"password\": \"pw-from-stdin-77b2\", \"port\": 22, \"note\": \"sftp\"}",
                "blocks", "create", "test-login", "sftp", "--stdin");
        assertThat(stdin.code()).as(stdin.all()).isZero();

        Result ls = run(blocksHome, env, false, "", "blocks", "ls");
        assertThat(ls.out()).contains("test-login  sftp", "test-login  warehouse");
        Result show = run(blocksHome, env, false, "", "blocks", "show", "warehouse");
        assertThat(show.out()).contains("user", "etl", "password  **********", "5432").doesNotContain("pw-from-env-3f9a");
        assertThat(run(blocksHome, env, false, "", "blocks", "show", "test-login/sftp", "--json").out())
                .contains("\"note\" : \"sftp\"", "\"password\" : \"**********\"").doesNotContain("pw-from-stdin");
        assertThat(run(blocksHome, env, false, "", "blocks", "types").out()).contains("test-login", "password*:Secret", "note?:Optional<String>");
        try (Stream<Path> files = Files.walk(blocksHome)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(f, StandardCharsets.ISO_8859_1)).as(f.toString())
                        .doesNotContain("pw-from-env-3f9a", "pw-from-stdin-77b2");
            }
        }

        assertThat(run(blocksHome, env, false, "", "blocks", "create", "test-login", "sftp", "--stdin").code())
                .as("exists, no --overwrite; and empty input").isIn(SluiceCli.USAGE, SluiceCli.FAILED);
        Result rm = run(blocksHome, env, false, "", "blocks", "rm", "test-login/sftp");
        assertThat(rm.code()).isZero();
        assertThat(run(blocksHome, env, false, "", "blocks", "show", "sftp").code()).isEqualTo(SluiceCli.NOT_FOUND);
        assertThat(run(blocksHome, env, false, "", "blocks", "rm", "sftp").code()).isEqualTo(SluiceCli.NOT_FOUND);
    }

    /**
     * A block in an environment variable is hand-written JSON whose secrets are plain strings (no
     * {@code {"$secret": ...}}): {@code blocks show} still shows them as the mask, by the block's type.
     */
    @Test
    void aBlockFromAnEnvironmentVariableIsShownWithItsPlainTextSecretsMasked() {
        Map<String, String> env = Map.of("SLUICE_BLOCK_TEST_LOGIN_FROM_ENV",
                "{\"user\": \"ops\", \"password\": \"pw-plain-in-env-5c1d\", \"port\": 2222}");

        Result table = run(blocksHome, env, false, "", "blocks", "show", "test-login/from_env");
        Result json = run(blocksHome, env, false, "", "blocks", "show", "test-login/from_env", "--json");

        assertThat(table.code()).as(table.all()).isZero();
        assertThat(table.out()).contains("user", "ops", "2222", "password  **********").doesNotContain("pw-plain-in-env");
        assertThat(json.out()).contains("\"password\" : \"**********\"").doesNotContain("pw-plain-in-env");
    }

    /**
     * The environment store reads '-' and '_' in a name the same (its variable names cannot tell them
     * apart), so a block named with '-' in the docs' way is found by that name, as {@code Blocks.load} finds it.
     */
    @Test
    void anEnvironmentBlockIsFoundByItsNameWithHyphens() {
        Map<String, String> env = Map.of("SLUICE_BLOCK_TEST_LOGIN_WAREHOUSE_PROD",
                "{\"user\": \"ops\", \"password\": \"pw-plain-in-env-77aa\", \"port\": 2222}");

        Result show = run(blocksHome, env, false, "", "blocks", "show", "test-login/warehouse-prod");
        Result byName = run(blocksHome, env, false, "", "blocks", "show", "warehouse-prod");

        assertThat(show.code()).as(show.all()).isZero();
        assertThat(show.out()).contains("ops", "2222").doesNotContain("pw-plain-in-env");
        assertThat(byName.code()).as(byName.all()).isZero();
        Result rm = run(blocksHome, env, false, "", "blocks", "rm", "test-login/warehouse-prod");
        assertThat(rm.code()).as("kept in a read-only variable: not 'no longer saved'").isEqualTo(SluiceCli.FAILED);
        assertThat(rm.err()).contains("read-only", "SLUICE_BLOCK_TEST_LOGIN_WAREHOUSE_PROD");
    }

    @Test
    void aSecretIsNeverTakenFromAnArgumentAndMissingFieldsAreNamed() {
        Result onArgs = run(blocksHome, Map.of(), false, "", "blocks", "create", "test-login", "x", "--set", "user=a",
                "--set", "port=1", "--set", "password=pw-on-the-command-line");
        assertThat(onArgs.code()).isEqualTo(SluiceCli.USAGE);
        assertThat(onArgs.err()).contains("secret field 'password' cannot be given with --set", "shell history")
                .doesNotContain("pw-on-the-command-line");

        Result missing = run(blocksHome, Map.of(), false, "", "blocks", "create", "test-login", "x", "--set", "user=a");
        assertThat(missing.code()).isEqualTo(SluiceCli.USAGE);
        assertThat(missing.err()).contains("field 'password' has no value", "no terminal")
                .doesNotContain("'port'"); // a number left out is 0, not missing

        Result badPort = run(blocksHome, Map.of("P", "pw-x-1"), false, "", "blocks", "create", "test-login", "x",
                "--set", "user=a", "--set", "port=eighty", "--secret-env", "password=P");
        assertThat(badPort.code()).as("a bad value is a usage error").isEqualTo(SluiceCli.USAGE);
        assertThat(badPort.err()).contains("field 'port' cannot be read as int", "test-login/x").doesNotContain("eighty");

        Result unknown = run(blocksHome, Map.of(), false, "", "blocks", "create", "no-such-type", "x");
        assertThat(unknown.code()).isEqualTo(SluiceCli.NOT_FOUND);
        assertThat(unknown.err()).contains("no block type 'no-such-type'", "test-login");
    }

    /**
     * docs/cli.md: "Every wrong field is named in one message". Without a terminal, a missing required field was
     * reported alone, so a script fixed it only to be told next of the field it misspelled and the value it got
     * wrong, one run at a time.
     */
    @Test
    void withoutATerminalAMissingFieldIsNamedTogetherWithEveryOtherWrongOne() {
        Result r = run(blocksHome, Map.of(), false, "", "blocks", "create", "test-login", "x", "--set", "usr=a",
                "--set", "port=eighty");
        assertThat(r.code()).as(r.all()).isEqualTo(SluiceCli.USAGE);
        assertThat(r.err().lines().count()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).contains("'user'", "'password'", "no value", "no field 'usr'", "field 'port' cannot be read as int",
                "no terminal", "--set").doesNotContain("eighty");
    }

    @Test
    void onATerminalTheMissingFieldsAreAskedFor() {
        Result r = run(blocksHome, Map.of(), true, "ann\npw-typed-at-prompt\n8080\n\n", "blocks", "create", "test-login", "prompted");

        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.err()).contains("user (String): ", "password (Secret, secret: not shown): ", "port (int, Enter for 0): ",
                "note (Optional<String>, optional: Enter to skip): ");
        assertThat(run(blocksHome, Map.of(), false, "", "blocks", "show", "prompted").out()).contains("8080", "ann")
                .doesNotContain("pw-typed-at-prompt");
    }

    @Test
    void aValueTheBlockRefusesIsAUsageErrorNamingTheBlockAndEmptyTextsAreValues() {
        Result refused = run(blocksHome, Map.of("P", "pw-long-enough-1"), false, "", "blocks", "create", "history-database",
                "mydb", "--set", "url=jdbc:sqlite:" + blocksHome.resolve("q.db"), "--set", "user=u", "--secret-env", "password=P",
                "--set", "poolSize=1", "--set", "connectTimeout=PT5S");
        assertThat(refused.code()).isEqualTo(SluiceCli.USAGE);
        assertThat(refused.err()).contains("history-database/mydb", "poolSize must be >= 2").doesNotContain("new-block")
                .doesNotContain("unexpected").doesNotContain("pw-long-enough-1");

        // a SQLite database has an empty user and password: from --set and an empty variable, and from standard input
        Result sqlite = run(blocksHome, Map.of("EMPTY", ""), false, "", "blocks", "create", "history-database", "local",
                "--set", "url=jdbc:sqlite:" + blocksHome.resolve("local.db"), "--set", "user=", "--secret-env", "password=EMPTY",
                "--set", "poolSize=2", "--set", "connectTimeout=PT5S");
        assertThat(sqlite.code()).as(sqlite.all()).isZero();
        Result stdin = run(blocksHome, Map.of(), false, "{\"url\": \"jdbc:sqlite:" + blocksHome.resolve("other.db").toString().replace("\\", "/")
                + "\", \"user\": \"\", \"password\": \"\", \"poolSize\": 2, \"connectTimeout\": \"PT5S\"}",
                "blocks", "create", "history-database", "other", "--stdin");
        assertThat(stdin.code()).as(stdin.all()).isZero();
        assertThat(run(blocksHome, Map.of(), false, "", "blocks", "show", "history-database/local").out()).contains("local.db");

        // a password written into a URL is never shown, in either form, and the pool size may be left out (the default)
        Result pg = run(blocksHome, Map.of("PW", "pw-in-block-1"), false, "", "blocks", "create", "history-database", "pg",
                "--set", "url=jdbc:postgresql://admin:UserInfoPw42@db.example/x?password=QueryPw123", "--set", "user=u",
                "--secret-env", "password=PW");
        assertThat(pg.code()).as(pg.all()).isZero();
        String shown = run(blocksHome, Map.of(), false, "", "blocks", "show", "history-database/pg").out()
                + run(blocksHome, Map.of(), false, "", "blocks", "show", "history-database/pg", "--json").out();
        assertThat(shown).contains("db.example").doesNotContain("UserInfoPw42").doesNotContain("QueryPw123")
                .doesNotContain("pw-in-block-1");
    }

    @Test
    void theDatabaseBlockTheEnvironmentNamesIsTheOneRead() {
        // the block names this class's history (the runs of runSomeFlows), under another home
        Result saved = run(blocksHome, Map.of(), false, "", "blocks", "create", "history-database", "shared", "--set",
                "url=jdbc:sqlite:" + home.resolve("sluice.db"), "--set", "user=", "--set", "password=", "--set", "poolSize=2",
                "--set", "connectTimeout=PT5S");
        assertThat(saved.code()).as(saved.all()).isNotEqualTo(0); // a secret is never taken from --set, even empty
        saved = run(blocksHome, Map.of("EMPTY", ""), false, "", "blocks", "create", "history-database", "shared", "--set",
                "url=jdbc:sqlite:" + home.resolve("sluice.db"), "--set", "user=", "--secret-env", "password=EMPTY",
                "--set", "poolSize=2", "--set", "connectTimeout=PT5S");
        assertThat(saved.code()).as(saved.all()).isZero();

        Result viaBlock = run(blocksHome, Map.of("SLUICE_DATABASE_BLOCK", "shared"), false, "", "runs", "ls", "--json");
        assertThat(viaBlock.code()).as(viaBlock.all()).isZero();
        assertThat(viaBlock.out()).contains(ids.get(0));
        Result own = run(blocksHome, Map.of(), false, "", "runs", "ls", "--json");
        assertThat(own.out()).doesNotContain(ids.get(0));

        Result missing = run(blocksHome, Map.of("SLUICE_DATABASE_BLOCK", "nope"), false, "", "runs", "ls");
        assertThat(missing.code()).isEqualTo(SluiceCli.NOT_FOUND);
        assertThat(missing.err()).contains("'nope'", "shared");
    }

    @Test
    void everyCommandTakesHelp() {
        for (String[] command : new String[][] {{"runs", "ls"}, {"runs"}, {"blocks", "create"}, {"deployments", "run"},
                {"worker", "start"}, {"server", "start"}, {"api-keys", "create"}}) {
            for (String flag : new String[] {"--help", "-h"}) {
                String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(command), java.util.stream.Stream.of(flag))
                        .toArray(String[]::new);
                Result r = run(args);
                assertThat(r.code()).as(String.join(" ", args) + ": " + r.all()).isZero();
                assertThat(r.out()).as(String.join(" ", args)).contains("Usage: sluice " + String.join(" ", command));
            }
        }
        Result help = run("runs", "help", "ls");
        assertThat(help.code()).isZero();
        assertThat(help.all()).contains("(% any text, _ one").doesNotContain("WARN");
        // `sluice help COMMAND` (cli.md) for a command of a group: that command's help, not its group's
        for (String[] command : new String[][] {{"runs", "ls"}, {"deployments", "backfill"}, {"api-keys", "create"}}) {
            String[] args = java.util.stream.Stream.concat(java.util.stream.Stream.of("help"), java.util.Arrays.stream(command))
                    .toArray(String[]::new);
            Result r = run(args);
            assertThat(r.code()).as(String.join(" ", args) + ": " + r.all()).isZero();
            assertThat(r.out()).as(String.join(" ", args)).startsWith("Usage: sluice " + String.join(" ", command) + " ");
        }
        Result unknown = run("help", "runs", "nope");
        assertThat(unknown.code()).isEqualTo(SluiceCli.USAGE);
        assertThat(unknown.err()).contains("nope");
    }

    @Test
    void completionIsGenerated() {
        Result r = run("generate-completion");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("complete -F", "runs", "blocks");
    }

    @Test
    void aCommandThatReadsTheDatabaseNeverMakesOneAtAMistypedPath() {
        Path typo = blocksHome.resolve("typo/sub/x.db");
        for (String[] args : new String[][] {{"deployments", "ls"}, {"runs", "ls"}, {"worker", "ls"}, {"deployments", "run", "x"}}) {
            String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
                    java.util.stream.Stream.of("--database", "jdbc:sqlite:" + typo)).toArray(String[]::new);
            Result r = run(blocksHome, Map.of(), false, "", all);
            assertThat(r.code()).as(String.join(" ", args) + ": " + r.all()).isEqualTo(SluiceCli.UNREACHABLE);
            assertThat(r.err()).contains("no run history database at " + typo);
        }
        assertThat(blocksHome.resolve("typo")).doesNotExist();
    }
}
