package dev.sluice.tasks.sql.internal;

import dev.sluice.block.Block;
import dev.sluice.block.BlockTypeProvider;
import dev.sluice.tasks.sql.DatabaseCredentials;
import java.util.List;

/**
 * The block types of sluice-tasks-sql, found with {@link java.util.ServiceLoader} so that
 * {@code Blocks.load("database-credentials/warehouse")} and nested references know them by slug.
 */
public final class SqlBlockTypes implements BlockTypeProvider {
    @Override
    public List<Class<? extends Block>> blockTypes() {
        return List.of(DatabaseCredentials.class);
    }
}
