package dev.sluice.spring.boot.internal;

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
     * The home folder: {@code home} if given, else the system property {@code sluice.home}, else
     * {@code SLUICE_HOME} of {@code environment}, else {@code ~/.sluice} (as the core's default runtime).
     */
    public static Path home(@Nullable Path home, Map<String, String> environment) {
        if (home != null) {
            return home.toAbsolutePath().normalize();
        }
        String prop = System.getProperty("sluice.home");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        String env = environment.get("SLUICE_HOME");
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath().normalize();
        }
        return Path.of(System.getProperty("user.home"), ".sluice").toAbsolutePath().normalize();
    }
}
