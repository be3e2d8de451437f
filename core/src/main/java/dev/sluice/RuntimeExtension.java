package dev.sluice;

import java.util.Optional;

/**
 * What a module on the class path adds to every {@link SluiceRuntime} built without
 * {@link SluiceRuntime.Builder#withoutExtensions()}: found with {@link java.util.ServiceLoader}
 * (list the class in {@code META-INF/services/dev.sluice.RuntimeExtension}). This is how
 * {@code sluice-history} records every run in {@code $SLUICE_HOME/sluice.db} with no code.
 *
 * <p>An extension decides for itself whether it is on (a system property, an environment variable
 * of {@link SluiceRuntime#environment()}) and returns empty when it is not. What it returns is closed
 * with the runtime when it is {@link AutoCloseable}, or, for a runtime still open when the JVM exits, at exit
 * once the hooks still running (late notifications) have ended, so what they log is recorded too. An extension that fails to start (throws an
 * exception, or a {@link LinkageError} for a class missing from the class path) is logged and left out:
 * the runtime is built without it.
 */
public interface RuntimeExtension {
    /** A short name for logs and errors, such as {@code "history"}. */
    String name();

    /**
     * The recorder this extension adds to {@code runtime}, told of every state change and log line
     * after the runtime's in-memory one; empty to add none. Called once, while the runtime is built
     * (its home, environment, clock and block store are set; no run has started).
     */
    Optional<RunRecorder> recorder(SluiceRuntime runtime);
}
