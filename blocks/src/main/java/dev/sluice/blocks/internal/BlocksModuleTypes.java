package dev.sluice.blocks.internal;

import dev.sluice.block.Block;
import dev.sluice.block.BlockTypeProvider;
import dev.sluice.blocks.aws.AwsCredentials;
import dev.sluice.blocks.aws.AwsSecret;
import dev.sluice.blocks.webhook.CustomWebhook;
import dev.sluice.blocks.webhook.DiscordWebhook;
import dev.sluice.blocks.webhook.MicrosoftTeamsWebhook;
import dev.sluice.blocks.webhook.PagerDutyEvents;
import java.util.List;

/** Makes this module's block types known by slug. */
public final class BlocksModuleTypes implements BlockTypeProvider {
    @Override
    public List<Class<? extends Block>> blockTypes() {
        return List.of(AwsCredentials.class, AwsSecret.class, MicrosoftTeamsWebhook.class, DiscordWebhook.class, PagerDutyEvents.class, CustomWebhook.class);
    }
}
