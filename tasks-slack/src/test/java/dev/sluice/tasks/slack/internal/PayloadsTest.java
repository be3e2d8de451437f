package dev.sluice.tasks.slack.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.notify.Notification;
import dev.sluice.notify.Severity;
import dev.sluice.tasks.slack.SlackMessage;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PayloadsTest {
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void textWithinTheLimitIsUntouched() {
        Payloads.Fitted fitted = Payloads.fit(SlackMessage.of("#ops", "x".repeat(40_000)));

        assertThat(fitted.text()).hasSize(40_000).doesNotContain("truncated");
        assertThat(fitted.cuts()).isEmpty();
    }

    @Test
    void truncationNeverSplitsASurrogatePair() {
        String emoji = "\uD83D\uDE80"; // one code point, two chars
        String cut = Payloads.truncate("a" + emoji + "bcdef", 4, "…!");

        assertThat(cut).isEqualTo("a…!");
    }

    @Test
    void aLongNotificationBodyIsSplitIntoSectionsWithinSlacksLimits() throws Exception {
        String body = ("line of a stack trace\n").repeat(5_000); // 110,000 chars
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i < 45; i++) {
            fields.put("field " + i, "v".repeat(3_000));
        }

        JsonNode payload = json.readTree(Payloads.notificationBody(new Notification("s".repeat(300), body, Severity.CRITICAL, fields)));

        JsonNode blocks = payload.path("blocks");
        assertThat(blocks.size()).isLessThanOrEqualTo(Payloads.MAX_BLOCKS);
        assertThat(blocks.get(0).path("text").path("text").asText()).hasSize(150).startsWith(":rotating_light: sss");
        int sections = 0;
        for (JsonNode block : blocks) {
            if (block.has("text") && block.path("type").asText().equals("section")) {
                assertThat(block.path("text").path("text").asText().length()).isLessThanOrEqualTo(3_000);
                sections++;
            }
            for (JsonNode field : block.path("fields")) {
                assertThat(field.path("text").asText().length()).isLessThanOrEqualTo(2_000);
            }
            assertThat(block.path("fields").size()).isLessThanOrEqualTo(10);
        }
        assertThat(sections).isEqualTo(Payloads.MAX_BODY_SECTIONS);
        assertThat(blocks.get(sections).path("text").path("text").asText()).endsWith("[truncated by Sluice]");
        assertThat(blocks.get(blocks.size() - 1).path("elements").get(0).path("text").asText())
                .contains("*CRITICAL*").contains("41 more fields not shown"); // 4 fields of 2,000 fill the 8,000 for fields
    }

    @Test
    void anEmptyBodyLeavesNoEmptySection() throws Exception {
        JsonNode blocks = json.readTree(Payloads.notificationBody(Notification.of("done", "", Severity.INFO))).path("blocks");

        assertThat(blocks).hasSize(2);
        assertThat(blocks.get(0).path("text").path("text").asText()).isEqualTo(":information_source: done");
        assertThat(blocks.get(1).path("type").asText()).isEqualTo("context");
    }

    @Test
    void ioFailuresBeforeConnectingAreRetryableAfterAreDeliveryUnknown() {
        Failures.Failure refused = Failures.io("op", new UnknownHostException("slack.invalid"));
        Failures.Failure readTimeout = Failures.io("op", new SocketTimeoutException("timeout"));
        Failures.Failure interrupted = Failures.io("op", new InterruptedIOException("interrupted"));

        assertThat(refused.error().error()).isEqualTo("connection_failed");
        assertThat(refused.error().retryable()).isTrue();
        assertThat(refused.maybeDelivered()).isFalse();
        assertThat(readTimeout.error().error()).isEqualTo("delivery_unknown");
        assertThat(readTimeout.error().retryable()).isFalse();
        assertThat(readTimeout.maybeDelivered()).isTrue();
        assertThat(interrupted.maybeDelivered()).isTrue();
    }

    @Test
    void slacksOwnMaybeDoneErrorsAreNotRetried() {
        assertThat(Failures.slackError("op", "internal_error", null, null, null).maybeDelivered()).isTrue();
        assertThat(Failures.slackError("op", "service_unavailable", null, null, null).error().retryable()).isTrue();
        assertThat(Failures.http("op", 503, null, null, null).error().retryable()).isTrue();
        assertThat(Failures.http("op", 502, null, null, null).maybeDelivered()).isTrue();
    }

    @Test
    void retryAfterIsReadInSeconds() {
        assertThat(SlackSender.retryAfter("1")).hasSeconds(1);
        assertThat(SlackSender.retryAfter(" 30 ")).hasSeconds(30);
        assertThat(SlackSender.retryAfter("soon")).isNull();
        assertThat(SlackSender.retryAfter(null)).isNull();
    }

    @Test
    void aSecretInAnExceptionMessageIsScrubbedFromTheCause() {
        String url = "http://127.0.0.1:1/services/T/B/SECRETPART";
        Throwable scrubbed = Scrub.scrub(new IllegalArgumentException("bad URL " + url), url);

        assertThat(scrubbed.getMessage()).doesNotContain("SECRETPART").contains("**********");
        Throwable untouched = new IllegalArgumentException("nothing secret");
        assertThat(Scrub.scrub(untouched, url)).isSameAs(untouched);
    }
}
