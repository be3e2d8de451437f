package dev.sluice.blocks.webhook.internal;

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
     * colour code from a log line) makes java.net.http refuse the value, quoting it whole.
     */
    @Test
    void aRefusedHeaderValueIsNotQuoted() {
        CustomWebhook hook = CustomWebhook.builder(Secret.of("http://127.0.0.1:1/hook"))
                .secret("token", Secret.of("hunter2-token"))
                .header("Authorization", "Bearer {{token}} {{subject}}").jsonBody("{\"t\": \"{{text}}\"}").build();

        Throwable e = catchThrowable(() -> hook.send(Notification.of("\u001b[31mload failed", "body", Severity.ERROR)));

        assertThat(e).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Authorization");
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t)).doesNotContain("hunter2");
        }
    }
}
