package dev.sluice.tasks.slack;

import dev.sluice.testkit.Scripts;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.sluice.tasks.slack.SlackApiStubs.WEBHOOK_PATH;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.sluice.Flow;
import dev.sluice.FlowRun;
import dev.sluice.State;
import dev.sluice.notify.Notification;
import dev.sluice.notify.Notify;
import dev.sluice.notify.Severity;
import dev.sluice.tasks.slack.internal.Payloads;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A Slack notification keeps to Slack's limits whatever the size and script of the error: a flow
 * failing with a 1 MB error in Latin, CJK and emoji text (through {@code Notify}), and a
 * notification whose every part is that large; measured on the body WireMock received. No cut
 * splits a character or an escape such as {@code &amp;}.
 */
class NotificationSizesIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern AMP = Pattern.compile("&(?!amp;|lt;|gt;)");
    private static WireMockServer slack;

    @BeforeAll
    static void start() {
        slack = SlackApiStubs.start();
        slack.stubFor(post(WEBHOOK_PATH).willReturn(aResponse().withStatus(200).withBody("ok")));
    }

    @AfterAll
    static void stop() {
        slack.stop();
    }

    @ParameterizedTest
    @EnumSource(Scripts.class)
    void aNotificationKeepsToSlacksLimits(Scripts script) throws Exception {
        slack.resetRequests();
        SlackWebhook webhook = SlackApiStubs.webhook(slack);
        // & < > become &amp; &lt; &gt; in mrkdwn: a cut must not split them
        String error = script.megabyte().replace(" ", " & <x> ");
        FlowRun<Object> run = Flow.of("huge-error", () -> {
            throw new IllegalStateException(error);
        }).onFailure(Notify.via(webhook).withRetries(0, Duration.ZERO).raiseOnFailure()).runForState();
        assertThat(run.state()).isEqualTo(State.FAILED);
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i < 60; i++) {
            fields.put(i + " " + script.atLeast(3_000), error);
        }
        webhook.send(new Notification(error, error, Severity.CRITICAL, fields));

        List<LoggedRequest> posts = slack.findAll(postRequestedFor(urlEqualTo(WEBHOOK_PATH)));
        assertThat(posts).hasSize(2);
        for (LoggedRequest post : posts) {
            String body = Scripts.utf8(post.getBody());
            JsonNode blocks = JSON.readTree(body).path("blocks");
            assertThat(blocks.size()).isLessThanOrEqualTo(Payloads.MAX_BLOCKS);
            assertThat(JSON.readTree(body).path("text").asText().length()).isLessThanOrEqualTo(150);
            int total = 0;
            for (JsonNode block : blocks) {
                String type = block.path("type").asText();
                if (type.equals("header")) {
                    total += check(script, block.path("text").path("text").asText(), 150, false); // plain_text
                } else if (type.equals("section") && block.has("text")) {
                    total += check(script, block.path("text").path("text").asText(), 3_000, true);
                } else if (type.equals("section")) {
                    assertThat(block.path("fields").size()).isLessThanOrEqualTo(10);
                    for (JsonNode field : block.path("fields")) {
                        total += check(script, field.path("text").asText(), 2_000, true);
                    }
                } else {
                    for (JsonNode element : block.path("elements")) {
                        total += check(script, element.path("text").asText(), 3_000, true);
                    }
                }
            }
            assertThat(total).as("characters of text in the message").isLessThanOrEqualTo(Payloads.MAX_NOTIFICATION_TEXT);
        }
        System.out.printf("Slack webhook body bytes for a 1 MB %s error (flow failure via Notify / everything huge): %s%n",
                script, posts.stream().map(p -> p.getBody().length).toList());
    }

    /** Checks one text of a block (escaped if {@code mrkdwn}) and returns its length. */
    private static int check(Scripts script, String text, int max, boolean mrkdwn) {
        assertThat(text.length()).isLessThanOrEqualTo(max);
        script.assertWhole(text);
        Matcher bare = AMP.matcher(text);
        assertThat(mrkdwn && bare.find()).as("an escape cut in two in %s", text.length() > 80 ? text.substring(text.length() - 80) : text)
                .isFalse();
        return text.length();
    }

    @org.junit.jupiter.api.Test
    void aLongTaskMessageIsCutBetweenCharacters() {
        String family = "👨\u200D👩\u200D👧\u200D👦";
        Payloads.Fitted fitted = Payloads.fit(SlackMessage.of("#ops", "x" + family.repeat(5_000)));
        String kept = fitted.text().substring(0, fitted.text().indexOf("\n… [truncated"));
        assertThat(kept.length()).isLessThanOrEqualTo(Payloads.MAX_TEXT);
        assertThat((kept.length() - 1) % family.length()).as("whole emoji sequences only").isZero();
        assertThat(new String(kept.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo(kept);
    }
}
