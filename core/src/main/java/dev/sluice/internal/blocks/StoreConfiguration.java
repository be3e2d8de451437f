package dev.sluice.internal.blocks;

import dev.sluice.block.BlockStore;
import dev.sluice.block.BlockStoreProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;

/** Reads {@code sluice.blockStore} / {@code SLUICE_BLOCK_STORE} and builds the stores it names. */
public final class StoreConfiguration {
    /** The selection when nothing is configured. */
    public static final String DEFAULT = "env,file";

    private StoreConfiguration() {
    }

    public static BlockStore select(Map<String, String> env, Path home) {
        String selection = System.getProperty(BlockStore.STORE_PROPERTY);
        String source = "system property " + BlockStore.STORE_PROPERTY;
        if (selection == null || selection.isBlank()) {
            selection = env.get(BlockStore.STORE_VARIABLE);
            source = BlockStore.STORE_VARIABLE;
        }
        if (selection == null || selection.isBlank()) {
            selection = DEFAULT;
            source = "the default";
        }
        return select(selection, source, env, home);
    }

    /**
     * The stores named by {@code selection} (comma-separated, tried in order), which came from {@code source} (named in
     * the error for an unknown store): for a setting that comes before the system property and the variable (the Spring
     * Boot starter's {@code sluice.blocks.store}).
     */
    public static BlockStore select(String selection, String source, Map<String, String> env, Path home) {
        List<BlockStore> stores = new ArrayList<>();
        for (String part : selection.split(",")) {
            String name = part.trim();
            if (!name.isEmpty()) {
                stores.add(create(name, env, home, source, selection));
            }
        }
        if (stores.isEmpty()) {
            throw new IllegalArgumentException(source + " ('" + selection + "') names no block store");
        }
        return stores.size() == 1 ? stores.get(0) : new ChainBlockStore(stores);
    }

    private static BlockStore create(String name, Map<String, String> env, Path home, String source, String selection) {
        switch (name) {
            case "env":
                return new EnvironmentBlockStore(env);
            case "file":
                return new FileBlockStore(() -> home, env);
            case "memory":
                return new InMemoryBlockStore();
            default:
                break;
        }
        TreeSet<String> known = new TreeSet<>(List.of("env", "file", "memory"));
        for (BlockStoreProvider p : ServiceLoader.load(BlockStoreProvider.class)) {
            if (p.name().equals(name)) {
                return p.create(env);
            }
            known.add(p.name());
        }
        throw new IllegalArgumentException(source + " ('" + selection + "') names an unknown block store '" + name
                + "'; known stores: " + known);
    }
}
