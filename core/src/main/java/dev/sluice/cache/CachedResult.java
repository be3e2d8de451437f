package dev.sluice.cache;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One entry of a {@link ResultStore}: a task run's result as JSON, with what it was computed by.
 * Never holds a secret value: a result containing a {@link dev.sluice.block.Secret} is not cached.
 *
 * @param key the cache key (64 lowercase hex digits of a SHA-256)
 * @param taskName the name of the task that computed it
 * @param taskVersion the task's version, if it had one
 * @param runId the id of the task run that computed it
 * @param createdAt when it was stored; expiry counts from here
 * @param type the Java class of the result, for people reading the store ({@code null} results: {@code "null"})
 * @param json the result as JSON, with the type information needed to read it back
 */
public record CachedResult(String key, String taskName, @Nullable String taskVersion, String runId,
        Instant createdAt, String type, String json) {
    /** Checks that every field but the version is present. */
    public CachedResult {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(taskName, "taskName");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(json, "json");
    }
}
