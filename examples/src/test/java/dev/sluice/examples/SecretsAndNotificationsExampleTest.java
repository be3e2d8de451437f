package dev.sluice.examples;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.sluice.Flow;
import dev.sluice.FlowRun;
import dev.sluice.LogLine;
import dev.sluice.SluiceRuntime;
import dev.sluice.State;
import dev.sluice.block.BlockStore;
import dev.sluice.block.Blocks;
import dev.sluice.block.Secret;
import dev.sluice.blocks.aws.AwsCredentials;
import dev.sluice.blocks.aws.AwsSecret;
import dev.sluice.blocks.webhook.MicrosoftTeamsWebhook;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The code docs/secrets-and-notifications.md shows, run against WireMock standing in for Secrets Manager and
 * Teams: the password is read from AWS inside the task and masked in the log line, and the failure reaches Teams
 * without the password.
 */
class SecretsAndNotificationsExampleTest {
    private static final String PASSWORD = "Fake-Warehouse-Pw-7731";
    private static final String TEAMS = "/workflows/FakeTeamsHookPart01/triggers/manual/paths/invoke";
    private WireMockServer fake;

    @BeforeEach
    void start() {
        fake = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        fake.start();
        fake.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody("{\"ARN\":\"arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/warehouse/password-AbCdEf\","
                                + "\"Name\":\"prod/warehouse/password\",\"VersionId\":\"v1\",\"SecretString\":\"" + PASSWORD + "\","
                                + "\"VersionStages\":[\"AWSCURRENT\"],\"CreatedDate\":1.7E9}")));
        fake.stubFor(post(urlEqualTo(TEAMS)).willReturn(aResponse().withStatus(202)));
    }

    @AfterEach
    void stop() {
        fake.stop();
    }

    @Test
    void theTaskReadsThePasswordFromAwsLogsItMaskedAndTheFailureGoesToTeams() throws Exception {
        AtomicReference<Secret> given = new AtomicReference<>();
        try (SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().blockStore(BlockStore.inMemory()).build()) {
            FlowRun<Integer> run = runtime.call(() -> {
                SecretsAndNotificationsExample.saveBlocks("eu-west-1", fake.baseUrl() + TEAMS);
                // the same blocks, pointed at the stand-in and with obviously fake static keys
                Blocks.save("aws-prod", AwsCredentials.of("AKIAFAKEFAKEFAKEFAKE", Secret.of("fake-secret-access-key"))
                        .withRegion("eu-west-1").withEndpointOverride(fake.baseUrl()), true);
                Flow<String, Integer> nightly = SecretsAndNotificationsExample.nightlyLoad((table, user, password) -> {
                    given.set(password);
                    throw new SQLException("warehouse refused " + user + " for table " + table);
                });
                return nightly.runForState("orders");
            });

            assertThat(run.state()).isEqualTo(State.FAILED);
            assertThat(given.get().reveal()).isEqualTo(PASSWORD);
            List<String> logs = run.taskRuns().get(0).logs().stream().map(LogLine::message).toList();
            assertThat(logs).contains("loading orders as etl/**********");
            assertThat(String.join("\n", logs)).doesNotContain(PASSWORD);
            fake.verify(1, postRequestedFor(urlEqualTo(TEAMS)));
            String posted = fake.findAll(postRequestedFor(urlEqualTo(TEAMS))).get(0).getBodyAsString();
            assertThat(posted).contains("nightly-load").contains("load-table").doesNotContain(PASSWORD);
            assertThat(runtime.call(() -> Blocks.load(AwsSecret.class, "warehouse-password")).secretName())
                    .isEqualTo("prod/warehouse/password");
            assertThat(runtime.call(() -> Blocks.load(MicrosoftTeamsWebhook.class, "ops-teams"))).isNotNull();
        }
    }
}
