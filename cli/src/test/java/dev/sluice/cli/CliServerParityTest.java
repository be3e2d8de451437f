package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.cli.CliTest.Result;
import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.history.TaskRunQuery;
import dev.sluice.server.ApiKeys;
import dev.sluice.server.Role;
import dev.sluice.server.ServerOptions;
import dev.sluice.server.SluiceServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The documented {@code --server} commands answer what the same commands answer on the database itself. */
class CliServerParityTest {
    @TempDir
    Path home;

    @Test
    void theRunCommandsGiveTheSameAnswersThroughAServerAsOnTheDatabase() {
        List<String> ids = Histories.fill(home);
        HistoryDatabase db = HistoryDatabase.sqlite(home.resolve("sluice.db"));
        String taskRunId;
        try (History history = History.open(db)) {
            taskRunId = history.taskRuns(TaskRunQuery.all().inFlowRun(ids.get(0))).items().get(0).id();
        }
        String token;
        try (ApiKeys keys = ApiKeys.open(db)) {
            token = keys.create("parity", Role.VIEWER).token().reveal();
        }
        try (SluiceServer server = SluiceServer.start(ServerOptions.builder().port(0).database(db)
                .blockStore(dev.sluice.block.BlockStore.inMemory()).printUrl(false).build())) {
            Map<String, String> env = Map.of("SLUICE_API_KEY", token, "NO_COLOR", "1", "TZ", "UTC");
            List<List<String>> commands = List.of(
                    List.of("runs", "ls", "--json"), List.of("runs", "ls", "--all", "--json"), List.of("runs", "ls"),
                    List.of("runs", "ls", "--state", "FAILED", "--json"), List.of("runs", "ls", "--tag", "env:prod", "--limit", "2"),
                    List.of("runs", "ls", "--name", "no-such-%"), List.of("runs", "ls", "--name", "nightly"),
                    List.of("runs", "ls", "--name", "nightly%"), List.of("runs", "ls", "--name", "load"),
                    List.of("runs", "ls", "--name", "_oad%"), List.of("runs", "ls", "--flow", "load", "--flow", "nightly", "--json"),
                    List.of("runs", "ls", "--since", "1d", "--json"), List.of("runs", "ls", "--state", "FAILED,COMPLETED"),
                    List.of("runs", "show", ids.get(3), "--json"), List.of("runs", "show", ids.get(0)),
                    List.of("runs", "show", taskRunId), List.of("runs", "show", taskRunId, "--json"),
                    List.of("runs", "logs", ids.get(0)), List.of("runs", "logs", ids.get(0), "--json"),
                    List.of("runs", "logs", taskRunId), List.of("runs", "show", "no-such-run"),
                    // ids that are not ids: not found, as on the database, not a crash or another route's answer
                    List.of("runs", "show", "a b"), List.of("runs", "show", "../keys"), List.of("runs", "show", "x?y"),
                    List.of("runs", "logs", "a b"), List.of("runs", "logs", "../../api/keys"), List.of("runs", "show", "%"));
            List<String> differences = new ArrayList<>();
            for (List<String> command : commands) {
                Result local = CliTest.run(home, env, false, "", command.toArray(String[]::new));
                List<String> remote = new ArrayList<>(command);
                remote.add("--server");
                remote.add(server.url().toString());
                Result viaServer = CliTest.run(home, env, false, "", remote.toArray(String[]::new));
                if (local.code() != viaServer.code() || !local.out().equals(viaServer.out())) {
                    differences.add(String.join(" ", command) + "\n  local (" + local.code() + "): " + local.all()
                            + "\n  server (" + viaServer.code() + "): " + viaServer.all());
                }
            }
            assertThat(differences).isEmpty();
        }
    }

    @Test
    void theDeploymentKeyAndBlockCommandsGiveTheSameAnswersThroughAServerAsOnTheDatabase() throws Exception {
        HistoryDatabase db = HistoryDatabase.sqlite(home.resolve("sluice.db"));
        History.open(db).close();
        String token;
        try (ApiKeys keys = ApiKeys.open(db)) {
            token = keys.create("parity-admin", Role.ADMIN).token().reveal();
        }
        try (dev.sluice.scheduler.Worker worker = dev.sluice.scheduler.Worker.builder(db).deployments(TestDeployments.all())
                .pollingInterval(java.time.Duration.ofMillis(50)).plannerInterval(java.time.Duration.ofMillis(100))
                .heartbeat(java.time.Duration.ofMillis(500), 20).stopGrace(java.time.Duration.ofSeconds(2)).start();
                SluiceServer server = SluiceServer.start(ServerOptions.builder().port(0).database(db)
                        .blockStore(dev.sluice.block.BlockStore.inMemory()).printUrl(false).build())) {
            String id = worker.client().trigger("daily-report", Map.of("region", "east"));
            worker.client().awaitFinished(id, java.time.Duration.ofSeconds(30)).orElseThrow();
            Map<String, String> env = Map.of("SLUICE_API_KEY", token, "NO_COLOR", "1", "TZ", "UTC");
            List<List<String>> commands = List.of(
                    List.of("deployments", "ls"), List.of("deployments", "ls", "--json"),
                    List.of("deployments", "runs", "daily-report"), List.of("deployments", "runs", "daily-report", "--json"),
                    List.of("deployments", "runs", "no-such"), List.of("deployments", "run", "no-such"),
                    List.of("deployments", "runs", "broken-report"), // none yet
                    List.of("deployments", "runs", "daily-report", "--limit", "0"),
                    List.of("deployments", "runs", "daily-report", "--limit", "5000"),
                    List.of("deployments", "runs", "daily-report", "--limit", "1"),
                    List.of("deployments", "run", "daily-report", "-p", "days=many"),
                    List.of("deployments", "pause", "daily-report"), List.of("deployments", "resume", "daily-report"),
                    List.of("deployments", "pause", "no-such"),
                    List.of("runs", "show", id), List.of("runs", "logs", id), List.of("runs", "show", id, "--json"),
                    List.of("runs", "cancel", id), List.of("runs", "cancel", "no-such-run"), List.of("runs", "retry", "no-such-run"),
                    List.of("api-keys", "ls"), List.of("api-keys", "revoke", "no-such-key"),
                    List.of("api-keys", "revoke", "a b"), List.of("api-keys", "revoke", "../keys"),
                    List.of("api-keys", "create", "--role", "viewer", "--name", "parity-admin"),
                    List.of("api-keys", "create", "--role", "viewer", "--name", "bad name!"),
                    List.of("runs", "cancel", "a b"), List.of("runs", "cancel", "../../api/keys"), List.of("runs", "retry", "x?y"),
                    List.of("deployments", "runs", "a/b c"), List.of("deployments", "pause", "a?b"));
            List<String> differences = new ArrayList<>();
            for (List<String> command : commands) {
                Result local = CliTest.run(home, env, false, "", command.toArray(String[]::new));
                List<String> remote = new ArrayList<>(command);
                remote.add("--server");
                remote.add(server.url().toString());
                Result viaServer = CliTest.run(home, env, false, "", remote.toArray(String[]::new));
                if (local.code() != viaServer.code() || !local.out().equals(viaServer.out())) {
                    differences.add(String.join(" ", command) + "\n  local (" + local.code() + "): " + local.all()
                            + "\n  server (" + viaServer.code() + "): " + viaServer.all());
                }
            }
            assertThat(differences).isEmpty();
        }
    }

    @Test
    void theBlockCommandsGiveTheSameAnswersThroughAServerOnTheSameStoreAsOnTheStoreItself() throws Exception {
        HistoryDatabase db = HistoryDatabase.sqlite(home.resolve("sluice.db"));
        Map<String, String> env = new java.util.HashMap<>(Map.of("NO_COLOR", "1", "TZ", "UTC", "LOGIN_PASSWORD", "pw-parity-5d1e"));
        assertThat(CliTest.run(home, env, false, "", "blocks", "create", "test-login", "warehouse", "--set", "user=etl",
                "--set", "port=5432", "--secret-env", "password=LOGIN_PASSWORD").code()).isZero();
        assertThat(CliTest.run(home, env, false, "{\"user\": \"ann\", \"password\": \"pw-stdin-77b2\", \"port\": 22, \"note\": \"sftp\"}",
                "blocks", "create", "test-login", "sftp", "--stdin").code()).isZero();
        History.open(db).close();
        try (ApiKeys keys = ApiKeys.open(db)) {
            env.put("SLUICE_API_KEY", keys.create("parity-blocks", Role.ADMIN).token().reveal());
        }
        try (dev.sluice.SluiceRuntime runtime = dev.sluice.SluiceRuntime.builder().home(home).withoutExtensions().build();
                SluiceServer server = SluiceServer.start(ServerOptions.builder().port(0).database(db)
                        .blockStore(runtime.blockStore()).printUrl(false).build())) {
            List<List<String>> commands = List.of(List.of("blocks", "ls"), List.of("blocks", "ls", "--json"),
                    List.of("blocks", "ls", "--type", "test-login"), List.of("blocks", "ls", "--type", "nothing"),
                    List.of("blocks", "show", "warehouse"), List.of("blocks", "show", "test-login/sftp", "--json"),
                    List.of("blocks", "show", "nothing"), List.of("blocks", "rm", "nothing"));
            List<String> differences = new ArrayList<>();
            for (List<String> command : commands) {
                Result local = CliTest.run(home, env, false, "", command.toArray(String[]::new));
                List<String> remote = new ArrayList<>(command);
                remote.add("--server");
                remote.add(server.url().toString());
                Result viaServer = CliTest.run(home, env, false, "", remote.toArray(String[]::new));
                // the title names where the block is: the store here, the server there
                String where = "(?m)^(Block \\S+) \\(.*\\)$";
                if (local.code() != viaServer.code()
                        || !local.out().replaceAll(where, "$1").equals(viaServer.out().replaceAll(where, "$1"))) {
                    differences.add(String.join(" ", command) + "\n  local (" + local.code() + "): " + local.all()
                            + "\n  server (" + viaServer.code() + "): " + viaServer.all());
                }
                assertThat(viaServer.all()).doesNotContain("pw-parity-5d1e", "pw-stdin-77b2");
            }
            assertThat(differences).isEmpty();
        }
    }

    /**
     * {@code api-keys create --role R} without {@code --name} names the key "the role and the date" (its help): a second
     * key of that role made the same day was refused, exit code 2, for a name the user never gave. On the database and
     * through a server alike, each gets a free name.
     */
    @Test
    void keysOfOneRoleMadeTheSameDayWithoutANameEachGetAFreeName() {
        HistoryDatabase db = HistoryDatabase.sqlite(home.resolve("sluice.db"));
        Result first = CliTest.run(home, Map.of(), false, "", "api-keys", "create", "--role", "admin");
        Result second = CliTest.run(home, Map.of(), false, "", "api-keys", "create", "--role", "admin");
        assertThat(first.code()).as(first.all()).isZero();
        assertThat(second.code()).as(second.all()).isZero();
        assertThat(second.out()).startsWith("sluice_").isNotEqualTo(first.out());
        try (SluiceServer server = SluiceServer.start(ServerOptions.builder().port(0).database(db)
                .blockStore(dev.sluice.block.BlockStore.inMemory()).printUrl(false).build())) {
            Map<String, String> env = Map.of("SLUICE_API_KEY", first.out().strip());
            Result third = CliTest.run(home, env, false, "", "api-keys", "create", "--role", "admin", "--json",
                    "--server", server.url().toString());
            assertThat(third.code()).as(third.all()).isZero();
            assertThat(third.out()).containsPattern("\"name\" : \"admin-20\\d\\d-\\d\\d-\\d\\d-3\"");
        }
        try (ApiKeys keys = ApiKeys.open(db)) {
            List<String> names = keys.list().stream().map(dev.sluice.server.ApiKey::name).toList();
            assertThat(names).hasSize(3).doesNotHaveDuplicates();
            assertThat(names.get(1)).isEqualTo(names.get(0) + "-2"); // the same day (unless midnight came between)
            assertThat(names.get(0)).matches("admin-20\\d\\d-\\d\\d-\\d\\d");
        }
    }

    @Test
    void theCommandTheLoginPageGivesForAKeyWorks() throws Exception {
        HistoryDatabase db = HistoryDatabase.sqlite(home.resolve("sluice.db"));
        try (SluiceServer server = SluiceServer.start(ServerOptions.builder().port(0).database(db)
                .blockStore(dev.sluice.block.BlockStore.inMemory()).printUrl(false).build())) {
            String page = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    server.url().resolve("/login")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("<code>(sluice api-keys create[^<]*)</code>").matcher(page);
            assertThat(m.find()).as(page).isTrue();
            List<String> args = new ArrayList<>(List.of(m.group(1).replace("NAME", "alice").split(" ")));
            args.remove(0);
            Result made = CliTest.run(home, Map.of(), false, "", args.toArray(String[]::new));
            assertThat(made.code()).as(m.group(1) + ": " + made.all()).isZero();
            assertThat(made.out()).startsWith("sluice_");
        }
    }

    @Test
    void aRunTriggeredThroughAServerWhileNoWorkerServesItSaysItWaitsAsOnTheDatabase() throws Exception {
        HistoryDatabase db = HistoryDatabase.sqlite(home.resolve("sluice.db"));
        History.open(db).close();
        try (dev.sluice.scheduler.Worker worker = dev.sluice.scheduler.Worker.builder(db).deployments(TestDeployments.all()).start()) {
            assertThat(worker.client().deployment("daily-report")).isPresent();
        }
        String token;
        try (ApiKeys keys = ApiKeys.open(db)) {
            token = keys.create("parity-op", Role.OPERATOR).token().reveal();
        }
        try (SluiceServer server = SluiceServer.start(ServerOptions.builder().port(0).database(db)
                .blockStore(dev.sluice.block.BlockStore.inMemory()).printUrl(false).build())) {
            Map<String, String> env = Map.of("SLUICE_API_KEY", token);
            Result local = CliTest.run(home, env, false, "", "deployments", "run", "daily-report", "-p", "region=east");
            Result remote = CliTest.run(home, env, false, "", "deployments", "run", "daily-report", "-p", "region=east",
                    "--server", server.url().toString());
            assertThat(local.err()).contains("no live worker serves 'daily-report'");
            assertThat(remote.code()).as(remote.all()).isZero();
            assertThat(remote.err()).contains("no live worker serves 'daily-report'", "waits until one does");
        }
    }

    @Test
    void aLimitOverTheServersPageIsReadInPagesAsOnTheDatabase() throws Exception {
        HistoryDatabase db = HistoryDatabase.sqlite(home.resolve("sluice.db"));
        try (History history = History.open(db);
                dev.sluice.SluiceRuntime runtime = dev.sluice.SluiceRuntime.builder().home(home).recorder(history.recorder())
                        .withoutExtensions().build()) {
            dev.sluice.Flow<Integer, Integer> tick = dev.sluice.Flow.of("tick", (Integer n) -> n);
            for (int i = 0; i < 530; i++) {
                runtime.runForState(tick, i);
            }
            assertThat(history.flush(java.time.Duration.ofSeconds(30))).isTrue();
        }
        String token;
        try (ApiKeys keys = ApiKeys.open(db)) {
            token = keys.create("parity-pages", Role.VIEWER).token().reveal();
        }
        try (SluiceServer server = SluiceServer.start(ServerOptions.builder().port(0).database(db)
                .blockStore(dev.sluice.block.BlockStore.inMemory()).printUrl(false).build())) {
            Map<String, String> env = Map.of("SLUICE_API_KEY", token);
            for (String limit : List.of("520", "530", "1000")) {
                Result local = CliTest.run(home, env, false, "", "runs", "ls", "--limit", limit, "--json");
                Result remote = CliTest.run(home, env, false, "", "runs", "ls", "--limit", limit, "--json", "--server",
                        server.url().toString());
                assertThat(remote.code()).as(remote.all()).isEqualTo(local.code()).isZero();
                assertThat(remote.out()).as("--limit " + limit).isEqualTo(local.out());
            }
        }
    }
}
