package dev.sluice.examples.sales;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.sluice.block.Blocks;
import dev.sluice.block.Secret;
import dev.sluice.State;
import dev.sluice.tasks.http.ApiKey;
import dev.sluice.tasks.slack.SlackWebhook;
import dev.sluice.tasks.sql.SqlPools;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import dev.sluice.testkit.TemporarySluiceHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The main example's failure notification sent to Slack, as the README says: a {@code slack-webhook}
 * block saved once and named with {@code --notify}. WireMock stands in for Slack's incoming webhook.
 */
class DailySalesSlackIT {
    private static final String HOOK = "/services/T00000000/B00000000/SalesAlertsWebhookPart01";

    @RegisterExtension
    static final TemporarySluiceHome HOME = new TemporarySluiceHome();
    private static WireMockServer slack;

    @BeforeAll
    static void start() {
        slack = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        slack.start();
        slack.stubFor(post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(200).withBody("ok")));
        Blocks.save("ops-alerts", SlackWebhook.of(Secret.of(slack.baseUrl() + HOOK)));
    }

    @AfterAll
    static void stop() {
        SqlPools.close();
        slack.stop();
    }

    @Test
    void aFailingRunPostsToTheSlackWebhookBlockWithNoSecret() throws Exception {
        DailySales.Options options = DailySales.Options.parse("--date", "2026-11-18", "--regions", "north",
                "--notify", "slack-webhook/ops-alerts", "--fail-at", "extract");
        DailySales.Outcome outcome;
        try (PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)) {
            outcome = DailySales.run(options, List.of(), out);
        }

        assertThat(outcome.run().state()).isEqualTo(State.FAILED);
        slack.verify(1, postRequestedFor(urlEqualTo(HOOK)));
        LoggedRequest posted = slack.findAll(postRequestedFor(urlEqualTo(HOOK))).get(0);
        String body = posted.getBodyAsString();
        String apiKey = Blocks.load(ApiKey.class, "sales-api-key").key().reveal();
        assertThat(body).contains("daily-sales").contains("FAILED").contains("extract-sales")
                .contains("extract failed on purpose").contains("**********")
                .doesNotContain(apiKey).doesNotContain("SalesAlertsWebhookPart01");
    }
}
