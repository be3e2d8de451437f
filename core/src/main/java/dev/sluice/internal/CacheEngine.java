package dev.sluice.internal;

import com.fasterxml.jackson.databind.JsonMappingException;
import dev.sluice.cache.CacheKeyException;
import dev.sluice.cache.CachePolicy;
import dev.sluice.cache.CachedResult;
import dev.sluice.cache.ResultStore;
import dev.sluice.State;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Caching around a task run: computes the key, serves a stored unexpired result as a
 * {@link State#CACHED} run, or runs the attempts and stores their result. Runs with the same key
 * compute once: in one JVM they queue on a per-key lock, across JVMs on the store's
 * {@link ResultStore#lock}; whoever waited re-reads the store before computing. Only a successful
 * run's result is stored, so a failed attempt never leaves an entry behind.
 */
public final class CacheEngine {

    /** The task's attempts: its result, or the {@link Engine.Failure} they ended with. */
    @FunctionalInterface
    interface Attempts {
        @Nullable Object run();
    }

    /**
     * What caching gave: a value computed by the attempts (and stored), or one read from the store
     * ({@code cachedFrom} = the id of the run that computed it).
     */
    record Outcome(@Nullable Object value, @Nullable String cachedFrom) {
    }

    private CacheEngine() {
    }


    /** Whether runs of {@code spec} go through the cache. */
    static boolean applies(Spec spec) {
        CachePolicy policy = spec.cache();
        return policy != null && !policy.isNone();
    }

    /**
     * Runs {@code run} through the cache; {@code attempts} runs the body when there is no usable
     * entry. Never ends the run: a key that cannot be computed or an interrupt while waiting for
     * another run of the same key is an {@link Engine.Failure} for the engine to end the run with.
     */
    static Outcome execute(TaskRunRecord run, Attempts attempts) {
        CachePolicy policy = run.spec.cache();
        if (policy == null) {
            return new Outcome(attempts.run(), null);
        }
        String key;
        try {
            key = KeyHasher.key(run.spec, policy, run.args());
        } catch (CacheKeyException e) {
            throw fail(run, e);
        } catch (RuntimeException e) {
            throw fail(run, new CacheKeyException("the cache key of task '" + run.spec.name() + "' could not be computed: "
                    + Engine.summary(e), e));
        }
        run.cacheKey(key);
        ResultStore given = policy.store().orElse(null);
        ResultStore store = given != null ? given : run.runtime.resultStore();
        Clock clock = run.runtime.clock();
        @Nullable Instant started = policy.refreshes() ? clock.instant() : null; // a refresh takes only what is newer than itself
        // the run that stored the entry there before this refresh began: never taken, even at the same instant (a
        // clock that does not move, as Clock.fixed in a test, or one too coarse to tell the two apart)
        @Nullable String before = policy.refreshes() ? storedBy(store, key) : null;
        if (!policy.refreshes()) {
            Lookup found = lookup(run.spec, store, key, policy, null, clock);
            if (found.value != null) {
                return hit(run, policy, found.value);
            }
        }

        KeyLock local = KeyLock.acquire(run.runtime.keyLocks(), key);
        boolean locked = false;
        try {
            locked = local.lockInterruptibly();
            if (!locked) {
                throw cancelled(run, new InterruptedException("interrupted while waiting for another run computing cache key " + key));
            }
            try (Held shared = local.reentered() ? () -> { } : lockStore(run, store, key)) {
                // another run may have stored it while this one waited; a refresh takes only what is newer than itself
                Lookup found = lookup(run.spec, store, key, policy, policy.refreshes() ? started : null, clock);
                if (found.value != null && (before == null || !before.equals(found.value.entry().runId()))) {
                    return hit(run, policy, found.value);
                }
                if (found.corrupt) {
                    run.logger().warn("cache entry {} of task '{}' in {} is not used and is treated as a miss: {}; "
                            + "this run's result overwrites it", key, run.spec.name(), store, found.problem);
                }
                Object result = attempts.run();
                save(run, store, key, result);
                return new Outcome(result, null);
            }
        } finally {
            local.release(locked);
        }
    }

    /** The id of the run whose entry the store holds under {@code key}, if one can be read. */
    private static @Nullable String storedBy(ResultStore store, String key) {
        try {
            if (store instanceof InMemoryResultStore memory) {
                InMemoryResultStore.Slot slot = memory.slot(key);
                return slot == null ? null : slot.entry.runId();
            }
            Optional<CachedResult> stored = store.read(key);
            return stored == null ? null : stored.map(CachedResult::runId).orElse(null);
        } catch (IOException | RuntimeException | LinkageError e) {
            return null; // unreadable: the lookup under the lock finds it so too, and the run computes
        }
    }

    /** A held lock whose release never throws. */
    @FunctionalInterface
    private interface Held extends AutoCloseable {
        @Override
        void close();
    }

    private static Held lockStore(TaskRunRecord run, ResultStore store, String key) {
        ResultStore.Lock lock;
        try {
            lock = java.util.Objects.requireNonNull(store.lock(key), "the store's lock(key) returned null");
        } catch (InterruptedException e) {
            throw cancelled(run, e);
        } catch (IOException | RuntimeException | LinkageError e) {
            run.logger().warn("could not take the cache lock of key {} in {} ({}); computing without it, so another "
                    + "process may compute the same result", key, store, e.toString());
            return () -> { };
        }
        return () -> {
            try {
                lock.close();
            } catch (IOException | RuntimeException | LinkageError e) {
                run.logger().warn("could not release the cache lock of key {} in {}: {}", key, store, e.toString());
            }
        };
    }

    /** What the store has under a key: a usable value, nothing, or an unreadable entry. */
    private static final class Lookup {
        static final Lookup MISS = new Lookup(null, false, null);
        final @Nullable Found value;
        final boolean corrupt;
        final @Nullable String problem;

        Lookup(@Nullable Found value, boolean corrupt, @Nullable String problem) {
            this.value = value;
            this.corrupt = corrupt;
            this.problem = problem;
        }
    }

    /** A stored result read back (which may itself be null). */
    private record Found(CachedResult entry, @Nullable Object result, InMemoryResultStore.@Nullable Slot slot) {
    }

    private static Lookup lookup(Spec spec, ResultStore store, String key, CachePolicy policy, @Nullable Instant notBefore,
            Clock clock) {
        InMemoryResultStore.Slot slot = null;
        Optional<CachedResult> stored;
        try {
            if (store instanceof InMemoryResultStore memory) {
                slot = memory.slot(key);
                stored = slot == null ? Optional.empty() : Optional.of(slot.entry);
            } else {
                stored = store.read(key);
                if (stored == null) {
                    return new Lookup(null, true, "it is unreadable (" + store + " answered null, not an Optional)");
                }
            }
        } catch (IOException | RuntimeException | LinkageError e) {
            return new Lookup(null, true, "it is unreadable (" + e.getMessage() + ")");
        }
        if (stored.isEmpty()) {
            return Lookup.MISS;
        }
        CachedResult entry = stored.get();
        if (!entry.key().equals(key)) {
            return new Lookup(null, true, "it holds key " + entry.key());
        }
        Duration expiry = policy.expiry().orElse(null);
        // the age, not createdAt + expiry: that sum may pass Instant.MAX for an entry of a far future (an edited file)
        if (expiry != null && Duration.between(entry.createdAt(), clock.instant()).compareTo(expiry) >= 0) {
            return Lookup.MISS;
        }
        if (notBefore != null && entry.createdAt().isBefore(notBefore)) {
            return Lookup.MISS;
        }
        Object value = slot == null ? InMemoryResultStore.UNKNOWN : slot.value;
        if (value == InMemoryResultStore.UNKNOWN) {
            try {
                value = ResultCodec.read(entry.json());
            } catch (IOException | RuntimeException | LinkageError e) {
                return new Lookup(null, true, "it is unreadable: its value cannot be read back (" + e.getMessage() + ")");
            }
            if (slot != null && Immutables.is(value)) {
                slot.value = value; // the next hit hands out this one
            }
        }
        Object body = spec.source() == null ? spec.invoker() : spec.source().getClass();
        if (slot == null || slot.value != value || slot.fitsBodyOf != body) {
            // checked once per kept value and body, not at every hit: the check walks a generic result's items
            String mismatch = ResultTypes.mismatch(spec, value);
            if (mismatch != null) {
                return new Lookup(null, true, mismatch);
            }
            if (slot != null && slot.value == value) {
                slot.fitsBodyOf = body;
            }
        }
        return new Lookup(new Found(entry, value, slot), false, null);
    }

    private static Outcome hit(TaskRunRecord run, CachePolicy policy, Found found) {
        InMemoryResultStore.Slot slot = found.slot();
        if (slot != null && policy.keyFunction().isEmpty() && policy.excludedNames().isEmpty()
                && policy.excludedIndexes().isEmpty()) {
            // every argument is in the key: runs served from this entry had equal arguments, so one summary serves them all
            run.extras().summaryShare = slot.arguments;
        }
        return new Outcome(found.result(), found.entry().runId());
    }

    private static void save(TaskRunRecord run, ResultStore store, String key, @Nullable Object result) {
        String json;
        Object readBack;
        try {
            json = ResultCodec.write(result);
            readBack = ResultCodec.read(json);
        } catch (IOException | RuntimeException | LinkageError e) {
            run.logger().error("the result of task '{}' (run '{}', {}) was returned but not cached: it cannot be "
                    + "stored as JSON and read back ({}); return a record, a POJO with a creator, a collection or a "
                    + "plain value, or remove withCache from the task", run.spec.name(), run.name(),
                    result == null ? "null" : result.getClass().getName(), describe(e));
            return;
        }
        String lost = RoundTrip.difference(result, readBack);
        if (lost != null) {
            // a hit would hand out another value than the body returns: better no cache than a wrong one
            run.logger().error("the result of task '{}' (run '{}', {}) was returned but not cached: read back from its "
                    + "JSON it is not the same value: {}", run.spec.name(), run.name(), result == null ? "null"
                            : result.getClass().getName(), lost);
            return;
        }
        ResultTypes.computed(run.spec, result, readBack);
        if (Masker.containsSecret(json)) {
            // cached results are written as they are (to files, by default): a revealed secret in one would be at rest in plaintext
            run.logger().error("the result of task '{}' (run '{}', {}) was returned but not cached: it contains the value "
                    + "of a secret, and cached results are never stored with a secret in them; leave the secret out of "
                    + "the result (keep it in a block and load it where it is used), or remove withCache from the task",
                    run.spec.name(), run.name(), result == null ? "null" : result.getClass().getName());
            return;
        }
        CachedResult entry = new CachedResult(key, run.spec.name(), run.spec.version(), run.id(), run.runtime.clock().instant(),
                result == null ? "null" : result.getClass().getName(), json);
        try {
            if (store instanceof InMemoryResultStore memory) {
                memory.write(entry, readBack);
            } else {
                store.write(entry);
            }
        } catch (IOException | RuntimeException | LinkageError e) {
            run.logger().error("the result of task '{}' (run '{}') was returned but not cached: writing it to {} "
                    + "failed: {}", run.spec.name(), run.name(), store, Engine.summary(e));
        }
    }

    private static String describe(Throwable e) {
        if (e instanceof JsonMappingException jme) {
            String path = KeyHasher.path(jme);
            return (path.isEmpty() ? "" : "at " + path + ": ") + KeyHasher.reason(jme);
        }
        return Engine.summary(e);
    }

    private static RuntimeException fail(TaskRunRecord run, CacheKeyException e) {
        return new Engine.Failure(State.FAILED, e);
    }

    private static RuntimeException cancelled(TaskRunRecord run, InterruptedException e) {
        return new Engine.Failure(State.CANCELLED, e);
    }

    /** A per-key lock shared by the runs of one JVM, dropped when nobody holds or waits for it. */
    static final class KeyLock {
        private final String key;
        private final ConcurrentMap<String, KeyLock> inFlight;
        private final ReentrantLock lock = new ReentrantLock();
        private int users;

        private KeyLock(String key, ConcurrentMap<String, KeyLock> inFlight) {
            this.key = key;
            this.inFlight = inFlight;
        }

        static KeyLock acquire(ConcurrentMap<String, KeyLock> inFlight, String key) {
            return inFlight.compute(key, (k, existing) -> {
                KeyLock l = existing == null ? new KeyLock(k, inFlight) : existing;
                l.users++;
                return l;
            });
        }

        boolean lockInterruptibly() {
            try {
                lock.lockInterruptibly();
                return true;
            } catch (InterruptedException e) {
                return false;
            }
        }

        /** True when this thread already held the lock (a cached task calling itself with the same key). */
        boolean reentered() {
            return lock.getHoldCount() > 1;
        }

        void release(boolean locked) {
            if (locked) {
                lock.unlock();
            }
            inFlight.computeIfPresent(key, (k, l) -> --l.users == 0 ? null : l);
        }
    }
}
