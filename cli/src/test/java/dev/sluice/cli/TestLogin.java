package dev.sluice.cli;

import dev.sluice.block.Block;
import dev.sluice.block.BlockType;
import dev.sluice.block.Secret;
import java.util.Optional;

/** A block type only the tests know (listed by {@link TestBlockTypes}). */
@BlockType("test-login")
public record TestLogin(String user, Secret password, int port, Optional<String> note) implements Block {
}
