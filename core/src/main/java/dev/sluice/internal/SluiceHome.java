package dev.sluice.internal;

import java.nio.file.Path;

/**
 * Where Sluice keeps its files (block store, result cache, keys): the system property
 * {@code sluice.home} if set (tests use it), else {@code $SLUICE_HOME}, else {@code ~/.sluice}.
 * Read on each call.
 */
public final class SluiceHome {
    private SluiceHome() {
    }

    /** The home folder (not created here). */
    public static Path path() {
        String prop = System.getProperty("sluice.home");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        String env = System.getenv("SLUICE_HOME");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".sluice");
    }
}
