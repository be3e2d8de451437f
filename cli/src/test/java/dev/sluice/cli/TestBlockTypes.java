package dev.sluice.cli;

import dev.sluice.block.Block;
import dev.sluice.block.BlockTypeProvider;
import java.util.List;

/** Makes {@link TestLogin} known by slug, as an application's jar would. */
public final class TestBlockTypes implements BlockTypeProvider {
    @Override
    public List<Class<? extends Block>> blockTypes() {
        return List.of(TestLogin.class, TestMailer.class);
    }
}
