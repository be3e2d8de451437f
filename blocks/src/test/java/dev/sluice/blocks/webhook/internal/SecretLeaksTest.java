package dev.sluice.blocks.webhook.internal;

import static org.assertj.core.api.Assertions.assertThat;

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
}
