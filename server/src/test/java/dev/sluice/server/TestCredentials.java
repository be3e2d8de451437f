package dev.sluice.server;

import dev.sluice.block.Block;
import dev.sluice.block.BlockType;
import dev.sluice.block.Encrypted;
import dev.sluice.block.Secret;
import java.util.List;

/** A block with every kind of secret field the blocks page must hide. */
@BlockType("test-credentials")
record TestCredentials(String host, String user, Secret password, @Encrypted String url, List<Secret> spareKeys, int port)
        implements Block {
}
