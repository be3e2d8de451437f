package dev.sluice.blocks.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.sluice.Flow;
import dev.sluice.FlowRun;
import dev.sluice.SluiceRuntime;
import dev.sluice.State;
import dev.sluice.Task;
import dev.sluice.block.BlockStore;
import dev.sluice.block.Secret;
import dev.sluice.cache.ResultStore;
import dev.sluice.notify.Notification;
import dev.sluice.notify.Notify;
import dev.sluice.notify.Severity;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Webhook notifiers when things go wrong: a server that echoes a short URL token, a notification
 * text beyond ASCII in a templated header, a certificate the JVM does not trust, and a failure
 * notified by a task and by its flow.
 */
class WebhookFailuresIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().dynamicHttpsPort()).build();

    @TempDir
    Path home;

    private final List<Duration> slept = Collections.synchronizedList(new ArrayList<>());
    private SluiceRuntime runtime;

    @BeforeEach
    void setUp() {
        runtime = SluiceRuntime.builder().home(home).blockStore(BlockStore.inMemory()).resultStore(ResultStore.inMemory())
                .sleeper(slept::add).build();
    }

    @AfterEach
    void tearDown() {
        runtime.close();
    }

    /** WireMock's plain HTTP address ({@code baseUrl()} is the HTTPS one when HTTPS is on). */
    private static String http() {
        return wm.getRuntimeInfo().getHttpBaseUrl();
    }

    /** What slf4j-simple writes to System.err while {@code body} runs. */
    private static String stderrOf(Runnable body) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    private static List<String> messages(Throwable e) {
        List<String> all = new ArrayList<>();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.add(String.valueOf(t));
            for (Throwable s : t.getSuppressed()) {
                all.add(String.valueOf(s));
            }
        }
        return all;
    }

    @Test
    void everyPartOfTheWebhookUrlIsMaskedWhateverItsLength() {
        // a Zapier-style catch hook: the secret is two short path segments
        String path = "/hooks/catch/1234567/zpT0k9x/";
        wm.stubFor(post(urlPathEqualTo(path)).willReturn(aResponse().withStatus(404)
                .withBody("{\"status\": \"error\", \"message\": \"No hook at " + path + " (hook zpT0k9x of account"
                        + " 1234567, id k9x)\"}")));
        CustomWebhook hook = CustomWebhook.builder(Secret.of(http() + path + "?k=k9x"))
                .jsonBody("{\"text\": \"{{text}}\"}").build();

        Throwable direct = catchThrowable(() -> runtime.run(() -> hook.send(Notification.of("s", "b", Severity.ERROR))));
        assertThat(direct).isInstanceOf(WebhookException.class).hasMessageContaining("answered HTTP 404")
                .hasMessageContaining("No hook at");
        assertThat(messages(direct)).allSatisfy(m -> assertThat(m).doesNotContain("1234567").doesNotContain("zpT0k9x")
                .doesNotContainPattern("\\bk9x\\b"));

        FlowRun<?>[] run = new FlowRun<?>[1];
        String logged = stderrOf(() -> run[0] = runtime.call(() -> Flow.of("leaky-hook", () -> {
            throw new IllegalStateException("boom");
        }).onFailure(Notify.via(hook)).runForState()));
        List<String> runLog = run[0].logs().stream().map(l -> l.message() + " " + l.error()).toList();
        assertThat(String.join("\n", runLog)).contains("failed after").doesNotContain("1234567").doesNotContain("zpT0k9x");
        assertThat(logged).contains("No hook at").doesNotContain("1234567").doesNotContain("zpT0k9x");
    }

    /**
     * A webhook URL with user info ({@code https://user:password@host/...}, as curl takes it) authenticates with
     * Basic credentials, and neither the password nor its base64 form shows when the server echoes them.
     */
    @Test
    void theUserInfoOfAWebhookUrlIsSentAsBasicCredentialsAndMaskedWhenEchoed() {
        String password = "Pw4-hook-" + System.nanoTime();
        String basic = Base64.getEncoder().encodeToString(("hookbot:" + password).getBytes(StandardCharsets.UTF_8));
        String host = http().replace("http://", "");
        wm.stubFor(post(urlPathEqualTo("/hooks/basic")).withBasicAuth("hookbot", password)
                .willReturn(aResponse().withStatus(200)));
        CustomWebhook hook = CustomWebhook.builder(Secret.of("http://hookbot:" + password + "@" + host + "/hooks/basic"))
                .jsonBody("{\"text\": \"{{text}}\"}").build();
        runtime.run(() -> hook.send(Notification.of("s", "b", Severity.ERROR)));
        assertThat(wm.findAll(postRequestedFor(urlPathEqualTo("/hooks/basic")))).singleElement()
                .satisfies(r -> assertThat(r.getHeader("Authorization")).isEqualTo("Basic " + basic));

        wm.stubFor(post(urlPathEqualTo("/hooks/refused")).willReturn(aResponse().withStatus(401)
                .withBody("{\"error\": \"bad credentials " + password + " for hookbot (Basic " + basic + ")\"}")));
        MicrosoftTeamsWebhook teams = new MicrosoftTeamsWebhook(Secret.of("http://hookbot:" + password + "@" + host
                + "/hooks/refused"));
        Throwable refused = catchThrowable(() -> runtime.run(() -> teams.send(Notification.of("s", "b", Severity.ERROR))));
        assertThat(refused).isInstanceOf(WebhookException.class).hasMessageContaining("answered HTTP 401")
                .hasMessageContaining("bad credentials");
        assertThat(messages(refused)).allSatisfy(m -> assertThat(m).doesNotContain(password).doesNotContain(basic));

        FlowRun<?>[] run = new FlowRun<?>[1];
        String logged = stderrOf(() -> run[0] = runtime.call(() -> Flow.of("basic-hook", () -> {
            throw new IllegalStateException("boom");
        }).onFailure(Notify.via(teams)).runForState()));
        String runLog = String.join("\n", run[0].logs().stream().map(l -> l.message() + " " + l.error()).toList());
        assertThat(runLog).contains("bad credentials").doesNotContain(password).doesNotContain(basic);
        assertThat(logged).contains("bad credentials").doesNotContain(password).doesNotContain(basic);
    }

    @Test
    void aNotificationBeyondAsciiInATemplatedHeaderArrivesWhole() {
        wm.stubFor(post(urlPathEqualTo("/headers")).willReturn(aResponse().withStatus(200)));
        CustomWebhook hook = CustomWebhook.builder(Secret.of(http() + "/headers"))
                .header("X-Subject", "{{subject}}")
                .header("X-Title", "Sluice: {{subject}} ({{severity}})")
                .jsonBody("{\"text\": \"{{body}}\"}").build();
        String subject = "Zürich café load failed ✅ 👨\u200D👩\u200D👧\u200D👦 数据" + "é".repeat(40);

        runtime.run(() -> hook.send(Notification.of(subject, "body", Severity.ERROR)));
        runtime.run(() -> hook.send(Notification.of("Genève", "body", Severity.WARNING))); // Latin-1 only

        List<LoggedRequest> requests = wm.findAll(postRequestedFor(urlPathEqualTo("/headers")));
        assertThat(requests).hasSize(2); // sent at once, not refused and retried
        String first = requests.get(0).getHeader("X-Subject");
        assertThat(first).matches("\\p{ASCII}+").contains("=?UTF-8?B?");
        assertThat(decode(first)).isEqualTo(subject);
        assertThat(decode(requests.get(0).getHeader("X-Title"))).isEqualTo("Sluice: " + subject + " (error)");
        assertThat(decode(requests.get(1).getHeader("X-Subject"))).isEqualTo("Genève");
        assertThat(requests.get(1).getHeader("X-Title")).startsWith("Sluice: =?UTF-8?B?").endsWith(" (warning)");
        assertThat(slept).isEmpty();
    }

    /** RFC 2047 decoding, as a MIME library does it: encoded-words, white space between two of them dropped. */
    private static String decode(String header) {
        Matcher m = Pattern.compile("=\\?UTF-8\\?B\\?([A-Za-z0-9+/=]*)\\?=(?:\\s+(?==\\?UTF-8\\?B\\?))?").matcher(header);
        StringBuilder out = new StringBuilder();
        java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();
        int last = 0;
        while (m.find()) {
            if (m.start() > last) {
                out.append(pending.toString(StandardCharsets.UTF_8)).append(header, last, m.start());
                pending.reset();
            }
            pending.writeBytes(Base64.getDecoder().decode(m.group(1)));
            last = m.end();
        }
        out.append(pending.toString(StandardCharsets.UTF_8)).append(header.substring(last));
        return out.toString();
    }

    @Test
    void anUntrustedCertificateIsRefusedOnceNotRetried() {
        wm.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(204)));
        DiscordWebhook hook = new DiscordWebhook(Secret.of("https://localhost:" + wm.getHttpsPort() + "/api/webhooks/1/tls"));

        Throwable e = catchThrowable(() -> runtime.run(() -> hook.send(Notification.of("s", "b", Severity.ERROR))));

        assertThat(e).isInstanceOf(WebhookException.class).hasMessageContaining("certificate is not trusted")
                .satisfies(w -> assertThat(((WebhookException) w).isRetryable()).isFalse());
        assertThat(slept).as("no retry waits").isEmpty();
        // Notify does not try again either
        FlowRun<Object> run = runtime.call(() -> Flow.of("tls-flow", () -> {
            throw new IllegalStateException("boom");
        }).onFailure(Notify.via(hook)).runForState());
        assertThat(run.state()).isEqualTo(State.FAILED);
        assertThat(slept).as("no retry waits").isEmpty();
        assertThat(wm.getAllServeEvents()).isEmpty();
    }

    @Test
    void aTaskAndItsFlowNotifyingOneFailurePageOnce() throws Exception {
        wm.stubFor(post(urlPathEqualTo("/pd-chain")).willReturn(aResponse().withStatus(202)
                .withBody("{\"status\":\"success\",\"message\":\"Event processed\"}")));
        PagerDutyEvents pd = new PagerDutyEvents(Secret.of("R0UTINGKEYCHAIN00000000000000001"))
                .withEndpoint(http() + "/pd-chain");
        var load = Task.of("load", (String table) -> {
            if (table.isEmpty()) {
                throw new IllegalStateException("no table");
            }
            return 1;
        }).onFailure(Notify.via(pd));
        FlowRun<Integer> run = runtime.call(() -> Flow.<String, Integer>of("nightly", (String t) -> load.run(t))
                .onFailure(Notify.via(pd)).runForState(""));

        assertThat(run.state()).isEqualTo(State.FAILED);
        List<LoggedRequest> events = wm.findAll(postRequestedFor(urlPathEqualTo("/pd-chain")));
        assertThat(events).hasSize(2);
        Set<String> keys = new java.util.HashSet<>();
        List<String> runIds = new ArrayList<>();
        for (LoggedRequest r : events) {
            var event = JSON.readTree(r.getBodyAsString());
            keys.add(event.path("dedup_key").asText());
            runIds.add(event.path("payload").path("custom_details").path("run id").asText());
        }
        assertThat(runIds).as("one event about the task run, one about the flow run").doesNotHaveDuplicates();
        assertThat(keys).as("one incident").containsExactly(run.id());
        wm.verify(2, postRequestedFor(urlPathEqualTo("/pd-chain")).withHeader("Content-Type", equalTo("application/json")));
    }
    @Test
    void aFailureTwoSubflowsDownPagesOnceKeyedByTheRootFlowRun() throws Exception {
        wm.stubFor(post(urlPathEqualTo("/pd-deep")).willReturn(aResponse().withStatus(202)
                .withBody("{\"status\":\"success\",\"message\":\"Event processed\"}")));
        PagerDutyEvents pd = new PagerDutyEvents(Secret.of("R0UTINGKEYDEEP000000000000000001"))
                .withEndpoint(http() + "/pd-deep");
        var load = Task.of("load", (String table) -> {
            if (table.isEmpty()) {
                throw new IllegalStateException("no table");
            }
            return 1;
        }).onFailure(Notify.via(pd));
        var leaf = Flow.<String, Integer>of("leaf", (String t) -> load.run(t)).onFailure(Notify.via(pd));
        var middle = Flow.<String, Integer>of("middle", (String t) -> leaf.run(t)).onFailure(Notify.via(pd));
        FlowRun<Integer> run = runtime.call(() -> Flow.<String, Integer>of("top", (String t) -> middle.run(t))
                .onFailure(Notify.via(pd)).runForState(""));

        assertThat(run.state()).isEqualTo(State.FAILED);
        List<LoggedRequest> events = wm.findAll(postRequestedFor(urlPathEqualTo("/pd-deep")));
        assertThat(events).as("the task, the leaf, the middle and the top flow each notify").hasSize(4);
        List<String> keys = new ArrayList<>();
        for (LoggedRequest r : events) {
            keys.add(JSON.readTree(r.getBodyAsString()).path("dedup_key").asText());
        }
        assertThat(keys).as("one incident, keyed by the root flow run").containsOnly(run.id());
    }
    @Test
    void anAnswerIsSeenWhileTheApplicationKeepsTheCommonPoolBusy() throws Exception {
        // an application whose tasks block every thread of the common fork-join pool (one thread on 2 cores): on JDK 25 the
        // answer must still be seen (sendAsync completed its future on that pool, so a 204 that had arrived was seen
        // only at the timeout, and the message was sent again)
        wm.stubFor(post(urlPathEqualTo("/api/webhooks/1/busy")).willReturn(aResponse().withStatus(204)));
        DiscordWebhook hook = new DiscordWebhook(Secret.of(http() + "/api/webhooks/1/busy"))
                // a timeout far from the bound below: a loaded machine may take a second or two to answer a 204
                .withOptions(WebhookOptions.defaults().withRequestTimeout(Duration.ofSeconds(10)).withMaxAttempts(1));
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch blocked = new java.util.concurrent.CountDownLatch(
                java.util.concurrent.ForkJoinPool.getCommonPoolParallelism());
        for (int i = 0; i < java.util.concurrent.ForkJoinPool.getCommonPoolParallelism(); i++) {
            java.util.concurrent.ForkJoinPool.commonPool().execute(() -> {
                blocked.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        try {
            assertThat(blocked.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            long start = System.nanoTime();
            Throwable e = catchThrowable(() -> runtime.run(() -> hook.send(Notification.of("s", "b", Severity.ERROR))));
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(e).isNull();
            assertThat(tookMillis).as("the answer is seen when it arrives, not at the timeout").isLessThan(6_000);
            assertThat(wm.findAll(postRequestedFor(urlPathEqualTo("/api/webhooks/1/busy")))).hasSize(1);
        } finally {
            release.countDown();
        }
    }

    @Test
    void anAnswerTrickledByteByByteEndsAtTheRequestTimeout() {
        // the status line and headers at once, then the body one byte every 200 ms: 30 s in all
        wm.stubFor(post(urlPathEqualTo("/api/webhooks/1/slow")).willReturn(aResponse().withStatus(200)
                .withBody("x".repeat(150)).withChunkedDribbleDelay(150, 30_000)));
        DiscordWebhook hook = new DiscordWebhook(Secret.of(http() + "/api/webhooks/1/slow"))
                .withOptions(WebhookOptions.defaults().withRequestTimeout(Duration.ofMillis(1_500)).withMaxAttempts(1));

        long start = System.nanoTime();
        Throwable e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> catchThrowable(() -> runtime.run(() -> hook.send(Notification.of("s", "b", Severity.ERROR)))));
        long tookMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(e).isInstanceOf(WebhookException.class).hasMessageContaining("did not answer in time");
        assertThat(tookMillis).as("the request timeout bounds the whole answer").isLessThan(4_000);
    }
    @Test
    void anEndlessAnswerIsReadOnlyAsFarAsItsStart() throws Exception {
        // a server answering 200 and then streaming a body that never ends (about 10 MB a second)
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread streamer = new Thread(() -> {
                while (!server.isClosed()) {
                    try (java.net.Socket s = server.accept()) {
                        s.getInputStream().read(new byte[65_536]);
                        java.io.OutputStream out = s.getOutputStream();
                        out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                        byte[] chunk = ("10000\r\n" + "x".repeat(65_536) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                        while (true) {
                            out.write(chunk);
                            Thread.sleep(6);
                        }
                    } catch (Exception e) {
                        // the client closed the connection, or the server is closed
                    }
                }
            }, "endless-answer");
            streamer.setDaemon(true);
            streamer.start();
            DiscordWebhook hook = new DiscordWebhook(Secret.of("http://127.0.0.1:" + server.getLocalPort() + "/api/webhooks/1/endless"))
                    // reading to the end would take the whole timeout: far from the bound below, so a loaded machine is no matter
                    .withOptions(WebhookOptions.defaults().withRequestTimeout(Duration.ofSeconds(10)).withMaxAttempts(1));

            long start = System.nanoTime();
            runtime.run(() -> hook.send(Notification.of("s", "b", Severity.ERROR)));
            long tookMillis = (System.nanoTime() - start) / 1_000_000;

            assertThat(tookMillis).as("a 200 is success: its body is not read to the end").isLessThan(5_000);
        }
    }
}
