package dev.sluice.tasks.slack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.block.Block;
import dev.sluice.block.BlockTypeProvider;
import dev.sluice.block.Blocks;
import dev.sluice.block.Secret;
import dev.sluice.tasks.slack.internal.SlackBlockTypes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;
import dev.sluice.testkit.TemporarySluiceHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Slack blocks saved in the file store (a temporary SLUICE_HOME) and loaded back by slug. */
class SlackBlockStoreTest {
    private static final String URL = "https://hooks.slack.com/services/T0SLUICE0/B0SLUICE0/WebhookSecretPart42";
    private static final String TOKEN = "xoxb-2222-3333-BotTokenSecretPart";

    @RegisterExtension
    final TemporarySluiceHome home = new TemporarySluiceHome();

    @Test
    void theModuleListsItsBlockTypesForServiceLoader() {
        assertThat(ServiceLoader.load(BlockTypeProvider.class).stream().map(ServiceLoader.Provider::type))
                .contains(SlackBlockTypes.class);
        assertThat(new SlackBlockTypes().blockTypes()).containsExactly(SlackCredentials.class, SlackWebhook.class);
    }

    @Test
    void aWebhookIsSavedEncryptedAndLoadsBySlug() throws IOException {
        SlackWebhook webhook = SlackWebhook.of(Secret.of(URL));

        Blocks.save("ops-alerts", webhook);

        Path file = home.path().resolve("blocks").resolve("slack-webhook").resolve("ops-alerts.json");
        String stored = Files.readString(file);
        assertThat(stored).doesNotContain(URL).doesNotContain("WebhookSecretPart42").doesNotContain("hooks.slack.com");
        Block loaded = Blocks.load("slack-webhook/ops-alerts");
        assertThat(loaded).isInstanceOf(SlackWebhook.class).isEqualTo(webhook);
        assertThat(((SlackWebhook) loaded).url().reveal()).isEqualTo(URL);
        assertThat(Blocks.load(SlackWebhook.class, "ops-alerts")).isEqualTo(webhook);
    }

    @Test
    void credentialsAreSavedEncryptedAndLoadBySlug() throws IOException {
        SlackCredentials credentials = SlackCredentials.of(Secret.of(TOKEN)).withApiUrl("https://slack-gov.com/api/");

        Blocks.save("gov-bot", credentials);

        String stored = Files.readString(home.path().resolve("blocks").resolve("slack-credentials").resolve("gov-bot.json"));
        assertThat(stored).doesNotContain("BotTokenSecretPart").contains("https://slack-gov.com/api/");
        SlackCredentials loaded = (SlackCredentials) Blocks.load("slack-credentials/gov-bot");
        assertThat(loaded.token().reveal()).isEqualTo(TOKEN);
        assertThat(loaded.apiUrl()).isEqualTo("https://slack-gov.com/api/");
        assertThat(Blocks.list(SlackCredentials.class)).containsExactly("gov-bot");
    }

    @Test
    void credentialsWithoutAnApiUrlRoundTrip() {
        Blocks.save("bot", SlackCredentials.of(Secret.of(TOKEN)));

        SlackCredentials loaded = (SlackCredentials) Blocks.load("slack-credentials/bot");

        assertThat(loaded.apiUrl()).isNull();
        assertThat(loaded.token().reveal()).isEqualTo(TOKEN);
    }
}
