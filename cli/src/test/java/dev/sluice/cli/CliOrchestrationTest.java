package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.cli.CliTest.Result;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.scheduler.DeploymentClient;
import dev.sluice.scheduler.DeploymentRun;
import dev.sluice.scheduler.RunStatus;
import dev.sluice.scheduler.Worker;
import dev.sluice.server.ApiKeys;
import dev.sluice.server.NewApiKey;
import dev.sluice.server.Role;
import dev.sluice.server.ServerOptions;
import dev.sluice.server.SluiceServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deployments, cancel, API keys, the server and a worker through the {@code sluice} command, on real SQLite files. */
@org.junit.jupiter.api.Timeout(value = 120, unit = java.util.concurrent.TimeUnit.SECONDS, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
class CliOrchestrationTest {
    @TempDir
    Path home;

    Result run(Map<String, String> env, String... args) {
        return CliTest.run(home, env, false, "", args);
    }

    Result run(String... args) {
        return run(Map.of(), args);
    }

    HistoryDatabase db() {
        return HistoryDatabase.sqlite(home.resolve("sluice.db"));
    }

    Worker worker() {
        dev.sluice.history.History.open(db()).close();
        return Worker.builder(db()).deployments(TestDeployments.all()).pollingInterval(Duration.ofMillis(50))
                .plannerInterval(Duration.ofMillis(100)).heartbeat(Duration.ofMillis(500), 20).stopGrace(Duration.ofSeconds(2))
                .start();
    }

    @Test
    void aRunTriggeredWhileNoWorkerServesItSaysItWaits() {
        try (Worker worker = worker()) {
            assertThat(worker.client().deployment("daily-report")).isPresent();
        }
        Result waiting = run("deployments", "run", "daily-report", "-p", "region=east");
        assertThat(waiting.code()).as(waiting.all()).isZero();
        assertThat(waiting.err()).contains("no live worker serves 'daily-report'", "waits until one does");
    }

    @Test
    void theIdDeploymentsRunPrintsIsShownAndItsLogsFollowed() {
        try (Worker worker = worker()) {
            Result made = run("deployments", "run", "daily-report", "-p", "region=east", "--wait", "--timeout", "60s");
            assertThat(made.code()).as(made.all()).isZero();
            String id = made.out().lines().findFirst().orElseThrow();
            String flowRunId = worker.client().run(id).orElseThrow().flowRunId();

            Result show = run("runs", "show", id);
            assertThat(show.code()).as(show.all()).isZero();
            assertThat(show.out()).contains("Flow run:", flowRunId, "region-report", "COMPLETED");
            Result logs = run("runs", "logs", id, "--follow");
            assertThat(logs.code()).as(logs.all()).isZero();
            assertThat(logs.out()).isEqualTo(run("runs", "logs", flowRunId).out());
        }
        // no worker serves it now: the run waits, and so does its flow run
        String waiting = run("deployments", "run", "daily-report", "-p", "region=west").out().strip();
        Result notYet = run("runs", "show", waiting);
        assertThat(notYet.code()).as(notYet.all()).isEqualTo(SluiceCli.NOT_FOUND);
        assertThat(notYet.err()).contains("deployment daily-report", "SCHEDULED", "no flow run yet");
        Result noLines = run("runs", "logs", waiting);
        assertThat(noLines.code()).as(noLines.all()).isZero();
        assertThat(noLines.out()).isEmpty();
    }

    @Test
    void deploymentsAreListedShownRunPausedAndBackfilled() {
        try (Worker worker = worker()) {
            Result ls = run("deployments", "ls");
            assertThat(ls.code()).as(ls.all()).isZero();
            assertThat(ls.out()).contains("NAME", "daily-report", "region-report", "06:00", "Europe/Berlin", "broken-report", "sleepy");

            Result show = run("deployments", "show", "daily-report");
            assertThat(show.out()).contains("Next runs:", "region", "days");
            assertThat(show.out().lines().filter(l -> l.startsWith("Next runs:")).findFirst().orElseThrow().split(",")).hasSize(5);
            Result showJson = run("deployments", "show", "daily-report", "--json");
            assertThat(showJson.code()).as(showJson.all()).isZero();
            com.fasterxml.jackson.databind.JsonNode doc = readJson(showJson.out());
            assertThat(doc.path("parameterSchema").path("properties").path("region").path("type").asText()).isEqualTo("string");
            assertThat(doc.path("parameterSchema").path("properties").has("days")).isTrue();
            assertThat(doc.path("nextRuns")).hasSize(5);
            assertThat(doc.path("scheduleSpecs").get(0).asText()).contains("Europe/Berlin");

            Result ok = run("deployments", "run", "daily-report", "-p", "region=east", "-p", "days=3", "--wait", "--timeout", "PT60S");
            assertThat(ok.code()).as(ok.all()).isZero();
            assertThat(ok.out()).contains("COMPLETED");

            Result broken = run("deployments", "run", "broken-report", "-p", "region=west", "--wait", "--timeout", "PT60S");
            assertThat(broken.code()).as(broken.all()).isEqualTo(SluiceCli.FAILED);
            assertThat(broken.err()).contains("ended FAILED");

            Result wrong = run("deployments", "run", "daily-report", "-p", "days=many", "-p", "colour=red");
            assertThat(wrong.code()).as(wrong.all()).isEqualTo(SluiceCli.USAGE);
            assertThat(wrong.err()).contains("days", "colour", "region");
            Result twice = run("deployments", "run", "daily-report", "-p", "days=1", "-p", "days=2");
            assertThat(twice.code()).as(twice.all()).isEqualTo(SluiceCli.USAGE);
            assertThat(twice.err()).contains("parameter 'days' is given twice");
            Result noWait = run("deployments", "run", "daily-report", "-p", "region=east", "--timeout", "5s");
            assertThat(noWait.code()).as(noWait.all()).isEqualTo(SluiceCli.USAGE);
            assertThat(noWait.err()).contains("give --wait too");
            Result badTimeout = run("deployments", "run", "daily-report", "--wait", "--timeout", "soon");
            assertThat(badTimeout.code()).isEqualTo(SluiceCli.USAGE);
            assertThat(badTimeout.err()).contains("--timeout 'soon' is not a duration").doesNotContain("DateTimeParseException");
            Result shortForm = run("deployments", "run", "daily-report", "-p", "region=east", "-p", "days=1", "--wait", "--timeout", "60s");
            assertThat(shortForm.code()).as(shortForm.all()).isZero();
            Result unknown = run("deployments", "run", "weekly-report");
            assertThat(unknown.code()).isEqualTo(SluiceCli.NOT_FOUND);
            assertThat(unknown.err()).contains("daily-report");

            assertThat(run("deployments", "pause", "daily-report").code()).isZero();
            assertThat(run("deployments", "ls").out()).contains("paused");
            assertThat(run("deployments", "resume", "daily-report").code()).isZero();
            // 06:00 Europe/Berlin is 05:00 UTC in November: four slots from Nov 1 to Nov 4 noon, whatever the time now
            Result backfill = run("deployments", "backfill", "daily-report", "--from", "2026-11-01T00:00:00Z", "--to",
                    "2026-11-04T12:00:00Z");
            assertThat(backfill.code()).as(backfill.all()).isZero();
            assertThat(backfill.out()).contains("Backfill of daily-report: 4 run");
            assertThat(run("deployments", "runs", "daily-report").out()).contains("BACKFILL", "MANUAL", "SLOT")
                    .doesNotContain("DEPLOYMENT");
            String all = run("deployments", "runs").out();
            assertThat(all.lines().findFirst().orElseThrow()).contains("DEPLOYMENT", "SLOT", "DUE");
            assertThat(all.lines().filter(l -> l.contains("BACKFILL")).toList()).hasSize(4)
                    .allSatisfy(l -> assertThat(l).contains("daily-report", "2026-11-0"));
            assertThat(all).contains("broken-report");
        }
    }

    @Test
    void aRunningFlowRunIsCancelledByItsId() throws Exception {
        try (Worker worker = worker(); DeploymentClient client = DeploymentClient.open(db())) {
            String id = client.trigger("sleepy");
            String flowRunId = null;
            for (int i = 0; i < 400 && flowRunId == null; i++) {
                flowRunId = client.run(id).map(DeploymentRun::flowRunId).orElse(null);
                Thread.sleep(25);
            }
            assertThat(flowRunId).as("the worker started it").isNotNull();

            Result cancel = run("runs", "cancel", flowRunId);
            assertThat(cancel.code()).as(cancel.all()).isZero();
            assertThat(cancel.out()).contains("Cancel requested");
            Optional<DeploymentRun> done = client.awaitFinished(id, Duration.ofSeconds(30));
            assertThat(done).hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(RunStatus.CANCELLED));
            assertThat(run("runs", "cancel", "no-such-run").code()).isEqualTo(SluiceCli.NOT_FOUND);

            // a finished run runs again, by its flow run id, with the same parameters
            Result retry = run("runs", "retry", flowRunId);
            assertThat(retry.code()).as(retry.all()).isZero();
            String again = retry.out().strip();
            assertThat(client.run(again)).hasValueSatisfying(r -> {
                assertThat(r.deployment()).isEqualTo("sleepy");
                assertThat(r.kind()).isEqualTo(dev.sluice.scheduler.RunKind.RETRY);
            });
            Result notFinished = run("runs", "retry", again);
            assertThat(notFinished.code()).as(notFinished.all()).isEqualTo(SluiceCli.FAILED);
            assertThat(run("runs", "cancel", again).code()).isZero();
            assertThat(run("runs", "retry", "no-such-run").code()).isEqualTo(SluiceCli.NOT_FOUND);
        }
    }

    @Test
    void apiKeysAreCreatedListedAndRevoked() {
        Result created = run("api-keys", "create", "--role", "operator", "--name", "ci");
        assertThat(created.code()).as(created.all()).isZero();
        String token = created.out().strip();
        assertThat(token).startsWith("sluice_");
        assertThat(created.err()).contains("shown once");
        try (ApiKeys keys = ApiKeys.open(db())) {
            assertThat(keys.authenticate(token)).hasValueSatisfying(k -> assertThat(k.role()).isEqualTo(Role.OPERATOR));
        }
        Result ls = run("api-keys", "ls");
        assertThat(ls.out()).contains("ci", "operator").doesNotContain(token);
        assertThat(run("api-keys", "create", "--role", "root").code()).isEqualTo(SluiceCli.USAGE);
        assertThat(run("api-keys", "revoke", "ci").code()).isZero();
        assertThat(run("api-keys", "revoke", "ci").code()).isEqualTo(SluiceCli.NOT_FOUND);
        try (ApiKeys keys = ApiKeys.open(db())) {
            assertThat(keys.authenticate(token)).isEmpty();
        }
    }

    @Test
    void serverStartServesUntilStopped() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AtomicInteger code = new AtomicInteger(-1);
        Thread serving = new Thread(() -> code.set(SluiceCli.builder().out(new PrintStream(out, true, StandardCharsets.UTF_8))
                .err(new PrintStream(err, true, StandardCharsets.UTF_8)).environment(Map.of())
                .home(home).terminal(false).build().run("server", "start", "--port", "0")));
        serving.start();
        Matcher url = null;
        for (int i = 0; i < 600; i++) {
            url = Pattern.compile("at (http://127\\.0\\.0\\.1:\\d+)/?").matcher(out.toString(StandardCharsets.UTF_8));
            if (url.find()) {
                break;
            }
            url = null;
            Thread.sleep(50);
        }
        assertThat(url).as("printed its URL: " + out).isNotNull();
        HttpResponse<String> runs = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url.group(1) + "/api/runs")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(runs.statusCode()).isEqualTo(200);
        serving.interrupt();
        serving.join(30_000);
        assertThat(serving.isAlive()).isFalse();
        assertThat(code.get()).as(err.toString(StandardCharsets.UTF_8)).isZero();
    }

    @Test
    void serverStartTakesTheSecurityOptions() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AtomicInteger code = new AtomicInteger(-1);
        Thread serving = new Thread(() -> code.set(SluiceCli.builder().out(new PrintStream(out, true, StandardCharsets.UTF_8))
                .err(new PrintStream(err, true, StandardCharsets.UTF_8)).environment(Map.of()).home(home).terminal(false).build()
                .run("server", "start", "--port", "0", "--secure-cookies", "--require-api-keys", "--session-timeout", "PT30M",
                        "--threads", "8", "--allowed-host", "dash.example", "--allowed-host", "other.example")));
        serving.start();
        Matcher url = null;
        for (int i = 0; i < 600; i++) {
            url = Pattern.compile("at http://127\\.0\\.0\\.1:(\\d+)/?").matcher(out.toString(StandardCharsets.UTF_8));
            if (url.find()) {
                break;
            }
            url = null;
            Thread.sleep(50);
        }
        assertThat(url).as("printed its URL: " + out + err).isNotNull();
        int port = Integer.parseInt(url.group(1));
        try {
            // --require-api-keys: no key exists, yet nobody is let in
            assertThat(rawGet(port, "/api/runs", "127.0.0.1:" + port)).startsWith("HTTP/1.1 401");
            // --secure-cookies: Secure over plain HTTP
            assertThat(rawGet(port, "/login", "127.0.0.1:" + port)).containsPattern("Set-Cookie: sluice_csrf=[^\\r]*; Secure");
            // --allowed-host: those names are answered (here with the 401 of a missing key), others refused
            assertThat(rawGet(port, "/api/runs", "dash.example")).startsWith("HTTP/1.1 401");
            assertThat(rawGet(port, "/api/runs", "other.example:443")).startsWith("HTTP/1.1 401");
            assertThat(rawGet(port, "/api/runs", "attacker.example")).startsWith("HTTP/1.1 403");
        } finally {
            serving.interrupt();
            serving.join(30_000);
        }
        assertThat(code.get()).as(err.toString(StandardCharsets.UTF_8)).isZero();
        Result threads = run("server", "start", "--port", "0", "--threads", "4");
        assertThat(threads.code()).isEqualTo(SluiceCli.USAGE);
        assertThat(threads.err()).contains("threads must be between 8 and 1000, was 4");
        Result timeout = run("server", "start", "--port", "0", "--session-timeout", "PT5S");
        assertThat(timeout.code()).isEqualTo(SluiceCli.USAGE);
        assertThat(timeout.err()).contains("sessionTimeout must be between 1 minute and 30 days");
        assertThat(run("server", "start", "--port", "0", "--allowed-host", "https://x.example").err()).contains("allowedHosts");
    }

    @Test
    void sessionTimeoutIsADurationAsOnEveryOtherOptionAndABadOneIsSaidWithoutJavaNames() {
        Result bad = run("server", "start", "--port", "0", "--session-timeout", "bogus");
        assertThat(bad.code()).isEqualTo(SluiceCli.USAGE);
        assertThat(bad.err()).contains("--session-timeout 'bogus' is not a duration").doesNotContain("java.", "Exception");
        // 5s is read as the 5 seconds it says (and refused as too short by the server's options), as PT5S is
        Result brief = run("server", "start", "--port", "0", "--session-timeout", "5s");
        assertThat(brief.code()).isEqualTo(SluiceCli.USAGE);
        assertThat(brief.err()).contains("sessionTimeout must be between 1 minute and 30 days, was PT5S");
    }

    /** The head of a GET with this {@code Host} (the JDK's client will not send another), over a socket. */
    static String rawGet(int port, String path, String host) throws java.io.IOException {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return all.substring(0, Math.max(0, all.indexOf("\r\n\r\n")));
        }
    }

    @Test
    void runsAndKeysCanBeAskedOfARemoteServerWithAKey() throws Exception {
        java.util.List<String> ids = Histories.fill(home);
        String token;
        try (ApiKeys keys = ApiKeys.open(db())) {
            NewApiKey admin = keys.create("cli-test", Role.ADMIN);
            token = admin.token().reveal();
        }
        dev.sluice.block.BlockStore store = dev.sluice.block.BlockStore.inMemory();
        store.write(new dev.sluice.block.BlockId("log-notifier", "remote-alerts"), "{\"logger\":\"alerts.remote\"}", false);
        try (SluiceServer server = SluiceServer.start(ServerOptions.builder().port(0).database(db()).blockStore(store)
                .printUrl(false).build())) {
            String url = server.url().toString();
            Map<String, String> withKey = Map.of("SLUICE_API_KEY", token);
            Result ls = run(withKey, "runs", "ls", "--server", url, "--state", "FAILED");
            assertThat(ls.code()).as(ls.all()).isZero();
            assertThat(ls.out()).contains(ids.get(3), "load").doesNotContain(ids.get(0));
            Result show = run(withKey, "runs", "show", ids.get(3), "--server", url);
            assertThat(show.out()).contains("FAILED", "**********").doesNotContain(Histories.REVEALED);
            assertThat(run(withKey, "runs", "logs", ids.get(0), "--server", url).out()).contains("squaring 1");
            assertThat(run(withKey, "api-keys", "ls", "--server", url).out()).contains("cli-test", "admin").doesNotContain(token);
            Result blocks = run(withKey, "blocks", "ls", "--server", url);
            assertThat(blocks.code()).as(blocks.all()).isZero();
            assertThat(blocks.out()).contains("TYPE", "log-notifier", "remote-alerts");
            Result block = run(withKey, "blocks", "show", "remote-alerts", "--server", url);
            assertThat(block.out()).contains("logger", "alerts.remote");
            assertThat(run(withKey, "blocks", "rm", "log-notifier/remote-alerts", "--server", url).code()).isZero();
            assertThat(run(withKey, "blocks", "show", "remote-alerts", "--server", url).code()).isEqualTo(SluiceCli.NOT_FOUND);

            Result noKey = run(Map.of(), "runs", "ls", "--server", url);
            assertThat(noKey.code()).isEqualTo(SluiceCli.FAILED);
            assertThat(noKey.err()).contains("SLUICE_API_KEY");
            Result badKey = run(Map.of("SLUICE_API_KEY", "sluice_wrong_key"), "runs", "ls", "--server", url);
            assertThat(badKey.code()).isEqualTo(SluiceCli.FAILED);
            assertThat(badKey.err()).contains("refused").doesNotContain("sluice_wrong_key");
            assertThat(run(withKey, "runs", "show", "no-such-run", "--server", url).code()).isEqualTo(SluiceCli.NOT_FOUND);
        }
        Result down = run(Map.of(), "runs", "ls", "--server", "http://127.0.0.1:1");
        assertThat(down.code()).isEqualTo(SluiceCli.UNREACHABLE);
        assertThat(down.err()).contains("cannot reach the Sluice server at http://127.0.0.1:1");
    }

    @Test
    void deploymentsCanBeRunThroughARemoteServer() throws Exception {
        String token;
        dev.sluice.history.History.open(db()).close();
        try (ApiKeys keys = ApiKeys.open(db())) {
            token = keys.create("ops", Role.OPERATOR).token().reveal();
        }
        try (Worker worker = worker();
                SluiceServer server = SluiceServer.start(ServerOptions.builder().port(0).database(db()).printUrl(false).build())) {
            String url = server.url().toString();
            Map<String, String> withKey = Map.of("SLUICE_API_KEY", token);
            Result ls = run(withKey, "deployments", "ls", "--server", url);
            assertThat(ls.code()).as(ls.all()).isZero();
            assertThat(ls.out()).contains("daily-report", "Europe/Berlin", "sleepy");
            Result ran = run(withKey, "deployments", "run", "daily-report", "-p", "region=remote", "--wait", "--timeout", "PT60S",
                    "--server", url);
            assertThat(ran.code()).as(ran.all()).isZero();
            assertThat(ran.out()).contains("COMPLETED");
            Result wrong = run(withKey, "deployments", "run", "daily-report", "-p", "days=many", "--server", url);
            assertThat(wrong.code()).as(wrong.all()).isEqualTo(SluiceCli.USAGE);
            assertThat(wrong.err()).contains("days");
            assertThat(run(withKey, "deployments", "runs", "daily-report", "--server", url).out()).contains("MANUAL", "COMPLETED");
            assertThat(run(withKey, "deployments", "pause", "daily-report", "--server", url).code()).isZero();
            assertThat(run(withKey, "deployments", "ls", "--server", url).out()).contains("paused");
            assertThat(run(withKey, "runs", "cancel", "no-such-run", "--server", url).code()).isEqualTo(SluiceCli.NOT_FOUND);
            assertThat(run(Map.of(), "deployments", "ls", "--server", url).code()).as("no key").isEqualTo(SluiceCli.FAILED);
            Result local = run(withKey, "blocks", "create", "test-login", "x", "--server", url);
            assertThat(local.code()).isEqualTo(SluiceCli.USAGE);
            assertThat(local.err()).contains("not through a server");
        }
    }

    @Test
    void aServerWithoutKeysTakesTheCommandsOfThisMachine() throws Exception {
        dev.sluice.history.HistoryDatabase open = dev.sluice.history.HistoryDatabase.sqlite(home.resolve("open.db"));
        try (Worker worker = Worker.builder(open).deployments(TestDeployments.all()).start();
                SluiceServer server = SluiceServer.start(ServerOptions.builder().port(0).database(open).printUrl(false).build())) {
            String url = server.url().toString();
            Result unknown = run(Map.of(), "deployments", "run", "nope", "--server", url);
            assertThat(unknown.code()).as(unknown.all()).isEqualTo(SluiceCli.NOT_FOUND);
            Result paused = run(Map.of(), "deployments", "pause", "daily-report", "--server", url);
            assertThat(paused.code()).as(paused.all()).isZero();
            assertThat(worker.client().deployment("daily-report")).hasValueSatisfying(d -> assertThat(d.paused()).isTrue());
            assertThat(run(Map.of(), "runs", "cancel", "no-such-run", "--server", url).code()).isEqualTo(SluiceCli.NOT_FOUND);
        }
    }

    @Test
    void aWorkerServesTheDeploymentsOfAJar() throws Exception {
        Path jar = Jars.of(home.resolve("app.jar"), TestDeployments.class, "META-INF/services/dev.sluice.scheduler.DeploymentProvider");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AtomicInteger code = new AtomicInteger(-1);
        Thread serving = new Thread(() -> code.set(SluiceCli.builder().out(new PrintStream(out, true, StandardCharsets.UTF_8))
                .err(new PrintStream(err, true, StandardCharsets.UTF_8)).environment(Map.of())
                .home(home).terminal(false).build().run("worker", "start", "--jar", jar.toString(), "--name", "cli-worker")));
        serving.start();
        try {
            for (int i = 0; i < 300 && !out.toString(StandardCharsets.UTF_8).contains("Serving") && serving.isAlive(); i++) {
                Thread.sleep(100);
            }
            assertThat(out.toString(StandardCharsets.UTF_8)).as(err.toString(StandardCharsets.UTF_8)).contains("Serving [daily-report, broken-report, sleepy] from app.jar");
            // "Serving" is printed as the worker starts: it registers the deployments (after migrating the tables) just after
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
            while (!run("deployments", "ls").out().contains("daily-report") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Result ran = run("deployments", "run", "daily-report", "-p", "region=north", "--wait", "--timeout", "PT60S");
            assertThat(ran.code()).as(ran.all()).isZero();
            assertThat(ran.out()).contains("COMPLETED");
        } finally {
            serving.interrupt();
            serving.join(30_000);
        }
        assertThat(serving.isAlive()).isFalse();
        assertThat(code.get()).as(err.toString(StandardCharsets.UTF_8)).isZero();

        Result noProvider = run("worker", "start", "--jar", Jars.of(home.resolve("empty.jar"), CliTest.class, null).toString());
        assertThat(noProvider.code()).isEqualTo(SluiceCli.USAGE);
        assertThat(noProvider.err()).contains("provides no deployments", "META-INF/services/dev.sluice.scheduler.DeploymentProvider");
        assertThat(run("worker", "start", "--jar", home.resolve("missing.jar").toString()).code()).isEqualTo(SluiceCli.NOT_FOUND);
        java.nio.file.Files.writeString(home.resolve("notes.txt"), "not a jar");
        Result notAJar = run("worker", "start", "--jar", home.resolve("notes.txt").toString());
        assertThat(notAJar.code()).isEqualTo(SluiceCli.USAGE);
        assertThat(notAJar.err()).contains("is not a jar");
        Path app = Jars.of(home.resolve("app.jar"), CliOrchestrationTest.class, null);
        Result notAProvider = run("worker", "start", "--jar", app.toString(), "--class", "java.lang.String");
        assertThat(notAProvider.code()).as(notAProvider.all()).isEqualTo(SluiceCli.USAGE);
        assertThat(notAProvider.err()).contains("java.lang.String is not a DeploymentProvider").doesNotContain("NoSuchMethod");
        Result failing = run("worker", "start", "--jar", app.toString(), "--class", FailingProvider.class.getName());
        assertThat(failing.code()).isEqualTo(SluiceCli.FAILED);
        assertThat(failing.err().strip()).doesNotContain("\n").doesNotContain("unexpected")
                .contains("could not be made: IllegalStateException: config missing: set DB_URL");
    }

    /**
     * {@code --heartbeat} and {@code --missed-heartbeats} set how soon a killed worker's runs are marked CRASHED; bad
     * values are usage errors naming the option.
     */
    @Test
    void aWorkersHeartbeatIsSetFromTheCommandLine() throws Exception {
        Path jar = Jars.of(home.resolve("app.jar"), TestDeployments.class, "META-INF/services/dev.sluice.scheduler.DeploymentProvider");
        for (String[] bad : new String[][] {{"--heartbeat", "0s"}, {"--heartbeat", "soon"}, {"--missed-heartbeats", "3"}}) {
            Result r = run("worker", "start", "--jar", jar.toString(), bad[0], bad[1]);
            assertThat(r.code()).as(String.join(" ", bad) + ": " + r.all()).isEqualTo(SluiceCli.USAGE);
            assertThat(r.err()).contains(bad[0]).doesNotContain("missedHeartbeats").doesNotContain("unexpected");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AtomicInteger code = new AtomicInteger(-1);
        Thread serving = new Thread(() -> code.set(SluiceCli.builder().out(new PrintStream(out, true, StandardCharsets.UTF_8))
                .err(new PrintStream(err, true, StandardCharsets.UTF_8)).environment(Map.of()).home(home).terminal(false)
                .build().run("worker", "start", "--jar", jar.toString(), "--name", "quick", "--heartbeat", "PT0.25S",
                        "--missed-heartbeats", "4")));
        serving.start();
        try (DeploymentClient client = DeploymentClient.open(db())) {
            java.util.List<java.time.Instant> beats = new java.util.ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (beats.size() < 6 && System.nanoTime() < deadline && serving.isAlive()) {
                client.workers(Duration.ofMinutes(1)).stream().filter(w -> w.name().equals("quick")).findFirst()
                        .map(dev.sluice.scheduler.WorkerInfo::heartbeatAt)
                        .filter(at -> beats.isEmpty() || at.isAfter(beats.get(beats.size() - 1))).ifPresent(beats::add);
                Thread.sleep(20);
            }
            assertThat(beats).as(err.toString(StandardCharsets.UTF_8)).hasSize(6);
            // five beats at 0.25 s apart take 1.25 s; at the default 2 s, 10 s
            assertThat(Duration.between(beats.get(0), beats.get(5))).isLessThan(Duration.ofSeconds(5));
        } finally {
            serving.interrupt();
            serving.join(30_000);
        }
        assertThat(code.get()).as(err.toString(StandardCharsets.UTF_8)).isZero();
    }

    /** A provider whose application is not configured. */
    public static final class FailingProvider implements dev.sluice.scheduler.DeploymentProvider {
        @Override
        public java.util.List<dev.sluice.scheduler.Deployment> deployments() {
            throw new IllegalStateException("config missing: set DB_URL");
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode readJson(String text) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
