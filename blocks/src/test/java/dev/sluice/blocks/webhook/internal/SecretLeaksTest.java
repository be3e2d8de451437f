package dev.sluice.blocks.webhook.internal;

import dev.sluice.notify.TextCuts;
import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.catchThrowable;

import dev.sluice.notify.Notification;
import dev.sluice.block.Secret;
import dev.sluice.notify.Severity;
import dev.sluice.blocks.webhook.CustomWebhook;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A request to send holds the revealed webhook URL, filled headers and body: its toString shows none. */
class SecretLeaksTest {
    @Test
    void aRequestToSendDoesNotPrintItsSecrets() {
        String url = "https://discord.com/api/webhooks/123/hunter2-webhook-token";
        WebhookSender.Request request = new WebhookSender.Request("Discord webhook", URI.create(url), "POST",
                "application/json", "{\"routing_key\":\"hunter2-key\"}", Map.of("Authorization", "Bearer hunter2-header"),
                List.of(url, "hunter2-key"));

        assertThat(request.toString()).contains("Discord webhook", "POST", "discord.com").doesNotContain("hunter2");
    }

    /**
     * A header filled with a secret and the subject: a control character in the subject (an ANSI
     * colour code from a log line) becomes a space, so the HTTP client takes the value; the failure
     * to reach the server shows no secret.
     */
    @Test
    void aControlCharacterInAFilledHeaderBecomesASpace() {
        assertThat(HeaderValues.encode("Bearer hunter2-token \u001b[31mload failed\r\nX-Injected: 1"))
                .isEqualTo("Bearer hunter2-token  [31mload failed  X-Injected: 1");
        CustomWebhook hook = CustomWebhook.builder(Secret.of("http://127.0.0.1:1/hook"))
                .secret("token", Secret.of("hunter2-token"))
                .header("Authorization", "Bearer {{token}} {{subject}}").jsonBody("{\"t\": \"{{text}}\"}")
                .options(dev.sluice.blocks.webhook.WebhookOptions.defaults().withMaxAttempts(1)).build();

        Throwable e = catchThrowable(() -> hook.send(Notification.of("\u001b[31mload failed", "body", Severity.ERROR)));

        assertThat(e).isInstanceOf(dev.sluice.blocks.webhook.WebhookException.class).hasMessageContaining("could not be reached");
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t)).doesNotContain("hunter2");
        }
    }

    @Test
    void everyPartOfAWebhookUrlIsHiddenWhateverItsLength() {
        WebhookSender.Request request = new WebhookSender.Request("Zapier", URI.create(
                "https://hooks.zapier.com/hooks/catch/1234567/zpT0k9x/?k=ab&v=Zm9v%2Bbar"), "POST", "application/json",
                "{}", Map.of(), List.of());
        List<String> hidden = WebhookSender.hidden(request);

        String scrubbed = WebhookSender.scrub("404: no hook /hooks/catch/1234567/zpT0k9x/ (zpT0k9x, 1234567, ab, Zm9v+bar)"
                + " about a cab", hidden);

        assertThat(scrubbed).doesNotContain("1234567").doesNotContain("zpT0k9x").doesNotContain("Zm9v+bar")
                .doesNotContain(" ab,").contains("about a cab");
        // token-like parts are masked in this JVM's run logs too; plain words are not
        assertThat(Secret.mask("see zpT0k9x and 1234567 under hooks")).isEqualTo("see ********** and ********** under hooks");
    }

    @Test
    void cutsFallBetweenGraphemeClusters() {
        String family = "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67"; // 8 UTF-16 units, 1 cluster
        assertThat(TextCuts.cut("ab" + family + "cd", 9, TextCuts.Measure.CHARS, "\u2026")).isEqualTo("ab\u2026");
        assertThat(TextCuts.cut("ab" + family + "cd", 11, TextCuts.Measure.CHARS, "\u2026")).isEqualTo("ab" + family + "\u2026");
        assertThat(TextCuts.cut("e\u0301e\u0301e\u0301", 4, TextCuts.Measure.CHARS, "")).isEqualTo("e\u0301e\u0301");
        assertThat(TextCuts.cut("\uD83D\uDE80\uD83D\uDE80", 3, TextCuts.Measure.CHARS, "")).isEqualTo("\uD83D\uDE80");
        // bytes: a CJK character is 3 in UTF-8; a quote 2 in JSON, a control character 6
        assertThat(TextCuts.cut("数据加载", 8, TextCuts.Measure.UTF8, "")).isEqualTo("数据");
        assertThat(TextCuts.size("a\"\u0001\n", TextCuts.Measure.JSON)).isEqualTo(1 + 2 + 6 + 2);
        assertThat(TextCuts.cut("short", 100, TextCuts.Measure.UTF8, "\u2026")).isEqualTo("short");
    }
}
