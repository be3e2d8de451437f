package dev.sluice.internal;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the default runtime keeps its files (block store, result cache, keys): the system property
 * {@code sluice.home} if set, else {@code $SLUICE_HOME}, else {@code ~/.sluice}.
 */
public final class SluiceHome {
    private SluiceHome() {
    }

    /** The home folder named by the system property or {@code environment} (not created here). */
    public static Path resolve(Map<String, String> environment) {
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
