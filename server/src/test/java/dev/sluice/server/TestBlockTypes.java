package dev.sluice.server;

import dev.sluice.block.Block;
import dev.sluice.block.BlockTypeProvider;
import java.util.List;

/** The tests' block types, known by slug as a module's would be. */
public final class TestBlockTypes implements BlockTypeProvider {
    @Override
    public List<Class<? extends Block>> blockTypes() {
        return List.of(TestCredentials.class, dev.sluice.server.internal.BlockViewsTest.Creds.class);
    }
}
