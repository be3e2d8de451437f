package dev.sluice.tasks.slack;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.sluice.tasks.slack.SlackApiStubs.WEBHOOK_PATH;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.sluice.notify.Notifier;
import dev.sluice.block.Secret;
import dev.sluice.testkit.NotifierContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link SlackWebhook} against the core notifier contract, with WireMock as Slack's incoming webhook. */
class SlackWebhookNotifierIT extends NotifierContract {
    private static final String DEAD_PATH = "/services/T00000000/B99999999/DeadWebhookSecretPart0000";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static WireMockServer slack;

    @BeforeAll
    static void start() {
        slack = SlackApiStubs.start();
        // Slack's incoming webhooks: 200 "ok"; a removed webhook: 404 "no_service"
        slack.stubFor(post(WEBHOOK_PATH).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/html").withBody("ok")));
        slack.stubFor(post(DEAD_PATH).willReturn(aResponse().withStatus(404).withHeader("Content-Type", "text/html").withBody("no_service")));
    }

    @AfterAll
    static void stop() {
        slack.stop();
    }

    @Override
    protected Notifier newNotifier() {
        return SlackWebhook.of(Secret.of(slack.baseUrl() + WEBHOOK_PATH));
    }

    @Override
    protected Notifier unreachableNotifier() {
        return SlackWebhook.of(Secret.of(slack.baseUrl() + DEAD_PATH));
    }

    @Override
    protected List<String> secretValues() {
        return List.of(slack.baseUrl() + WEBHOOK_PATH, WEBHOOK_PATH, slack.baseUrl() + DEAD_PATH, DEAD_PATH);
    }

    /** Every text of each JSON body posted to the webhook (fallback text, header, sections, fields, context), one message each. */
    @Override
    protected List<String> delivered() {
        List<String> messages = new ArrayList<>();
        for (LoggedRequest request : slack.findAll(postRequestedFor(urlEqualTo(WEBHOOK_PATH)))) {
            try {
                JsonNode body = JSON.readTree(new String(request.getBody(), StandardCharsets.UTF_8));
                List<String> texts = new ArrayList<>();
                collectTexts(body, texts);
                messages.add(String.join("\n", texts));
            } catch (IOException e) {
                throw new UncheckedIOException("WireMock received a body that is not JSON: " + request.getBodyAsString(), e);
            }
        }
        return messages;
    }

    private static void collectTexts(JsonNode node, List<String> texts) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getKey().equals("text") && e.getValue().isTextual()) {
                    texts.add(e.getValue().asText());
                } else {
                    collectTexts(e.getValue(), texts);
                }
            });
        } else if (node.isArray()) {
            node.forEach(child -> collectTexts(child, texts));
        }
    }
}
