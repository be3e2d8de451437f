package dev.sluice.benchmarks.core;

import dev.sluice.SluiceRuntime;
import dev.sluice.block.BlockStore;
import dev.sluice.cache.ResultStore;
import java.io.IOException;
import java.nio.file.Files;

/** The runtime the core benchmarks run under: a temporary home, blocks and results in memory, no extensions. */
final class Runtimes {
    private Runtimes() {
    }

    static SluiceRuntime quiet() throws IOException {
        return SluiceRuntime.builder()
                .home(Files.createTempDirectory("sluice-bench"))
                .blockStore(BlockStore.inMemory())
                .resultStore(ResultStore.inMemory())
                .withoutExtensions()
                .build();
    }
}
