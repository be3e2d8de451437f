package dev.sluice.blocks.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.sluice.Flow;
import dev.sluice.FlowRun;
import dev.sluice.notify.Notification;
import dev.sluice.notify.Notify;
import dev.sluice.State;
import dev.sluice.block.Secret;
import dev.sluice.notify.Severity;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The exact requests each notifier sends, as each service documents them, and the retry rules. */
class WebhookNotifiersIT {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final WebhookOptions QUICK = WebhookOptions.defaults().withMaxRetryDelay(Duration.ofSeconds(2));

    private static Notification failure() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("flow", "daily-etl");
        fields.put("run", "daily-etl-7f3a");
        fields.put("run id", "0b5e6c1e-4d0f-4a53-9b1c-3f2d9a7e8c11");
        fields.put("state", "FAILED");
        return new Notification("[Sluice] flow 'daily-etl' FAILED", "Flow 'daily-etl' ended FAILED.\nError: boom",
                Severity.ERROR, fields);
    }

    @Test
    void teamsPostsAnAdaptiveCardAsWorkflowsExpectIt() {
        wm.stubFor(post(urlEqualTo("/workflows/abc/triggers/manual/paths/invoke?sig=s1"))
                .willReturn(aResponse().withStatus(202)));
        new MicrosoftTeamsWebhook(Secret.of(wm.baseUrl() + "/workflows/abc/triggers/manual/paths/invoke?sig=s1"))
                .send(failure());
        wm.verify(postRequestedFor(urlEqualTo("/workflows/abc/triggers/manual/paths/invoke?sig=s1"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("""
                        {"type": "message",
                         "attachments": [{
                           "contentType": "application/vnd.microsoft.card.adaptive",
                           "contentUrl": null,
                           "content": {
                             "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                             "type": "AdaptiveCard",
                             "version": "1.4",
                             "body": [
                               {"type": "TextBlock", "text": "[Sluice] flow 'daily-etl' FAILED", "size": "Medium",
                                "weight": "Bolder", "wrap": true, "color": "Attention"},
                               {"type": "TextBlock", "text": "Flow 'daily-etl' ended FAILED.\\n\\nError: boom", "wrap": true},
                               {"type": "FactSet", "facts": [
                                 {"title": "flow", "value": "daily-etl"},
                                 {"title": "run", "value": "daily-etl-7f3a"},
                                 {"title": "run id", "value": "0b5e6c1e-4d0f-4a53-9b1c-3f2d9a7e8c11"},
                                 {"title": "state", "value": "FAILED"}]}
                             ]}}]}""", false, false)));
    }

    @Test
    void discordPostsOneEmbedWithMentionsDisabled() {
        wm.stubFor(post(urlEqualTo("/api/webhooks/123/tok")).willReturn(aResponse().withStatus(204)));
        new DiscordWebhook(Secret.of(wm.baseUrl() + "/api/webhooks/123/tok")).withUsername("Sluice").send(failure());
        wm.verify(postRequestedFor(urlEqualTo("/api/webhooks/123/tok"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("""
                        {"username": "Sluice",
                         "embeds": [{
                           "title": "[Sluice] flow 'daily-etl' FAILED",
                           "description": "Flow 'daily-etl' ended FAILED.\\nError: boom",
                           "color": 15158332,
                           "fields": [
                             {"name": "flow", "value": "daily-etl", "inline": false},
                             {"name": "run", "value": "daily-etl-7f3a", "inline": false},
                             {"name": "run id", "value": "0b5e6c1e-4d0f-4a53-9b1c-3f2d9a7e8c11", "inline": false},
                             {"name": "state", "value": "FAILED", "inline": false}]}],
                         "allowed_mentions": {"parse": []}}""", false, false)));
    }

    @Test
    void discordCutsTextsToItsLimits() {
        wm.stubFor(post(urlEqualTo("/api/webhooks/9/long")).willReturn(aResponse().withStatus(204)));
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i < 40; i++) {
            fields.put("field-" + i, "v".repeat(2000));
        }
        new DiscordWebhook(Secret.of(wm.baseUrl() + "/api/webhooks/9/long"))
                .send(new Notification("s".repeat(300), "b".repeat(5000), Severity.CRITICAL, fields));
        assertThat(wm.getAllServeEvents()).hasSize(1);
        String sent = wm.getAllServeEvents().get(0).getRequest().getBodyAsString();
        var body = WebhookContractsIT.jsonText(sent);
        // what Discord received, not a payload rebuilt by the test
        com.fasterxml.jackson.databind.JsonNode embed;
        try {
            embed = new com.fasterxml.jackson.databind.ObjectMapper().readTree(sent).path("embeds").path(0);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError("not JSON: " + sent, e);
        }
        assertThat(embed.path("fields").size()).as("fields sent, at most Discord's 25").isBetween(1, 25);
        assertThat(embed.path("fields").path(0).path("value").asText()).hasSize(1024);
        assertThat(embed.path("title").asText()).hasSize(256);
        assertThat(embed.path("description").asText()).hasSize(4096);
        assertThat(embed.path("color").asInt()).isEqualTo(0x992D22);
        int total = embed.path("title").asText().length() + embed.path("description").asText().length();
        for (var f : embed.path("fields")) {
            assertThat(f.path("value").asText().length()).isLessThanOrEqualTo(1024);
            total += f.path("name").asText().length() + f.path("value").asText().length();
        }
        assertThat(total).isLessThanOrEqualTo(6000);
        assertThat(body).contains("s".repeat(255));
    }

    @Test
    void pagerDutyTriggersAnEventDedupedByTheRunId() {
        wm.stubFor(post(urlEqualTo("/v2/enqueue")).willReturn(aResponse().withStatus(202)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"status\":\"success\",\"message\":\"Event processed\","
                        + "\"dedup_key\":\"0b5e6c1e-4d0f-4a53-9b1c-3f2d9a7e8c11\"}")));
        new PagerDutyEvents(Secret.of("R0UT1NGKEY0000000000000000000001")).withSource("etl-1.example.com")
                .withEndpoint(wm.baseUrl() + "/v2/enqueue").send(failure());
        wm.verify(postRequestedFor(urlEqualTo("/v2/enqueue"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("""
                        {"routing_key": "R0UT1NGKEY0000000000000000000001",
                         "event_action": "trigger",
                         "dedup_key": "0b5e6c1e-4d0f-4a53-9b1c-3f2d9a7e8c11",
                         "client": "Sluice",
                         "payload": {
                           "summary": "[Sluice] flow 'daily-etl' FAILED",
                           "source": "etl-1.example.com",
                           "severity": "error",
                           "component": "daily-etl",
                           "custom_details": {
                             "body": "Flow 'daily-etl' ended FAILED.\\nError: boom",
                             "flow": "daily-etl",
                             "run": "daily-etl-7f3a",
                             "run id": "0b5e6c1e-4d0f-4a53-9b1c-3f2d9a7e8c11",
                             "state": "FAILED"}}}""", false, false)));
    }

    @Test
    void aFailingFlowPagesOnceDedupedByItsRunId() {
        wm.stubFor(post(urlEqualTo("/flow/v2/enqueue")).willReturn(aResponse().withStatus(202)
                .withBody("{\"status\":\"success\",\"message\":\"Event processed\"}")));
        PagerDutyEvents pd = new PagerDutyEvents(Secret.of("R0UT1NGKEY0000000000000000000003"))
                .withEndpoint(wm.baseUrl() + "/flow/v2/enqueue");
        Flow<String, Integer> flow = Flow.<String, Integer>of("pd-flow", (String in) -> {
            throw new IllegalStateException("broken " + in);
        }).onFailure(Notify.via(pd, pd));
        FlowRun<Integer> run = flow.runForState("x");
        assertThat(run.state()).isEqualTo(State.FAILED);
        wm.verify(2, postRequestedFor(urlEqualTo("/flow/v2/enqueue"))
                .withRequestBody(matchingJsonPath("$.dedup_key", equalTo(run.id())))
                .withRequestBody(matchingJsonPath("$.payload.severity", equalTo("error")))
                .withRequestBody(matchingJsonPath("$.payload.component", equalTo("pd-flow")))
                .withRequestBody(matchingJsonPath("$.payload.custom_details.error", containing("broken x"))));
    }

    @Test
    void pagerDutyMapsEverySeverityAndOmitsTheDedupKeyWithoutARunId() {
        assertThat(PagerDutyEvents.event(Notification.of("s", "b", Severity.INFO), "k", "h").path("payload")
                .path("severity").asText()).isEqualTo("info");
        assertThat(PagerDutyEvents.event(Notification.of("s", "b", Severity.WARNING), "k", "h").path("payload")
                .path("severity").asText()).isEqualTo("warning");
        assertThat(PagerDutyEvents.event(Notification.of("s", "b", Severity.CRITICAL), "k", "h").path("payload")
                .path("severity").asText()).isEqualTo("critical");
        assertThat(PagerDutyEvents.event(Notification.of("s", "b", Severity.ERROR), "k", "h").has("dedup_key")).isFalse();
    }

    @Test
    void pagerDutyRejectionNamesTheProblemButNotTheKey() {
        wm.stubFor(post(urlEqualTo("/v2/enqueue")).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"status\":\"invalid event\",\"message\":\"Event object is invalid\","
                        + "\"errors\":[\"Invalid routing key R0UT1NGKEY0000000000000000000002\"]}")));
        PagerDutyEvents pd = new PagerDutyEvents(Secret.of("R0UT1NGKEY0000000000000000000002"))
                .withEndpoint(wm.baseUrl() + "/v2/enqueue");
        assertThatThrownBy(() -> pd.send(failure()))
                .isInstanceOf(WebhookException.class)
                .hasMessageContaining("PagerDuty Events API")
                .hasMessageContaining("HTTP 400")
                .hasMessageContaining("Event object is invalid")
                .hasMessageNotContaining("R0UT1NGKEY0000000000000000000002")
                .satisfies(e -> assertThat(((WebhookException) e).statusCode()).isEqualTo(400));
        wm.verify(1, postRequestedFor(urlEqualTo("/v2/enqueue"))); // a 400 is not retried
    }

    @Test
    void customWebhookFillsJsonHeadersAndSecrets() {
        wm.stubFor(put(urlEqualTo("/hooks/alerts")).willReturn(aResponse().withStatus(200)));
        CustomWebhook hook = CustomWebhook.builder(Secret.of(wm.baseUrl() + "/hooks/alerts"))
                .method("put")
                .secret("token", Secret.of("t0ken-\"quoted\""))
                .header("Authorization", "Bearer {{token}}")
                .header("X-Subject", "{{ subject }}")
                .jsonBody("""
                        {"title": "{{subject}}", "detail": {"text": "{{body}}", "level": "{{severity}}"},
                         "tags": ["sluice", "{{severity}}"], "count": 1, "auth": "{{token}}"}""")
                .build();
        hook.send(new Notification("line1\nline2 \"q\"", "a\\b \"c\" <d>", Severity.WARNING, Map.of()));
        wm.verify(putRequestedFor(urlEqualTo("/hooks/alerts"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withHeader("Authorization", equalTo("Bearer t0ken-\"quoted\""))
                .withHeader("X-Subject", equalTo("line1 line2 \"q\""))
                .withRequestBody(equalToJson("""
                        {"title": "line1\\nline2 \\"q\\"", "detail": {"text": "a\\\\b \\"c\\" <d>", "level": "warning"},
                         "tags": ["sluice", "warning"], "count": 1, "auth": "t0ken-\\"quoted\\""}""", false, false)));
    }

    @Test
    void customWebhookSendsAFormInOrder() {
        wm.stubFor(post(urlEqualTo("/form")).willReturn(aResponse().withStatus(200)));
        Map<String, String> form = new LinkedHashMap<>();
        form.put("subject", "{{subject}}");
        form.put("msg", "{{severity}}: {{body}}");
        form.put("key", "{{apiKey}}");
        CustomWebhook.builder(Secret.of(wm.baseUrl() + "/form")).secret("apiKey", Secret.of("k&y=1"))
                .formBody(form).build()
                .send(Notification.of("a b", "x+y=z & ü", Severity.INFO));
        wm.verify(postRequestedFor(urlEqualTo("/form"))
                .withHeader("Content-Type", equalTo("application/x-www-form-urlencoded"))
                .withRequestBody(equalTo("subject=a+b&msg=info%3A+x%2By%3Dz+%26+%C3%BC&key=k%26y%3D1")));
    }

    @Test
    void a429IsRetriedAfterRetryAfter() {
        wm.stubFor(post(urlEqualTo("/api/webhooks/1/rate")).inScenario("rate").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")
                        .withBody("{\"message\": \"You are being rate limited.\", \"retry_after\": 0.5, \"global\": false}"))
                .willSetStateTo("second"));
        wm.stubFor(post(urlEqualTo("/api/webhooks/1/rate")).inScenario("rate").whenScenarioStateIs("second")
                .willReturn(aResponse().withStatus(204)));
        long start = System.nanoTime();
        new DiscordWebhook(Secret.of(wm.baseUrl() + "/api/webhooks/1/rate")).withOptions(QUICK).send(failure());
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        wm.verify(2, postRequestedFor(urlEqualTo("/api/webhooks/1/rate")));
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(950));
    }

    @Test
    void a5xxIsRetriedWithBackoffThenGivesUpNamingTheService() {
        wm.stubFor(post(urlEqualTo("/teams/down?sig=secret-sig")).willReturn(aResponse().withStatus(503)
                .withBody("unavailable secret-sig")));
        MicrosoftTeamsWebhook teams = new MicrosoftTeamsWebhook(Secret.of(wm.baseUrl() + "/teams/down?sig=secret-sig"))
                .withOptions(QUICK.withMaxAttempts(3));
        assertThatThrownBy(() -> teams.send(failure()))
                .isInstanceOf(WebhookException.class)
                .hasMessageContaining("Microsoft Teams webhook (host localhost) answered HTTP 503")
                .hasMessageContaining("gave up after 3 attempts")
                .hasMessageNotContaining("secret-sig");
        wm.verify(3, postRequestedFor(urlEqualTo("/teams/down?sig=secret-sig")));

        // through Notify, the webhook's own retries give way: Notify's attempts (1 + 1 retry), not 2 x 3
        wm.resetRequests();
        Flow.of("teams-down", () -> {
            throw new IllegalStateException("boom");
        }).onFailure(Notify.via(teams).withRetries(1, Duration.ZERO)).runForState();
        wm.verify(2, postRequestedFor(urlEqualTo("/teams/down?sig=secret-sig")));
    }

    @Test
    void aRetryAfterLongerThanTheBoundFailsAtOnce() {
        wm.stubFor(post(urlEqualTo("/slow")).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "3600")));
        CustomWebhook hook = CustomWebhook.builder(Secret.of(wm.baseUrl() + "/slow")).jsonBody("{\"t\":\"{{text}}\"}")
                .options(QUICK).build();
        assertThatThrownBy(() -> hook.send(failure()))
                .isInstanceOf(WebhookException.class)
                .hasMessageContaining("asked to wait 3600 s")
                .hasMessageContaining("maxRetryDelay 2 s");
        wm.verify(1, postRequestedFor(urlEqualTo("/slow")));
    }

    @Test
    void aRedirectIsNotFollowed() {
        wm.stubFor(post(urlEqualTo("/moved")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", "http://127.0.0.1:1/elsewhere")));
        DiscordWebhook hook = new DiscordWebhook(Secret.of(wm.baseUrl() + "/moved"));
        assertThatThrownBy(() -> hook.send(failure()))
                .isInstanceOf(WebhookException.class)
                .hasMessageContaining("answered HTTP 302")
                .hasMessageContaining("redirects are not followed");
        wm.verify(1, postRequestedFor(urlEqualTo("/moved")));
    }

    @Test
    void aRequestTimeoutIsReportedAsSuch() {
        wm.stubFor(post(urlEqualTo("/stuck")).willReturn(aResponse().withStatus(200).withFixedDelay(3_000)));
        CustomWebhook hook = CustomWebhook.builder(Secret.of(wm.baseUrl() + "/stuck")).jsonBody("{\"t\":\"{{text}}\"}")
                .options(QUICK.withMaxAttempts(1).withRequestTimeout(Duration.ofMillis(300))).build();
        assertThatThrownBy(() -> hook.send(failure()))
                .isInstanceOf(WebhookException.class)
                .hasMessageContaining("did not answer in time")
                .satisfies(e -> assertThat(((WebhookException) e).statusCode()).isZero());
    }
}
