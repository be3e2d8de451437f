package dev.sluice.blocks;

import dev.sluice.testkit.TestRuntimes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.block.Block;
import dev.sluice.block.BlockStore;
import dev.sluice.block.Blocks;
import dev.sluice.block.Secret;
import dev.sluice.blocks.aws.AwsCredentials;
import dev.sluice.blocks.aws.AwsSecret;
import dev.sluice.blocks.webhook.CustomWebhook;
import dev.sluice.blocks.webhook.DiscordWebhook;
import dev.sluice.blocks.webhook.MicrosoftTeamsWebhook;
import dev.sluice.blocks.webhook.PagerDutyEvents;
import dev.sluice.blocks.webhook.WebhookOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every block of this module saves and loads through core's file store, by class and by slug, with secrets encrypted. */
class BlocksRoundTripTest {
    @TempDir
    Path home;

    @AfterEach
    void reset() {
        TestRuntimes.reset();
    }

    @Test
    void everyBlockRoundTripsThroughTheFileStore() throws Exception {
        TestRuntimes.use(b -> b.blockStore(BlockStore.file(home, Map.of())));
        WebhookOptions options = WebhookOptions.defaults().withRequestTimeout(Duration.ofMillis(1500)).withMaxAttempts(2);
        List<Block> blocks = List.of(
                new MicrosoftTeamsWebhook(Secret.of("https://prod-00.example.logic.azure.com/workflows/1?sig=teams-sig-value")),
                new DiscordWebhook(Secret.of("https://discord.com/api/webhooks/1/discord-token-value")).withUsername("etl")
                        .withOptions(options),
                new PagerDutyEvents(Secret.of("pagerduty-routing-key-value")).withSource("etl-1"),
                CustomWebhook.builder(Secret.of("https://alerts.example.com/x?k=custom-url-value"))
                        .secret("token", Secret.of("custom-token-value")).header("Authorization", "Bearer {{token}}")
                        .jsonBody("{\"t\": \"{{text}}\"}").options(options).build(),
                AwsCredentials.of("AKIDEXAMPLE", Secret.of("aws-secret-key-value")).withSessionToken(Secret.of("aws-session-value"))
                        .withRegion("eu-west-1").withRoleArn("arn:aws:iam::123456789012:role/etl"),
                AwsSecret.of("aws-prod", "prod/warehouse/password"));
        int i = 0;
        for (Block block : blocks) {
            String name = "b" + i++;
            Blocks.save(name, block);
            assertThat(Blocks.load(block.getClass(), name)).isEqualTo(block);
            assertThat(Blocks.load(block.blockType() + "/" + name)).isEqualTo(block);
        }
        try (var files = Files.walk(home.resolve("blocks"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(f)).doesNotContain("-value");
            }
        }
    }
}
