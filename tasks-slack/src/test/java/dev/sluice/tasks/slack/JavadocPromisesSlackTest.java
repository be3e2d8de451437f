package dev.sluice.tasks.slack;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.sluice.Flow;
import dev.sluice.RetryPolicy;
import dev.sluice.Task2;
import dev.sluice.block.BlockStore;
import dev.sluice.block.Secret;
import dev.sluice.notify.Notification;
import dev.sluice.notify.Notify;
import dev.sluice.notify.Severity;
import dev.sluice.testkit.TestRuntimes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Slack module's public Javadoc, sentence by sentence, against WireMock; waits recorded, not slept. */
class JavadocPromisesSlackTest {
    private static final String PATH = SlackApiStubs.WEBHOOK_PATH;
    private static WireMockServer slack;
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
        TestRuntimes.use(b -> b.blockStore(BlockStore.inMemory()).sleeper(slept::add));
    }

    @AfterEach
    void resetRuntime() {
        TestRuntimes.reset();
    }

    private int posts() {
        return slack.findAll(postRequestedFor(urlEqualTo(PATH))).size();
    }

    @Test
    void messageAndCredentialsValidateAsDocumented() {
        assertThatThrownBy(() -> SlackMessage.of(" ", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SlackMessage.of("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SlackMessage.of("x").inThread(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SlackMessage.of("x").withBlocks("{\"type\":\"divider\"}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SlackMessage.of("x").withBlocks("[1]")).isInstanceOf(IllegalArgumentException.class);
        assertThat(new SlackMessage(null, "", "[{\"type\":\"divider\"}]", null, false, true).text()).isEmpty();
        SlackMessage m = SlackMessage.of("x");
        assertThat(m.channel()).isNull();
        assertThat(m.unfurlLinks()).isFalse();
        assertThat(m.unfurlMedia()).isTrue();
        m.withChannel("#ops");
        assertThat(m.channel()).isNull(); // immutable
        assertThatThrownBy(() -> SlackCredentials.of(Secret.of(""))).isInstanceOf(IllegalArgumentException.class);
        assertThat(SlackCredentials.of(Secret.of("xoxb-fake")).apiUrl()).isNull();
        assertThat(SlackCredentials.of(Secret.of("xoxb-fake")).withApiUrl("https://slack-gov.com/api").apiUrl())
                .isEqualTo("https://slack-gov.com/api/");
        assertThatThrownBy(() -> SlackCredentials.of(Secret.of("xoxb-fake")).withApiUrl("ftp://x/api/"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(SlackCredentials.of(Secret.of("xoxb-fake-token-value")).toString()).doesNotContain("xoxb-fake-token-value");
        Throwable e = catchThrowableOfType(IllegalArgumentException.class,
                () -> SlackWebhook.of(Secret.of("hooks.slack.com/services/T0/B0/fake-hook-secret")));
        assertThat(e.getMessage()).doesNotContain("fake-hook-secret");
        assertThatThrownBy(() -> SlackWebhook.of(Secret.of(""))).isInstanceOf(IllegalArgumentException.class);
        assertThat(SlackWebhook.DEFAULT_REQUEST_TIMEOUT).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void defaultRetryPolicyIsAsDocumented() {
        RetryPolicy p = SlackTasks.defaultRetryPolicy();
        assertThat(p.maxRetries()).isEqualTo(3);
        assertThat(SlackTasks.sendChatMessage().retryPolicy()).isEqualTo(p);
        assertThat(SlackTasks.sendWebhookMessage().retryPolicy()).isEqualTo(p);
        assertThat(SlackException.isRetryable(new SlackException("op", "ratelimited", "wait", true, null, null))).isTrue();
        assertThat(SlackException.isRetryable(new IllegalStateException())).isFalse();
        SlackException se = new SlackException("chat.postMessage to channel C1", "channel_not_found", "invite the bot",
                false, Duration.ofSeconds(3), null);
        assertThat(se.getMessage()).isEqualTo("chat.postMessage to channel C1 failed: channel_not_found. invite the bot");
        assertThat(se.retryable()).isFalse();
        assertThat(se.retryAfter()).contains(Duration.ofSeconds(3));
    }

    @Test
    void sendRetriesA503TwiceExponentiallyFromOneSecond() {
        slack.stubFor(post(PATH).willReturn(aResponse().withStatus(503).withBody("service_unavailable")));
        SlackException e = catchThrowableOfType(SlackException.class,
                () -> SlackApiStubs.webhook(slack).send(Notification.of("s", "b", Severity.ERROR)));
        assertThat(posts()).isEqualTo(3);
        assertThat(slept).hasSize(2);
        assertThat(slept.get(0)).isBetween(Duration.ofMillis(800), Duration.ofMillis(1200));
        assertThat(slept.get(1)).isBetween(Duration.ofMillis(1600), Duration.ofMillis(2400));
        assertThat(e.isRetryable()).isTrue();
        assertThat(SlackApiStubs.everything(e)).doesNotContain("XXXXXXXXXXXXXXXXXXXXXXXX");
    }

    @Test
    void aRetryAfterOver30SecondsEndsTheRetriesAtOnce() {
        slack.stubFor(post(PATH).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "31").withBody("rate_limited")));
        SlackException e = catchThrowableOfType(SlackException.class,
                () -> SlackApiStubs.webhook(slack).send(Notification.of("s", "b", Severity.ERROR)));
        assertThat(posts()).isEqualTo(1);
        assertThat(slept).isEmpty();
        assertThat(e.error()).isEqualTo("ratelimited");
    }

    @Test
    void a500IsNeverSentAgainEvenThroughNotify() {
        slack.stubFor(post(PATH).willReturn(aResponse().withStatus(500).withBody("oops")));
        SlackException e = catchThrowableOfType(SlackException.class,
                () -> SlackApiStubs.webhook(slack).send(Notification.of("s", "b", Severity.ERROR)));
        assertThat(e.isRetryable()).isFalse();
        assertThat(posts()).isEqualTo(1);
    }

    @Test
    void aWebhookThatIsDownGetsAtMostThreeRequestsThroughNotify() {
        slack.stubFor(post(PATH).willReturn(aResponse().withStatus(503).withBody("service_unavailable")));
        Flow<String, Integer> etl = Flow.of("daily-etl", (String city) -> {
            throw new IllegalStateException("no data for " + city);
        });
        etl = etl.onFailure(Notify.via(SlackApiStubs.webhook(slack)));
        Flow<String, Integer> failing = etl;
        assertThatThrownBy(() -> failing.run("Boston")).isNotNull();
        assertThat(posts()).isEqualTo(3);
    }

    @Test
    void notifyPostsTheMessageAndTheExamplesCompile() {
        slack.stubFor(post(PATH).willReturn(aResponse().withStatus(200).withBody("ok")));
        SlackWebhook alerts = SlackApiStubs.webhook(slack);
        alerts.notify("Nightly load finished: 1,204 rows");
        assertThat(posts()).isEqualTo(1);
        PostedMessage parent = new PostedMessage("C0123456789", "1503435956.000247");
        SlackMessage reply = SlackMessage.of("#ops", "Nightly load finished: 1,204 rows")
                .withBlocks("[{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\",\"text\":\"*Nightly load* finished\"}}]")
                .inThread(parent.ts());
        assertThat(reply.threadTs()).isEqualTo(parent.ts());
        SlackCredentials bot = SlackCredentials.of(Secret.of("xoxb-..."));
        SlackCredentials gov = bot.withApiUrl("https://slack-gov.com/api/");
        assertThat(gov.apiUrl()).isEqualTo("https://slack-gov.com/api/");
        Task2<SlackCredentials, SlackMessage, PostedMessage> tuned = SlackTasks.sendChatMessage().withTimeout(Duration.ofSeconds(20));
        Task2<SlackCredentials, SlackMessage, PostedMessage> custom = SlackTasks.sendChatMessage()
                .withRetryPolicy(RetryPolicy.fixed(5, Duration.ofSeconds(1)).retryIf(SlackException::isRetryable));
        assertThat(tuned).isNotNull();
        assertThat(custom.retryPolicy().maxRetries()).isEqualTo(5);
    }
}
