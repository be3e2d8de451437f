package dev.sluice.tasks.slack;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.sluice.tasks.slack.SlackApiStubs.POSTED;
import static dev.sluice.tasks.slack.SlackApiStubs.TOKEN;
import static dev.sluice.tasks.slack.SlackApiStubs.everything;
import static dev.sluice.tasks.slack.SlackApiStubs.okFalse;
import static dev.sluice.tasks.slack.SlackApiStubs.rateLimited;
import static dev.sluice.tasks.slack.SlackApiStubs.slackJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.sluice.RetryPolicy;
import dev.sluice.State;
import dev.sluice.TaskFailedException;
import dev.sluice.block.BlockStore;
import dev.sluice.block.Secret;
import dev.sluice.testkit.TestRuntimes;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code sendChatMessage} against WireMock answering as Slack's Web API does; retry waits are recorded, not slept. */
class ChatMessageIT {
    private static final String PATH = "/api/chat.postMessage";
    /** Retries without a delay of their own, so what is measured is Slack's Retry-After. */
    private static final RetryPolicy TWO_RETRIES = RetryPolicy.fixed(2, Duration.ZERO).retryIf(SlackException::isRetryable);

    private static WireMockServer slack;
    private SlackCredentials credentials;
    private final List<Duration> slept = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        slack = SlackApiStubs.start();
    }

    @AfterAll
    static void stop() {
        slack.stop();
    }

    @BeforeEach
    void reset() {
        slack.resetAll();
        credentials = SlackApiStubs.credentials(slack);
        TestRuntimes.use(b -> b.blockStore(BlockStore.inMemory()).sleeper(slept::add));
    }

    @AfterEach
    void resetRuntime() {
        TestRuntimes.reset();
    }

    @Test
    void postsTheFieldsWithTheBotTokenAsBearerHeader() {
        slack.stubFor(post(PATH).willReturn(slackJson(200, POSTED)));

        PostedMessage posted = SlackTasks.sendChatMessage().run(credentials, SlackMessage.of("#ops", "Nightly load: 1,204 rows"));

        assertThat(posted).isEqualTo(new PostedMessage("C123ABC456", "1503435956.000247"));
        slack.verify(1, postRequestedFor(urlEqualTo(PATH))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .withHeader("Content-Type", containing("application/x-www-form-urlencoded"))
                .withFormParam("channel", equalTo("#ops"))
                .withFormParam("text", equalTo("Nightly load: 1,204 rows"))
                .withFormParam("unfurl_links", equalTo("0"))   // the SDK sends booleans as 0/1, which Slack reads
                .withFormParam("unfurl_media", equalTo("1")));
        assertThat(form(single()).get("thread_ts")).isNull();
        assertThat(form(single()).get("token")).as("the token travels in the header only").isNull();
    }

    @Test
    void postsBlockKitJsonAndUnfurlFlags() {
        slack.stubFor(post(PATH).willReturn(slackJson(200, POSTED)));
        String blocks = "[{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\",\"text\":\"*Load* done\"}},{\"type\":\"divider\"}]";

        SlackTasks.sendChatMessage().run(credentials,
                SlackMessage.of("C123ABC456", "Load done").withBlocks(blocks).withUnfurl(true, false));

        slack.verify(postRequestedFor(urlEqualTo(PATH))
                .withFormParam("blocks", equalToJson(blocks))
                .withFormParam("unfurl_links", equalTo("1"))
                .withFormParam("unfurl_media", equalTo("0")));
    }

    @Test
    void repliesInAThread() {
        slack.stubFor(post(PATH).willReturn(slackJson(200, POSTED)));
        PostedMessage parent = SlackTasks.sendChatMessage().run(credentials, SlackMessage.of("#ops", "Load started"));

        SlackTasks.sendChatMessage().run(credentials, SlackMessage.of(parent.channel(), "step 1 of 3 done").inThread(parent.ts()));

        slack.verify(1, postRequestedFor(urlEqualTo(PATH))
                .withFormParam("channel", equalTo("C123ABC456"))
                .withFormParam("thread_ts", equalTo("1503435956.000247"))
                .withFormParam("text", equalTo("step 1 of 3 done")));
    }

    @Test
    void waitsOutRetryAfterThenSucceeds() {
        slack.stubFor(post(PATH).inScenario("429").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(rateLimited(1)).willSetStateTo("retry"));
        slack.stubFor(post(PATH).inScenario("429").whenScenarioStateIs("retry").willReturn(slackJson(200, POSTED)));

        PostedMessage posted = SlackTasks.sendChatMessage().withRetryPolicy(TWO_RETRIES)
                .run(credentials, SlackMessage.of("#ops", "hello"));

        assertThat(posted.ts()).isEqualTo("1503435956.000247");
        slack.verify(2, postRequestedFor(urlEqualTo(PATH)));
        assertThat(slept).as("Retry-After: 1 with a zero policy delay: the retry waits 1 s").containsExactly(Duration.ofSeconds(1));
    }

    @Test
    void aRateLimitOfAnHourFailsAtOnceSayingSo() {
        slack.stubFor(post(PATH).willReturn(rateLimited(3600)));

        TaskFailedException failed = catchThrowableOfType(TaskFailedException.class,
                () -> SlackTasks.sendChatMessage().run(credentials, SlackMessage.of("#ops", "hello")));

        assertThat(slept).as("nothing near an hour was waited").isEmpty();
        assertThat(failed.run().attempts()).isEqualTo(1);
        slack.verify(1, postRequestedFor(urlEqualTo(PATH)));
        SlackException cause = (SlackException) failed.getCause();
        assertThat(cause.getMessage()).contains("Retry-After 3600 s");
        assertThat(everything(failed)).contains("the server asked to retry after").contains("more than maxRetryAfter")
                .doesNotContain(TOKEN);
    }

    @Test
    void aRateLimitStormBeyondTheRetriesFailsClearly() {
        slack.stubFor(post(PATH).willReturn(rateLimited(1)));

        TaskFailedException failed = catchThrowableOfType(TaskFailedException.class, () -> SlackTasks.sendChatMessage()
                .withRetryPolicy(TWO_RETRIES).run(credentials, SlackMessage.of("#ops", "hello")));

        assertThat(failed.state()).isEqualTo(State.FAILED);
        assertThat(failed.run().attempts()).isEqualTo(3);
        SlackException cause = (SlackException) failed.getCause();
        assertThat(cause.error()).isEqualTo("ratelimited");
        assertThat(cause.retryAfter()).contains(Duration.ofSeconds(1));
        assertThat(cause.getMessage()).isEqualTo("Slack chat.postMessage to channel #ops failed: ratelimited. "
                + "Slack asked to slow down (Retry-After 1 s); a retry waits that long, and none follows if that is more than "
                + "the retry policy's maxRetryAfter; once the retries are used up: send less often (Slack allows about one "
                + "message per second per channel) or give the task more retries");
        assertThat(failed.getMessage()).contains("after 3 attempts").contains("ratelimited");
        slack.verify(3, postRequestedFor(urlEqualTo(PATH)));
        assertThat(everything(failed)).doesNotContain(TOKEN);
        assertThat(slept).as("two Retry-After waits of 1 s").containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1));
    }

    @ParameterizedTest
    @CsvSource({
        "channel_not_found, invite the app to private channels",
        "not_in_channel,    /invite @your-app",
        "invalid_auth,      save the block again with a current xoxb- token",
        "is_archived,       unarchive it",
    })
    void okFalseBecomesSlackExceptionWithCodeAndHintAndIsNotRetried(String code, String hint) {
        slack.stubFor(post(PATH).willReturn(okFalse(code)));

        // the default policy (3 retries) applies, and must not retry
        TaskFailedException failed = catchThrowableOfType(TaskFailedException.class,
                () -> SlackTasks.sendChatMessage().run(credentials, SlackMessage.of("#ops", "hello")));

        SlackException cause = (SlackException) failed.getCause();
        assertThat(cause.error()).isEqualTo(code);
        assertThat(cause.retryable()).isFalse();
        assertThat(cause.getMessage()).startsWith("Slack chat.postMessage to channel #ops failed: " + code + ". ").contains(hint);
        assertThat(failed.run().attempts()).isEqualTo(1);
        slack.verify(1, postRequestedFor(urlEqualTo(PATH)));
        assertThat(everything(failed)).doesNotContain(TOKEN).doesNotContain("TestTokenValue");
    }

    @Test
    void aRefusedMessageIsNotSentAgainEvenWhenThePolicyRetriesEverything() {
        slack.stubFor(post(PATH).willReturn(okFalse("channel_not_found")));

        TaskFailedException failed = catchThrowableOfType(TaskFailedException.class, () -> SlackTasks.sendChatMessage()
                .withRetries(2, Duration.ZERO).run(credentials, SlackMessage.of("#nope", "hello")));

        // a refusal is a NotificationException that is not retryable: the engine stops at once
        assertThat(failed.run().attempts()).isEqualTo(1);
        assertThat(((SlackException) failed.getCause()).error()).isEqualTo("channel_not_found");
        slack.verify(1, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void missingScopeNamesTheScopeNeeded() {
        slack.stubFor(post(PATH).willReturn(slackJson(200,
                "{\"ok\": false, \"error\": \"missing_scope\", \"needed\": \"chat:write\", \"provided\": \"channels:read\"}")));

        SlackException e = slackFailure(SlackMessage.of("#ops", "hello"));

        assertThat(e.error()).isEqualTo("missing_scope");
        assertThat(e.hint()).contains("chat:write");
    }

    @Test
    void aNonJsonAnswerIsInvalidResponseAndNotRetried() {
        slack.stubFor(post(PATH).willReturn(slackJson(200, "<html><body>Proxy says hi</body></html>")
                .withHeader("Content-Type", "text/html")));

        SlackException e = slackFailure(SlackMessage.of("#ops", "hello"));

        assertThat(e.error()).isEqualTo("invalid_response");
        assertThat(e.retryable()).isFalse();
        assertThat(e.hint()).contains("may have been posted");
        slack.verify(1, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void anHttp500IsDeliveryUnknownAndNotRetried() {
        slack.stubFor(post(PATH).willReturn(slackJson(500, "")));

        SlackException e = slackFailure(SlackMessage.of("#ops", "hello"));

        assertThat(e.error()).isEqualTo("http_500");
        assertThat(e.retryable()).isFalse();
        slack.verify(1, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void aServerThatIsDownIsConnectionFailedAndRetried() throws Exception {
        SlackCredentials nowhere = SlackCredentials.of(Secret.of(TOKEN)).withApiUrl("http://127.0.0.1:" + SlackApiStubs.closedPort() + "/api/");

        TaskFailedException failed = catchThrowableOfType(TaskFailedException.class, () -> SlackTasks.sendChatMessage()
                .withRetryPolicy(RetryPolicy.fixed(1, Duration.ofMillis(10)).retryIf(SlackException::isRetryable))
                .run(nowhere, SlackMessage.of("#ops", "hello")));

        SlackException cause = (SlackException) failed.getCause();
        assertThat(cause.error()).isEqualTo("connection_failed");
        assertThat(cause.retryable()).isTrue();
        assertThat(cause.getCause()).isInstanceOf(java.net.ConnectException.class);
        assertThat(failed.run().attempts()).isEqualTo(2);
        assertThat(slept).containsExactly(Duration.ofMillis(10));
        assertThat(everything(failed)).doesNotContain(TOKEN);
    }

    @Test
    void aRetryAfterATimeoutNeverPostsTwice() throws Exception {
        // Slack receives the message but answers after the task's timeout
        slack.stubFor(post(PATH).willReturn(slackJson(200, POSTED).withFixedDelay(3_000)));

        TaskFailedException failed = catchThrowableOfType(TaskFailedException.class, () -> SlackTasks.sendChatMessage()
                .withTimeout(Duration.ofMillis(1_000))
                .withRetryPolicy(RetryPolicy.fixed(2, Duration.ofMillis(50))) // retries everything, timeouts included
                .run(credentials, SlackMessage.of("#ops", "exactly once")));

        // attempt 1 times out; attempt 2 knows the message may be posted (delivery_unknown, not retryable): no attempt 3
        assertThat(failed.run().attempts()).isEqualTo(2);
        SlackException cause = (SlackException) failed.getCause();
        assertThat(cause.error()).isEqualTo("delivery_unknown");
        assertThat(cause.hint()).contains("never posted twice").contains("check the channel");
        // the run is over, so nothing more can be sent; give the cut-off first call time to arrive, then count
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (slack.findAll(postRequestedFor(urlEqualTo(PATH))).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        slack.verify(1, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void textOverSlacksLimitIsTruncatedWithAMarker() {
        slack.stubFor(post(PATH).willReturn(slackJson(200, POSTED)));
        String longText = "x".repeat(45_000);

        SlackTasks.sendChatMessage().run(credentials, SlackMessage.of("#ops", longText));

        String sent = form(single()).get("text");
        assertThat(sent).hasSize(40_000).startsWith("xxxx").endsWith("[truncated by Sluice: Slack allows 40000 characters]");
    }

    @Test
    void blocksOverSlacksLimitAreTruncatedWithAMarkerBlock() throws Exception {
        slack.stubFor(post(PATH).willReturn(slackJson(200, POSTED)));
        StringBuilder blocks = new StringBuilder("[");
        for (int i = 0; i < 60; i++) {
            blocks.append(i == 0 ? "" : ",").append("{\"type\":\"section\",\"text\":{\"type\":\"plain_text\",\"text\":\"row ").append(i).append("\"}}");
        }
        blocks.append(']');

        SlackTasks.sendChatMessage().run(credentials, SlackMessage.of("#ops", "60 rows").withBlocks(blocks.toString()));

        JsonNode sent = new ObjectMapper().readTree(form(single()).get("blocks"));
        assertThat(sent).hasSize(50);
        assertThat(sent.get(48).path("text").path("text").asText()).isEqualTo("row 48");
        assertThat(sent.get(49).path("type").asText()).isEqualTo("context");
        assertThat(sent.get(49).path("elements").get(0).path("text").asText()).contains("11 more blocks truncated by Sluice");
    }

    @Test
    void aMessageWithoutChannelFailsBeforeCallingSlack() {
        assertThatThrownBy(() -> SlackTasks.sendChatMessage().run(credentials, SlackMessage.of("hello")))
                .isInstanceOf(TaskFailedException.class)
                .cause().isInstanceOf(SlackException.class).hasMessageContaining("channel_not_set");
        slack.verify(0, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void clientHandsOutTheSdkForMethodsSluiceDoesNotWrap() throws Exception {
        slack.stubFor(post("/api/auth.test").withHeader("Authorization", matching("Bearer xoxb-.*"))
                .willReturn(slackJson(200, "{\"ok\": true, \"url\": \"https://subarachnoid.slack.com/\", \"team\": \"Subarachnoid Workspace\","
                        + " \"user\": \"grace\", \"team_id\": \"T12345678\", \"user_id\": \"W12345678\"}")));

        assertThat(credentials.client().authTest(r -> r).getTeamId()).isEqualTo("T12345678");
    }

    private SlackException slackFailure(SlackMessage message) {
        TaskFailedException failed = catchThrowableOfType(TaskFailedException.class,
                () -> SlackTasks.sendChatMessage().run(credentials, message));
        assertThat(failed.getCause()).isInstanceOf(SlackException.class);
        return (SlackException) failed.getCause();
    }

    private static LoggedRequest single() {
        List<LoggedRequest> all = slack.findAll(postRequestedFor(urlEqualTo(PATH)));
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    private static java.util.Map<String, String> form(LoggedRequest request) {
        java.util.Map<String, String> form = new java.util.HashMap<>();
        for (String pair : request.getBodyAsString().split("&")) {
            int eq = pair.indexOf('=');
            form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return form;
    }
}
