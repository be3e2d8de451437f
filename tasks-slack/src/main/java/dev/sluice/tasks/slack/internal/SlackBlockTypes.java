package dev.sluice.tasks.slack.internal;

import dev.sluice.block.Block;
import dev.sluice.block.BlockTypeProvider;
import dev.sluice.tasks.slack.SlackCredentials;
import dev.sluice.tasks.slack.SlackWebhook;
import java.util.List;

/**
 * The block types of sluice-tasks-slack, found with {@link java.util.ServiceLoader} so that
 * {@code Blocks.load("slack-webhook/ops-alerts")} and nested references know them by slug.
 */
public final class SlackBlockTypes implements BlockTypeProvider {
    @Override
    public List<Class<? extends Block>> blockTypes() {
        return List.of(SlackCredentials.class, SlackWebhook.class);
    }
}
