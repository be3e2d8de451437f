package dev.sluice.tasks.email.internal;

import dev.sluice.block.Block;
import dev.sluice.block.BlockTypeProvider;
import dev.sluice.tasks.email.EmailNotifier;
import dev.sluice.tasks.email.EmailServerCredentials;
import java.util.List;

/**
 * The block types of sluice-tasks-email, found with {@link java.util.ServiceLoader} so that
 * {@code Blocks.load("email-server-credentials/ops-smtp")} and nested references know them by slug.
 */
public final class EmailBlockTypes implements BlockTypeProvider {
    @Override
    public List<Class<? extends Block>> blockTypes() {
        return List.of(EmailServerCredentials.class, EmailNotifier.class);
    }
}
