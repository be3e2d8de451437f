package dev.sluice.blocks.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.sluice.Flow;
import dev.sluice.block.Secret;
import dev.sluice.notify.Notification;
import dev.sluice.notify.Notifier;
import dev.sluice.notify.Notify;
import dev.sluice.notify.Severity;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The webhook notifiers' public Javadoc, sentence by sentence, against WireMock. */
class JavadocPromisesWebhookTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final WebhookOptions FAST = WebhookOptions.defaults().withMaxAttempts(3)
            .withMaxRetryDelay(Duration.ofMillis(300)).withRequestTimeout(Duration.ofSeconds(5));

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static String url(String path) {
        return "http://localhost:" + wm.getPort() + path;
    }

    private static Notification note() {
        return Notification.of("Flow etl failed", "boom", Severity.ERROR);
    }

    @Test
    void optionsDefaultsAndBounds() {
        WebhookOptions d = WebhookOptions.defaults();
        assertThat(d).isEqualTo(new WebhookOptions(Duration.ofSeconds(10), Duration.ofSeconds(30), 4, Duration.ofSeconds(60)));
        assertThatThrownBy(() -> d.withMaxAttempts(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> d.withMaxAttempts(11)).isInstanceOf(IllegalArgumentException.class);
        assertThat(d.withMaxAttempts(10).maxAttempts()).isEqualTo(10);
        assertThat(d.withMaxRetryDelay(Duration.ZERO).maxRetryDelay()).isZero();
        assertThat(d.withMaxRetryDelay(Duration.ofMinutes(10)).maxRetryDelay()).isEqualTo(Duration.ofMinutes(10));
        assertThatThrownBy(() -> d.withMaxRetryDelay(Duration.ofMinutes(10).plusNanos(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.withMaxRetryDelay(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.withConnectTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.withRequestTimeout(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a5xxIsRetriedUpToMaxAttemptsAndA4xxNever() {
        wm.stubFor(any(urlPathEqualTo("/teams/503")).willReturn(aResponse().withStatus(503)));
        wm.stubFor(any(urlPathEqualTo("/teams/400")).willReturn(aResponse().withStatus(400).withBody("bad card")));
        WebhookException e = catchThrowableOfType(WebhookException.class,
                () -> new MicrosoftTeamsWebhook(Secret.of(url("/teams/503?sig=fake-teams-sig")), FAST).send(note()));
        assertThat(e.statusCode()).isEqualTo(503);
        assertThat(e.getMessage()).doesNotContain("fake-teams-sig");
        assertThat(wm.findAll(postRequestedFor(urlPathEqualTo("/teams/503")))).hasSize(3);
        WebhookException e4 = catchThrowableOfType(WebhookException.class,
                () -> new MicrosoftTeamsWebhook(Secret.of(url("/teams/400?sig=fake-teams-sig")), FAST).send(note()));
        assertThat(e4.statusCode()).isEqualTo(400);
        assertThat(wm.findAll(postRequestedFor(urlPathEqualTo("/teams/400")))).hasSize(1);
    }

    @Test
    void aRetryAfterAboveMaxRetryDelayEndsTheAttemptsAtOnce() {
        wm.stubFor(any(urlPathEqualTo("/discord/429")).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "120")));
        long start = System.nanoTime();
        WebhookException e = catchThrowableOfType(WebhookException.class,
                () -> new DiscordWebhook(Secret.of(url("/discord/429")), null, FAST).send(note()));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(e.statusCode()).isEqualTo(429);
        assertThat(wm.findAll(postRequestedFor(urlPathEqualTo("/discord/429")))).hasSize(1);
    }

    @Test
    void aServerThatIsDownGivesStatusZeroAndNoSecret() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String dead = "http://127.0.0.1:" + port + "/api/webhooks/1/fake-discord-token";
        WebhookException e = catchThrowableOfType(WebhookException.class,
                () -> new DiscordWebhook(Secret.of(dead), null, FAST).send(note()));
        assertThat(e.statusCode()).isZero();
        assertThat(e.getMessage()).doesNotContain("fake-discord-token").contains("127.0.0.1");
    }

    @Test
    void discordValidatesAndCutsAsDocumented() throws Exception {
        Secret u = Secret.of(url("/discord/ok"));
        assertThatThrownBy(() -> new DiscordWebhook(u).withUsername(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DiscordWebhook(u).withUsername("x".repeat(81))).isInstanceOf(IllegalArgumentException.class);
        assertThat(new DiscordWebhook(u).withUsername("x".repeat(80)).username()).hasSize(80);
        assertThat(new DiscordWebhook(u).options()).isEqualTo(WebhookOptions.defaults());
        assertThatThrownBy(() -> new DiscordWebhook(Secret.of("not a url"))).isInstanceOf(IllegalArgumentException.class);
        wm.stubFor(any(urlPathEqualTo("/discord/ok")).willReturn(aResponse().withStatus(204)));
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i < 30; i++) {
            fields.put("f" + i, "v" + i);
        }
        new DiscordWebhook(u).withUsername("bot").withOptions(FAST)
                .send(new Notification("t".repeat(300) + " @everyone", "d".repeat(5000), Severity.WARNING, fields));
        LoggedRequest r = wm.findAll(postRequestedFor(urlPathEqualTo("/discord/ok"))).get(0);
        JsonNode m = JSON.readTree(r.getBodyAsString());
        JsonNode embed = m.get("embeds").get(0);
        assertThat(m.get("username").asText()).isEqualTo("bot");
        assertThat(embed.get("title").asText()).hasSizeLessThanOrEqualTo(256).endsWith("\u2026");
        assertThat(embed.get("description").asText()).hasSizeLessThanOrEqualTo(4096).endsWith("\u2026");
        assertThat(embed.get("fields")).hasSizeLessThanOrEqualTo(25);
        assertThat(m.get("allowed_mentions").get("parse")).isEmpty();
    }

    @Test
    void pagerDutyDefaultsDedupKeyAndSeverity() throws Exception {
        assertThatThrownBy(() -> new PagerDutyEvents(Secret.of(" "))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PagerDutyEvents(Secret.of("fake-routing-key")).withSource(" "))
                .isInstanceOf(IllegalArgumentException.class);
        PagerDutyEvents pd = new PagerDutyEvents(Secret.of("fake-routing-key"));
        assertThat(pd.endpoint()).isEqualTo(PagerDutyEvents.DEFAULT_ENDPOINT);
        assertThat(pd.options()).isEqualTo(WebhookOptions.defaults());
        wm.stubFor(any(urlPathEqualTo("/v2/enqueue")).willReturn(aResponse().withStatus(202).withBody("{\"status\":\"success\"}")));
        PagerDutyEvents local = pd.withEndpoint(url("/v2/enqueue")).withSource("etl-host").withOptions(FAST);
        local.send(new Notification("s", "b", Severity.CRITICAL, Map.of(PagerDutyEvents.RUN_ID_FIELD, "run-1")));
        local.send(Notification.of("s2", "b2", Severity.INFO));
        List<LoggedRequest> sent = wm.findAll(postRequestedFor(urlPathEqualTo("/v2/enqueue")));
        JsonNode first = JSON.readTree(sent.get(0).getBodyAsString());
        JsonNode second = JSON.readTree(sent.get(1).getBodyAsString());
        assertThat(first.get("dedup_key").asText()).isEqualTo("run-1");
        assertThat(first.get("event_action").asText()).isEqualTo("trigger");
        assertThat(first.get("payload").get("severity").asText()).isEqualTo("critical");
        assertThat(first.get("payload").get("source").asText()).isEqualTo("etl-host");
        assertThat(first.get("payload").get("summary").asText()).isEqualTo("s");
        assertThat(second.has("dedup_key")).isFalse();
        assertThat(second.get("payload").get("severity").asText()).isEqualTo("info");
        // 400: an invalid routing key, never retried, the key not in the message
        wm.stubFor(any(urlPathEqualTo("/v2/bad")).willReturn(aResponse().withStatus(400).withBody("{\"status\":\"invalid event\"}")));
        WebhookException e = catchThrowableOfType(WebhookException.class,
                () -> local.withEndpoint(url("/v2/bad")).send(note()));
        assertThat(e.statusCode()).isEqualTo(400);
        assertThat(e.getMessage()).doesNotContain("fake-routing-key");
        assertThat(wm.findAll(postRequestedFor(urlPathEqualTo("/v2/bad")))).hasSize(1);
    }

    @Test
    void customWebhookChecksTemplatesWhenBuilt() {
        Secret u = Secret.of(url("/custom"));
        assertThatThrownBy(() -> CustomWebhook.builder(u).jsonBody("{\"t\": \"{{nope}}\"}").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CustomWebhook.builder(u).jsonBody("{not json").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CustomWebhook.builder(u).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CustomWebhook.builder(u).method("GET").jsonBody("{}").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CustomWebhook.builder(u).jsonBody("{}").header("X-Level", "{{nope}}").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CustomWebhook.builder(u).jsonBody("{}").maxBodyBytes(1023).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CustomWebhook.builder(u).jsonBody("{}").maxBodyBytes(10 * 1024 * 1024 + 1).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(CustomWebhook.builder(u).jsonBody("{}").build().maxBodyBytes()).isEqualTo(CustomWebhook.DEFAULT_MAX_BODY_BYTES);
        assertThat(CustomWebhook.builder(u).jsonBody("{}").build().method()).isEqualTo("POST");
    }

    @Test
    void customWebhookFillsTemplatesAsDocumented() throws Exception {
        wm.stubFor(any(urlPathEqualTo("/custom")).willReturn(aResponse().withStatus(200)));
        CustomWebhook hook = CustomWebhook.builder(Secret.of(url("/custom")))
                .secret("token", Secret.of("fake-custom-token"))
                .header("Authorization", "Bearer {{token}}")
                .header("X-Subject", "{{subject}}")
                .jsonBody("{\"title\": \"{{subject}}\", \"text\": \"{{body}}\", \"level\": \"{{severity}}\"}")
                .options(FAST)
                .build();
        hook.send(Notification.of("Caf\u00e9 \"quoted\"\nline", "a\tb", Severity.WARNING));
        LoggedRequest r = wm.findAll(postRequestedFor(urlPathEqualTo("/custom"))).get(0);
        JsonNode body = JSON.readTree(r.getBodyAsString());
        assertThat(body.get("title").asText()).isEqualTo("Caf\u00e9 \"quoted\"\nline");
        assertThat(body.get("text").asText()).isEqualTo("a\tb");
        assertThat(body.get("level").asText()).isEqualTo("warning");
        assertThat(r.getHeader("Authorization")).isEqualTo("Bearer fake-custom-token");
        assertThat(r.getHeader("X-Subject")).doesNotContain("\n").startsWith("=?UTF-8?B?");
        assertThat(r.getHeader("Content-Type")).startsWith("application/json");
        // a form body: URL-encoded, PUT
        CustomWebhook form = CustomWebhook.builder(Secret.of(url("/form"))).method("put")
                .formBody(Map.of("msg", "{{subject}}")).options(FAST).build();
        wm.stubFor(any(urlPathEqualTo("/form")).willReturn(aResponse().withStatus(200)));
        form.send(Notification.of("a&b=c", "x", Severity.INFO));
        LoggedRequest f = wm.findAll(putRequestedFor(urlPathEqualTo("/form"))).get(0);
        assertThat(f.getBodyAsString()).isEqualTo("msg=a%26b%3Dc");
        assertThat(f.getHeader("Content-Type")).startsWith("application/x-www-form-urlencoded");
    }

    @Test
    void aHeaderAddedAgainReplacesTheFirst() {
        // "Adds (or replaces) a header": HTTP header names are case-insensitive, so X-Token and x-token are one header
        wm.stubFor(any(urlPathEqualTo("/replaced")).willReturn(aResponse().withStatus(200)));
        CustomWebhook hook = CustomWebhook.builder(Secret.of(url("/replaced")))
                .header("X-Token", "first").header("x-token", "second").jsonBody("{}").options(FAST).build();
        hook.send(note());
        LoggedRequest r = wm.findAll(postRequestedFor(urlPathEqualTo("/replaced"))).get(0);
        assertThat(r.getHeaders().getHeader("X-Token").values()).containsExactly("second");
        // a block whose headers name one header twice is refused when built
        assertThatThrownBy(() -> new CustomWebhook(Secret.of(url("/replaced")), "POST",
                new LinkedHashMap<>(Map.of("X-Token", "a", "x-token", "b")), "{}", Map.of(), Map.of(), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
    }

    @Test
    void javadocExamplesCompile() {
        Notifier teams = new MicrosoftTeamsWebhook(Secret.of("https://prod-00.westeurope.logic.azure.com:443/workflows/..."));
        Flow<String, String> flow = Flow.of("etl", (String s) -> s);
        flow = flow.onFailure(Notify.via(teams));   // a copy with the hook: a flow never changes
        assertThat(flow).isNotNull();
        String alertsToken = "fake-alerts-token"; // System.getenv("ALERTS_TOKEN") in the Javadoc
        CustomWebhook hook = CustomWebhook.builder(Secret.of("https://alerts.example.com/api/events"))
                .secret("token", Secret.of(alertsToken))
                .header("Authorization", "Bearer {{token}}")
                .jsonBody("{\"title\": \"{{subject}}\", \"text\": \"{{body}}\", \"level\": \"{{severity}}\"}")
                .build();
        assertThat(hook.headers()).containsKey("Authorization");
        assertThat(hook.toString()).doesNotContain("fake-alerts-token");
    }

    @Test
    void withoutRetryAfterAttemptsAre250ms500ms1sApartThroughTheRuntimesSleeper() {
        List<Duration> slept = new java.util.concurrent.CopyOnWriteArrayList<>();
        dev.sluice.testkit.TestRuntimes.use(b -> b.sleeper(slept::add));
        try {
            wm.stubFor(any(urlPathEqualTo("/backoff")).willReturn(aResponse().withStatus(502)));
            WebhookOptions four = WebhookOptions.defaults().withMaxAttempts(4).withMaxRetryDelay(Duration.ofMillis(700));
            catchThrowableOfType(WebhookException.class,
                    () -> new MicrosoftTeamsWebhook(Secret.of(url("/backoff")), four).send(note()));
            assertThat(wm.findAll(postRequestedFor(urlPathEqualTo("/backoff")))).hasSize(4);
            assertThat(slept).containsExactly(Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofMillis(700));
            // a Retry-After as an HTTP date is honoured
            slept.clear();
            String in3s = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
                    java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(3));
            wm.stubFor(any(urlPathEqualTo("/date")).willReturn(aResponse().withStatus(503).withHeader("Retry-After", in3s)));
            catchThrowableOfType(WebhookException.class, () -> new MicrosoftTeamsWebhook(Secret.of(url("/date")),
                    WebhookOptions.defaults().withMaxAttempts(2)).send(note()));
            assertThat(slept).hasSize(1);
            assertThat(slept.get(0)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(4));
        } finally {
            dev.sluice.testkit.TestRuntimes.reset();
        }
    }
}
