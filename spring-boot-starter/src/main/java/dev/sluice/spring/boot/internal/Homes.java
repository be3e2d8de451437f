package dev.sluice.spring.boot.internal;

import dev.sluice.internal.SluiceHome;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The environment and home folder the starter's runtime gets from the {@code sluice.*} properties. */
public final class Homes {
    private Homes() {
    }

    /**
     * The process environment with {@code SLUICE_HOME} and {@code SLUICE_BLOCK_STORE} set from the
     * properties when they are given.
     */
    public static Map<String, String> environment(@Nullable Path home, @Nullable String blockStore) {
        Map<String, String> env = new HashMap<>(System.getenv());
        if (home != null) {
            env.put("SLUICE_HOME", home.toAbsolutePath().normalize().toString());
        }
        if (blockStore != null && !blockStore.isBlank()) {
            env.put("SLUICE_BLOCK_STORE", blockStore.strip());
        }
        return Map.copyOf(env);
    }

    /**
     * The block stores of {@code sluice.blocks.store} when it is set (before the system property
     * {@code sluice.blockStore} and {@code SLUICE_BLOCK_STORE}), else as the core finds them.
     */
    public static dev.sluice.block.BlockStore blockStore(@Nullable Path home, @Nullable String blockStore) {
        Map<String, String> env = environment(home, blockStore);
        if (blockStore != null && !blockStore.isBlank()) {
            return dev.sluice.internal.blocks.StoreConfiguration.select(blockStore.strip(), "sluice.blocks.store", env,
                    home(home, env));
        }
        // the stores as the core finds them, in this home: the core's own lookup would take -Dsluice.home before it
        return dev.sluice.internal.blocks.StoreConfiguration.select(env, home(home, env));
    }

    /**
     * The home folder: {@code home} if given, else as the core's default runtime finds it (the system property
     * {@code sluice.home}, else {@code SLUICE_HOME} of {@code environment}, else {@code ~/.sluice}).
     */
    public static Path home(@Nullable Path home, Map<String, String> environment) {
        return home != null ? home.toAbsolutePath().normalize() : SluiceHome.resolve(environment);
    }
}
