package dev.sluice.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Whether and how a task's results are cached. Caching is opt-in: a task is cached only when given
 * a policy with {@code task.withCache(...)}. Immutable; each method returns a copy. Policies that
 * cache alike are {@link #equals equal}.
 *
 * <pre>{@code
 * Task<String, Report> report = Task.of("report", (String city) -> build(city))
 *         .withCache(CachePolicy.inputs().expireAfter(Duration.ofHours(1)));
 * }</pre>
 *
 * <p>With {@link #inputs()} the key is a SHA-256 over the task's name, its version
 * ({@code withVersion}) and the canonical JSON of its arguments: map entries and properties sorted,
 * records and POJOs by property, sets in sorted order, {@code java.time} values as ISO text,
 * {@code Optional}, enums, {@code byte[]}, and floating-point numbers by their exact bits. Where the
 * declared type does not fix a value's type (a parameter, record component or field of type {@code Object}
 * or an interface, the elements of a {@code List<Object>}, the keys of a map), the value's type takes part:
 * {@code 1} and {@code 1L}, {@code 1.0} and {@code 1.0f}, {@code "ab"} and {@code new char[] {'a', 'b'}}, a
 * {@code List} and a {@code Set} of the same items, a map and a record with the same properties, or two
 * records of different types, get different keys; which {@code List}, {@code Set} or {@code Map} class holds
 * the items does not count ({@code List.of(1)} and {@code new ArrayList<>(List.of(1))} share a key). An empty
 * {@code Optional} counts as {@code null} and a present one as its value. (Keys of Sluice 0.1.0 snapshots made
 * before types took part are not found again: such an entry is computed and stored again once.) Equal
 * inputs give equal keys in every JVM; a {@link dev.sluice.block.Secret} contributes an HMAC of its value under a
 * key kept in {@code cache-hmac.key} in the runtime's home ({@code $SLUICE_HOME} by default), never the value (so machines share such keys only
 * if they share that file). An argument that cannot be hashed is a
 * {@link CacheKeyException}, never a silent miss. Change the task's version when the body changes
 * what it returns for the same inputs.
 */
public final class CachePolicy {
    private static final CachePolicy NONE = new CachePolicy(Kind.NONE, null, List.of(), Set.of(), null, false, null);
    private static final CachePolicy INPUTS = new CachePolicy(Kind.INPUTS, null, List.of(), Set.of(), null, false, null);

    private enum Kind { NONE, INPUTS, KEY }

    private final Kind kind;
    private final @Nullable Function<List<@Nullable Object>, String> keyFunction;
    private final List<String> excludedNames;
    private final Set<Integer> excludedIndexes;
    private final @Nullable Duration expiry;
    private final boolean refresh;
    private final @Nullable ResultStore store;

    private CachePolicy(Kind kind, @Nullable Function<List<@Nullable Object>, String> keyFunction,
            List<String> excludedNames, Set<Integer> excludedIndexes, @Nullable Duration expiry, boolean refresh,
            @Nullable ResultStore store) {
        this.kind = kind;
        this.keyFunction = keyFunction;
        this.excludedNames = excludedNames;
        this.excludedIndexes = excludedIndexes;
        this.expiry = expiry;
        this.refresh = refresh;
        this.store = store;
    }

    /** Cache by all the task's arguments (see the class comment for how they are hashed). */
    public static CachePolicy inputs() {
        return INPUTS;
    }

    /**
     * Cache by the key {@code keyFunction} computes from the arguments (in order). Runs of the same
     * task (name and version) whose functions return equal strings share a result; other tasks never
     * do. The function must not return null.
     */
    public static CachePolicy key(Function<List<@Nullable Object>, String> keyFunction) {
        Objects.requireNonNull(keyFunction, "keyFunction");
        return new CachePolicy(Kind.KEY, keyFunction, List.of(), Set.of(), null, false, null);
    }

    /** No caching: the default for every task; {@code withCache(CachePolicy.none())} turns caching off. */
    public static CachePolicy none() {
        return NONE;
    }

    /**
     * A copy that leaves these parameters out of the key (a client, a connection, a logger). Names
     * are those given with {@code withParameterNames}; a name the task does not have is a
     * {@link CacheKeyException} at the call.
     */
    public CachePolicy excluding(String... parameterNames) {
        Objects.requireNonNull(parameterNames, "parameterNames");
        requireInputs("excluding");
        Set<String> names = new LinkedHashSet<>(excludedNames);
        for (String n : parameterNames) {
            if (n == null || n.isBlank()) {
                throw new IllegalArgumentException("excluded parameter names must not be null or blank, got "
                        + Arrays.toString(parameterNames));
            }
            names.add(n);
        }
        return new CachePolicy(kind, keyFunction, List.copyOf(names), excludedIndexes, expiry, refresh, store);
    }

    /** A copy that leaves the arguments at these positions (0 = the first) out of the key. */
    public CachePolicy excluding(int... argumentIndexes) {
        Objects.requireNonNull(argumentIndexes, "argumentIndexes");
        requireInputs("excluding");
        Set<Integer> indexes = new LinkedHashSet<>(excludedIndexes);
        for (int i : argumentIndexes) {
            if (i < 0 || i > 2) {
                throw new IllegalArgumentException("excluded argument index must be 0, 1 or 2 (tasks take up to 3 arguments), was " + i);
            }
            indexes.add(i);
        }
        return new CachePolicy(kind, keyFunction, excludedNames, Set.copyOf(indexes), expiry, refresh, store);
    }

    /**
     * A copy whose entries are used for {@code expiry} after they were stored, then recomputed. An
     * expiry longer than about 73 years ({@code ChronoUnit.FOREVER.getDuration()}, say) is kept as 73
     * years: as good as never.
     */
    public CachePolicy expireAfter(Duration expiry) {
        Objects.requireNonNull(expiry, "expiry");
        requireCaching("expireAfter");
        if (expiry.isZero() || expiry.isNegative()) {
            throw new IllegalArgumentException("expiry must be positive, was " + expiry);
        }
        // longer than about 73 years is as good as never, and kept as that (ChronoUnit.FOREVER's duration, say)
        return new CachePolicy(kind, keyFunction, excludedNames, excludedIndexes, dev.sluice.internal.Durations.capped(expiry),
                refresh, store);
    }

    /**
     * A copy that never reads an entry stored before the run started (nor the one it found there, under a
     * runtime clock that does not move, such as {@code Clock.fixed}): it recomputes the result and
     * overwrites the entry (which resets its expiry). Runs with the same key waiting meanwhile get
     * the fresh result.
     */
    public CachePolicy refresh() {
        requireCaching("refresh");
        return new CachePolicy(kind, keyFunction, excludedNames, excludedIndexes, expiry, true, store);
    }

    /**
     * A copy keeping results in {@code store} instead of the runtime's
     * ({@link dev.sluice.SluiceRuntime#resultStore()}, by default {@link ResultStore#files()}).
     */
    public CachePolicy storedIn(ResultStore store) {
        Objects.requireNonNull(store, "store");
        requireCaching("storedIn");
        return new CachePolicy(kind, keyFunction, excludedNames, excludedIndexes, expiry, refresh, store);
    }

    /** True for {@link #none()}. */
    public boolean isNone() {
        return kind == Kind.NONE;
    }

    /** The key function of a {@link #key} policy. */
    public Optional<Function<List<@Nullable Object>, String>> keyFunction() {
        return Optional.ofNullable(keyFunction);
    }

    /** The parameter names left out of the key. */
    public List<String> excludedNames() {
        return excludedNames;
    }

    /** The argument positions left out of the key. */
    public Set<Integer> excludedIndexes() {
        return excludedIndexes;
    }

    /** How long an entry is used, if it expires. */
    public Optional<Duration> expiry() {
        return Optional.ofNullable(expiry);
    }

    /** Whether runs recompute and overwrite instead of reading. */
    public boolean refreshes() {
        return refresh;
    }

    /** The store, if not the runtime's ({@link dev.sluice.SluiceRuntime#resultStore()}). */
    public Optional<ResultStore> store() {
        return Optional.ofNullable(store);
    }

    private void requireInputs(String method) {
        if (kind != Kind.INPUTS) {
            throw new IllegalStateException(method + "(...) applies to CachePolicy.inputs(); "
                    + (kind == Kind.KEY ? "a key function chooses its own inputs" : "CachePolicy.none() caches nothing"));
        }
    }

    private void requireCaching(String method) {
        if (kind == Kind.NONE) {
            throw new IllegalStateException(method + "(...) does not apply to CachePolicy.none(), which caches nothing; "
                    + "start from CachePolicy.inputs() or CachePolicy.key(...)");
        }
    }

    /**
     * Two policies are equal when they cache alike: the same kind, the same key function object,
     * exclusions (in any order), expiry, refresh and store.
     */
    @Override
    public boolean equals(@Nullable Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof CachePolicy p)) {
            return false;
        }
        return kind == p.kind && Objects.equals(keyFunction, p.keyFunction)
                // the names left out, not the order they were named in: excluding("a", "b") caches as excluding("b", "a")
                && Set.copyOf(excludedNames).equals(Set.copyOf(p.excludedNames))
                && excludedIndexes.equals(p.excludedIndexes) && Objects.equals(expiry, p.expiry) && refresh == p.refresh
                && Objects.equals(store, p.store);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, keyFunction, Set.copyOf(excludedNames), excludedIndexes, expiry, refresh, store);
    }

    @Override
    public String toString() {
        if (kind == Kind.NONE) {
            return "CachePolicy.none()";
        }
        List<String> parts = new ArrayList<>();
        parts.add(kind == Kind.INPUTS ? "inputs" : "key function");
        if (!excludedNames.isEmpty()) {
            parts.add("excluding " + excludedNames);
        }
        if (!excludedIndexes.isEmpty()) {
            parts.add("excluding arguments " + excludedIndexes);
        }
        if (expiry != null) {
            parts.add("expire after " + expiry);
        }
        if (refresh) {
            parts.add("refresh");
        }
        if (store != null) {
            parts.add("stored in " + store);
        }
        return "CachePolicy[" + String.join(", ", parts) + "]";
    }
}
