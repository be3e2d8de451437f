package dev.sluice.blocks.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.sluice.notify.Notifier;
import dev.sluice.block.Secret;
import dev.sluice.testkit.NotifierContract;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every webhook notifier passes core's {@link NotifierContract} against WireMock. */
class WebhookContractsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final WebhookOptions FAST = WebhookOptions.defaults().withMaxAttempts(2)
            .withMaxRetryDelay(Duration.ofMillis(200));

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    static List<String> bodies(String path, Function<String, String> decode) {
        List<String> texts = new ArrayList<>();
        wm.getAllServeEvents().forEach(e -> {
            if (e.getRequest().getUrl().startsWith(path)) {
                texts.add(0, decode.apply(e.getRequest().getBodyAsString()));
            }
        });
        return texts;
    }

    /** All string values of a JSON document, joined by newlines: the text a person would see. */
    static String jsonText(String body) {
        try {
            StringBuilder sb = new StringBuilder();
            collect(JSON.readTree(body), sb);
            return sb.toString();
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    private static void collect(JsonNode node, StringBuilder sb) {
        if (node.isValueNode()) {
            sb.append(node.asText()).append('\n');
        } else {
            node.properties().forEach(f -> {
                sb.append(f.getKey()).append('\n');
                collect(f.getValue(), sb);
            });
            if (node.isArray()) {
                node.forEach(child -> collect(child, sb));
            }
        }
    }

    @Nested
    class Teams extends NotifierContract {
        @BeforeEach
        void stub() {
            wm.stubFor(post(urlPathEqualTo("/teams/ok")).willReturn(aResponse().withStatus(202)));
            wm.stubFor(post(urlPathEqualTo("/teams/broken")).willReturn(aResponse().withStatus(500)));
        }

        @Override
        protected Notifier newNotifier() {
            return new MicrosoftTeamsWebhook(Secret.of(wm.baseUrl() + "/teams/ok?sig=teams-signature-1")).withOptions(FAST);
        }

        @Override
        protected Notifier unreachableNotifier() {
            return new MicrosoftTeamsWebhook(Secret.of(wm.baseUrl() + "/teams/broken?sig=teams-signature-1"))
                    .withOptions(FAST);
        }

        @Override
        protected List<String> secretValues() {
            return List.of("teams-signature-1");
        }

        @Override
        protected List<String> delivered() {
            return bodies("/teams/ok", WebhookContractsIT::jsonText);
        }
    }

    @Nested
    class Discord extends NotifierContract {
        @BeforeEach
        void stub() {
            wm.stubFor(post(urlPathMatching("/discord/ok/.*")).willReturn(aResponse().withStatus(204)));
        }

        @Override
        protected Notifier newNotifier() {
            return new DiscordWebhook(Secret.of(wm.baseUrl() + "/discord/ok/discord-token-2")).withOptions(FAST);
        }

        @Override
        protected Notifier unreachableNotifier() {
            return new DiscordWebhook(Secret.of("http://127.0.0.1:1/discord/discord-token-2")).withOptions(FAST);
        }

        @Override
        protected List<String> secretValues() {
            return List.of("discord-token-2");
        }

        @Override
        protected List<String> delivered() {
            return bodies("/discord/ok", WebhookContractsIT::jsonText);
        }
    }

    @Nested
    class PagerDuty extends NotifierContract {
        @BeforeEach
        void stub() {
            wm.stubFor(post(urlPathEqualTo("/pd/ok/v2/enqueue")).willReturn(aResponse().withStatus(202)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"status\":\"success\",\"message\":\"Event processed\",\"dedup_key\":\"k\"}")));
            wm.stubFor(post(urlPathEqualTo("/pd/bad/v2/enqueue")).willReturn(aResponse().withStatus(400)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"status\":\"invalid event\",\"message\":\"Event object is invalid\","
                            + "\"errors\":[\"'routing_key' is invalid\"]}")));
        }

        @Override
        protected Notifier newNotifier() {
            return new PagerDutyEvents(Secret.of("R0UTINGKEY00000000000000000000PD")).withSource("etl-host")
                    .withEndpoint(wm.baseUrl() + "/pd/ok/v2/enqueue").withOptions(FAST);
        }

        @Override
        protected @Nullable Notifier unreachableNotifier() {
            return new PagerDutyEvents(Secret.of("R0UTINGKEY00000000000000000000PD"))
                    .withEndpoint(wm.baseUrl() + "/pd/bad/v2/enqueue").withOptions(FAST);
        }

        @Override
        protected List<String> secretValues() {
            return List.of("R0UTINGKEY00000000000000000000PD");
        }

        @Override
        protected List<String> delivered() {
            return bodies("/pd/ok", WebhookContractsIT::jsonText);
        }
    }

    @Nested
    class Custom extends NotifierContract {
        @BeforeEach
        void stub() {
            wm.stubFor(post(urlPathEqualTo("/custom/json")).willReturn(aResponse().withStatus(200)));
            wm.stubFor(post(urlPathEqualTo("/custom/form")).willReturn(aResponse().withStatus(200)));
        }

        @Override
        protected Notifier newNotifier() {
            return CustomWebhook.builder(Secret.of(wm.baseUrl() + "/custom/json?key=custom-url-key-3"))
                    .secret("token", Secret.of("custom-token-3"))
                    .header("Authorization", "Bearer {{token}}")
                    .jsonBody("{\"message\": {\"text\": \"{{text}}\", \"level\": \"{{severity}}\"}}")
                    .options(FAST).build();
        }

        @Override
        protected Notifier unreachableNotifier() {
            return CustomWebhook.builder(Secret.of("http://127.0.0.1:1/custom?key=custom-url-key-3"))
                    .secret("token", Secret.of("custom-token-3"))
                    .formBody(java.util.Map.of("text", "{{text}}", "token", "{{token}}"))
                    .options(FAST).build();
        }

        @Override
        protected List<String> secretValues() {
            return List.of("custom-url-key-3", "custom-token-3");
        }

        @Override
        protected List<String> delivered() {
            return bodies("/custom/json", WebhookContractsIT::jsonText);
        }
    }

    @Nested
    class CustomForm extends NotifierContract {
        @BeforeEach
        void stub() {
            wm.stubFor(post(urlPathEqualTo("/custom/form")).willReturn(aResponse().withStatus(200)));
        }

        @Override
        protected Notifier newNotifier() {
            return CustomWebhook.builder(Secret.of(wm.baseUrl() + "/custom/form"))
                    .formBody(java.util.Map.of("text", "{{text}}")).options(FAST).build();
        }

        @Override
        protected List<String> delivered() {
            return bodies("/custom/form", body -> URLDecoder.decode(body, StandardCharsets.UTF_8));
        }
    }
}
