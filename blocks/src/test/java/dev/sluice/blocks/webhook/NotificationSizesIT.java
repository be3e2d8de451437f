package dev.sluice.blocks.webhook;

import dev.sluice.testkit.Scripts;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.sluice.Flow;
import dev.sluice.FlowRun;
import dev.sluice.State;
import dev.sluice.block.Secret;
import dev.sluice.notify.Notification;
import dev.sluice.notify.Notifier;
import dev.sluice.notify.Notify;
import dev.sluice.notify.Severity;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every webhook notifier fits its service's limits, measured in bytes of the body as WireMock
 * received it, for a flow that fails with a 1 MB error in Latin, CJK and emoji text (through
 * {@code Notify}, so the error is in the body and in the {@code error} field) and for a
 * notification whose subject, body, field names and values are all that large; and no cut splits
 * a character.
 */
class NotificationSizesIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final WebhookOptions ONE = WebhookOptions.defaults().withMaxAttempts(1);

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static Notification huge(Scripts script, String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("run id", "0b5e6c1e-4d0f-4a53-9b1c-3f2d9a7e8c11");
        fields.put("flow", script.atLeast(100_000));
        for (int i = 0; i < 60; i++) {
            fields.put(i + " " + script.atLeast(5_000 + i), text);
        }
        return new Notification(text, text, Severity.CRITICAL, fields);
    }

    @ParameterizedTest
    @EnumSource(Scripts.class)
    void everyWebhookNotifierFitsWhateverTheSizeAndScriptOfTheError(Scripts script) throws Exception {
        for (String path : List.of("/teams", "/discord", "/pd", "/custom-json", "/custom-form")) {
            wm.stubFor(post(urlPathEqualTo(path)).willReturn(aResponse().withStatus(path.equals("/discord") ? 204 : 202)));
        }
        Notifier teams = new MicrosoftTeamsWebhook(Secret.of(wm.baseUrl() + "/teams?sig=size-sig")).withOptions(ONE);
        Notifier discord = new DiscordWebhook(Secret.of(wm.baseUrl() + "/discord")).withOptions(ONE);
        Notifier pagerDuty = new PagerDutyEvents(Secret.of("R0UTINGKEYSIZES00000000000000001")).withSource("etl-host")
                .withEndpoint(wm.baseUrl() + "/pd").withOptions(ONE);
        Notifier customJson = CustomWebhook.builder(Secret.of(wm.baseUrl() + "/custom-json"))
                .jsonBody("{\"title\": \"{{subject}}\", \"text\": \"{{body}}\", \"all\": \"{{text}}\"}").options(ONE).build();
        Notifier customForm = CustomWebhook.builder(Secret.of(wm.baseUrl() + "/custom-form"))
                .formBody(Map.of("message", "{{text}}")).maxBodyBytes(16_000).options(ONE).build();
        List<Notifier> all = List.of(teams, discord, pagerDuty, customJson, customForm);

        String error = script.megabyte();
        assertThat(error.getBytes(StandardCharsets.UTF_8).length).isGreaterThanOrEqualTo(Scripts.MEGABYTE);
        FlowRun<Object> run = Flow.of("huge-error", () -> {
            throw new IllegalStateException(error);
        }).onFailure(Notify.via(all).withRetries(0, Duration.ZERO).raiseOnFailure()).runForState();
        assertThat(run.state()).isEqualTo(State.FAILED);
        Notification everythingHuge = huge(script, error);
        for (Notifier n : all) {
            n.send(everythingHuge);
        }

        for (LoggedRequest r : requests("/teams")) {
            assertThat(r.getBody().length).as("Teams message bytes").isLessThanOrEqualTo(MicrosoftTeamsWebhook.MAX_PAYLOAD_BYTES);
            script.assertWhole(Scripts.utf8(r.getBody()));
            JSON.readTree(r.getBody());
        }
        for (LoggedRequest r : requests("/discord")) {
            String text = Scripts.utf8(r.getBody());
            script.assertWhole(text);
            JsonNode embed = JSON.readTree(text).path("embeds").path(0);
            int total = embed.path("title").asText().length() + embed.path("description").asText().length();
            assertThat(embed.path("title").asText().length()).isLessThanOrEqualTo(256);
            assertThat(embed.path("description").asText().length()).isLessThanOrEqualTo(4096);
            assertThat(embed.path("fields").size()).isLessThanOrEqualTo(25);
            for (JsonNode f : embed.path("fields")) {
                assertThat(f.path("name").asText().length()).isLessThanOrEqualTo(256);
                assertThat(f.path("value").asText().length()).isLessThanOrEqualTo(1024);
                total += f.path("name").asText().length() + f.path("value").asText().length();
            }
            assertThat(total).as("Discord embed characters").isLessThanOrEqualTo(6000);
        }
        for (LoggedRequest r : requests("/pd")) {
            assertThat(r.getBody().length).as("PagerDuty event bytes").isLessThanOrEqualTo(PagerDutyEvents.MAX_EVENT_BYTES);
            String text = Scripts.utf8(r.getBody());
            script.assertWhole(text);
            JsonNode event = JSON.readTree(text);
            assertThat(event.path("payload").path("summary").asText().length()).isLessThanOrEqualTo(1024);
            assertThat(event.path("payload").path("component").asText().length()).isLessThanOrEqualTo(255);
            assertThat(event.path("dedup_key").asText().length()).isLessThanOrEqualTo(255);
        }
        for (LoggedRequest r : requests("/custom-json")) {
            assertThat(r.getBody().length).as("custom JSON bytes").isLessThanOrEqualTo(CustomWebhook.DEFAULT_MAX_BODY_BYTES);
            script.assertWhole(Scripts.utf8(r.getBody()));
            JSON.readTree(r.getBody());
        }
        for (LoggedRequest r : requests("/custom-form")) {
            assertThat(r.getBody().length).as("custom form bytes").isLessThanOrEqualTo(16_000);
            script.assertWhole(URLDecoder.decode(Scripts.utf8(r.getBody()), StandardCharsets.UTF_8));
        }
        System.out.printf("payload bytes for a 1 MB %s error (flow failure via Notify / everything huge):"
                + " Teams %s, Discord %s, PagerDuty %s, custom JSON %s, custom form %s%n", script,
                sizes("/teams"), sizes("/discord"), sizes("/pd"), sizes("/custom-json"), sizes("/custom-form"));
        wm.resetAll();
    }

    /** The requests to {@code path}, oldest first: the flow's notification, then the huge one. */
    private static List<LoggedRequest> requests(String path) {
        List<LoggedRequest> found = new ArrayList<>();
        wm.getAllServeEvents().forEach(e -> {
            if (e.getRequest().getUrl().startsWith(path)) {
                found.add(0, e.getRequest());
            }
        });
        assertThat(found).as("requests to " + path).hasSize(2);
        return found;
    }

    private static List<Integer> sizes(String path) {
        return requests(path).stream().map(r -> r.getBody().length).toList();
    }
}
