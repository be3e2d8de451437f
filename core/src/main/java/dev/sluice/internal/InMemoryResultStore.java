package dev.sluice.internal;

import dev.sluice.cache.CachedResult;
import dev.sluice.cache.ResultStore;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** {@link ResultStore#inMemory()}: entries in a map, for the life of the object. */
public final class InMemoryResultStore implements ResultStore {
    private final ConcurrentMap<String, CachedResult> entries = new ConcurrentHashMap<>();

    @Override
    public Optional<CachedResult> read(String key) {
        Objects.requireNonNull(key, "key");
        return Optional.ofNullable(entries.get(key));
    }

    @Override
    public void write(CachedResult entry) {
        entries.put(entry.key(), entry);
    }

    @Override
    public boolean delete(String key) {
        Objects.requireNonNull(key, "key");
        return entries.remove(key) != null;
    }

    @Override
    public String toString() {
        return "in-memory result store (" + entries.size() + " entries)";
    }
}
