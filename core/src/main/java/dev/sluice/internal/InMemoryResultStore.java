package dev.sluice.internal;

import dev.sluice.cache.CachedResult;
import dev.sluice.cache.ResultStore;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;

/**
 * {@link ResultStore#inMemory()}: entries in a map, for the life of the object. Next to each entry's
 * JSON it keeps the value read back from it, when that value cannot be changed (a string, a number,
 * a {@code java.time} value, a record of such values, ...): a hit then hands out that value without
 * reading the JSON again. A value that could be changed (a list, a map, a bean) is read from its JSON
 * for each hit, so no run sees another run's changes.
 */
public final class InMemoryResultStore implements ResultStore {
    private final ConcurrentMap<String, Slot> entries = new ConcurrentHashMap<>();

    /** An entry and, once known, its value read back (when immutable). */
    static final class Slot {
        final CachedResult entry;
        /** The value read back, if it is immutable; {@link #UNKNOWN} until looked at. */
        volatile @Nullable Object value;
        /** The summary of the arguments of the runs served from this entry (equal key, equal arguments). */
        final RunRecord.SummaryShare arguments = new RunRecord.SummaryShare();
        /** The body {@link #value} was last found to fit (its class): the next hit of that body need not look again. */
        volatile @Nullable Object fitsBodyOf;

        Slot(CachedResult entry, @Nullable Object value) {
            this.entry = entry;
            this.value = value;
        }
    }

    /** Marks a slot whose value has not been read back yet, or that is read for each hit. */
    static final Object UNKNOWN = new Object();

    @Override
    public Optional<CachedResult> read(String key) {
        Objects.requireNonNull(key, "key");
        Slot slot = entries.get(key);
        return slot == null ? Optional.empty() : Optional.of(slot.entry);
    }

    /** The slot under {@code key}, or null: what the engine reads instead of {@link #read}. */
    @Nullable Slot slot(String key) {
        return entries.get(key);
    }

    @Override
    public void write(CachedResult entry) {
        entries.put(entry.key(), new Slot(entry, UNKNOWN));
    }

    /** Stores {@code entry} with {@code value}, its JSON read back (kept only if it is immutable). */
    void write(CachedResult entry, @Nullable Object value) {
        entries.put(entry.key(), new Slot(entry, Immutables.is(value) ? value : UNKNOWN));
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
