package dev.sluice.blocks.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.block.Secret;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Templates and settings are checked when a {@link CustomWebhook} is built. */
class CustomWebhookTest {
    private static final Secret URL = Secret.of("https://alerts.example.com/hook?token=abc123");

    @Test
    void anUnknownPlaceholderIsRejectedWhenBuilt() {
        assertThatThrownBy(() -> CustomWebhook.builder(URL).jsonBody("{\"t\": \"{{subjcet}}\"}").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("JSON body uses placeholder {{subjcet}}, which is unknown")
                .hasMessageContaining("[body, severity, subject, text]");
        assertThatThrownBy(() -> CustomWebhook.builder(URL).header("Authorization", "Bearer {{token}}")
                .jsonBody("{}").build())
                .hasMessageContaining("header 'Authorization' uses placeholder {{token}}");
        assertThatThrownBy(() -> CustomWebhook.builder(URL).formBody(Map.of("x", "{{nope}}")).build())
                .hasMessageContaining("form field 'x' uses placeholder {{nope}}");
    }

    @Test
    void namedSecretsBecomePlaceholders() {
        CustomWebhook hook = CustomWebhook.builder(URL).secret("token", Secret.of("t"))
                .header("Authorization", "Bearer {{token}}").jsonBody("{\"a\": [\"{{token}}\", \"{{text}}\"]}").build();
        assertThat(hook.secrets()).containsKey("token");
        assertThat(hook.toString()).doesNotContain("abc123").doesNotContain("=t,");
    }

    @Test
    void aJsonTemplateMustBeJsonWithPlaceholdersInStrings() {
        assertThatThrownBy(() -> CustomWebhook.builder(URL).jsonBody("{\"t\": {{body}}}").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> CustomWebhook.builder(URL).jsonBody("\"{{body}}\"").build())
                .hasMessageContaining("must be a JSON object or array");
        assertThatThrownBy(() -> CustomWebhook.builder(URL).jsonBody("{\"{{body}}\": 1}").build())
                .hasMessageContaining("outside a string value");
    }

    @Test
    void badSettingsNameTheField() {
        assertThatThrownBy(() -> CustomWebhook.builder(URL).build()).hasMessageContaining("give a JSON body");
        assertThatThrownBy(() -> CustomWebhook.builder(URL).method("DELETE").jsonBody("{}").build())
                .hasMessageContaining("method must be one of [PATCH, POST, PUT], was 'DELETE'");
        assertThatThrownBy(() -> CustomWebhook.builder(URL).header("Content-Length", "1").jsonBody("{}").build())
                .hasMessageContaining("set by the HTTP client");
        assertThatThrownBy(() -> CustomWebhook.builder(URL).header("X-A", "a\r\nInjected: 1").jsonBody("{}").build())
                .hasMessageContaining("line break");
        assertThatThrownBy(() -> CustomWebhook.builder(URL).secret("body", Secret.of("x")).jsonBody("{}").build())
                .hasMessageContaining("secret name 'body' is not allowed");
        assertThatThrownBy(() -> CustomWebhook.builder(Secret.of("ftp://x.example.com/abc123")).jsonBody("{}").build())
                .hasMessageContaining("absolute http(s) URL").hasMessageNotContaining("abc123");
    }

    @Test
    void toBuilderKeepsEverything() {
        CustomWebhook hook = CustomWebhook.builder(URL).method("PATCH").secret("k", Secret.of("v"))
                .header("X-K", "{{k}}").formBody(Map.of("a", "{{body}}")).build();
        assertThat(hook.toBuilder().build()).isEqualTo(hook);
    }

    @Test
    void optionsAreValidated() {
        assertThatThrownBy(() -> WebhookOptions.defaults().withMaxAttempts(0))
                .hasMessage("maxAttempts must be between 1 and 10, was 0");
        assertThatThrownBy(() -> WebhookOptions.defaults().withRequestTimeout(java.time.Duration.ZERO))
                .hasMessage("requestTimeout must be positive, was PT0S");
    }
}
