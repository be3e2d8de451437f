package dev.sluice.cache;

import dev.sluice.internal.FileResultStore;
import dev.sluice.internal.InMemoryResultStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where cached task results are kept, by cache key. The default, {@link #files()}, keeps them as
 * files under {@code $SLUICE_HOME/results}, so they outlive the JVM; {@link #inMemory()} keeps
 * them for the life of the store object (tests). Choose one per task with
 * {@link CachePolicy#storedIn(ResultStore)}.
 *
 * <p>Implementations must be safe for concurrent use, and a {@link #write} must replace an entry
 * whole: a reader sees the old entry or the new one, never part of one. The engine treats a store
 * failure as a cache miss (logged), never as a failure of the task.
 *
 * <p>Cached results are read back with their recorded Java type, so trust a store as you trust
 * your code: whoever can write to it can choose the classes your program instantiates.
 */
public interface ResultStore {
    /**
     * The entry under {@code key}, or empty if there is none.
     *
     * @throws IOException if there is an entry that cannot be read (truncated, corrupted); the
     *     engine then recomputes the result and overwrites the entry
     */
    Optional<CachedResult> read(String key) throws IOException;

    /** Stores {@code entry} under its key, replacing any entry there, atomically. */
    void write(CachedResult entry) throws IOException;

    /** Removes the entry under {@code key}; true if there was one. */
    boolean delete(String key) throws IOException;

    /**
     * Holds off other processes computing the same key until the returned lock is closed, so that
     * two JVMs sharing this store compute a result once. Runs in the same JVM are kept apart by the
     * engine before this is called. The default does nothing: a store that other processes cannot
     * see needs no lock.
     *
     * @throws InterruptedException if interrupted while waiting for another process
     */
    default Lock lock(String key) throws IOException, InterruptedException {
        Objects.requireNonNull(key, "key");
        return () -> { };
    }

    /** A held {@link #lock(String)}; closing it releases the lock. */
    @FunctionalInterface
    interface Lock extends AutoCloseable {
        /** Releases the lock. */
        @Override
        void close() throws IOException;
    }

    /**
     * The default store: one JSON file per entry under {@code results} in the home of the runtime the
     * calling code runs under ({@link dev.sluice.SluiceRuntime#home()}: the builder's, else the system
     * property {@code sluice.home}, else {@code $SLUICE_HOME}, else {@code ~/.sluice}), the folder
     * resolved each time the store is used. Entries are written to a temporary file and renamed into place, and runs
     * in other JVMs on the same folder wait for each other through lock files. A temporary file that a JVM killed
     * while writing left behind is deleted by a later write to the folder (in any process) once it is 10 minutes old.
     */
    static ResultStore files() {
        return FileResultStore.atHome();
    }

    /** Like {@link #files()}, in {@code directory} (created when first written). */
    static ResultStore files(Path directory) {
        return FileResultStore.in(directory);
    }

    /**
     * A new, empty store held in memory; results are still serialized, as for files. A hit of a value
     * that cannot be changed (a string, a number, a {@code java.time} value, an enum, a record of such)
     * hands out the one instance read back when it was stored; any other value is read from its JSON
     * for each hit, so no run sees another's changes.
     */
    static ResultStore inMemory() {
        return new InMemoryResultStore();
    }
}
