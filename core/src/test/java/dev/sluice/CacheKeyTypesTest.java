package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.cache.CachePolicy;
import dev.sluice.cache.ResultStore;
import dev.sluice.testkit.TemporarySluiceHome;
import dev.sluice.testkit.TestRuntimes;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cache key of an argument whose declared type does not fix its type (an {@code Object} parameter, an
 * element of a {@code List<Object>}, a record component of type {@code Object}) tells values of different
 * types apart, so a cached run of one never returns the result computed for the other; equal values of
 * one type still share a key, whatever their collection classes.
 */
class CacheKeyTypesTest {
    @RegisterExtension
    final TemporarySluiceHome home = new TemporarySluiceHome();

    @AfterEach
    void restore() {
        TestRuntimes.reset();
    }

    record Amount(int value) {
    }

    record Other(int value) {
    }

    record Holder(Object value) {
    }

    enum Colour { RED }

    /** A task whose result says which type it was given: a shared key would return the wrong one. */
    private static Task<Object, String> typeName() {
        return Task.of("type-name", (Object o) -> o.getClass().getName() + ":" + describe(o))
                .withCache(CachePolicy.inputs().storedIn(ResultStore.inMemory()));
    }

    private static String describe(Object o) {
        if (o instanceof Holder h) {
            return h.value().getClass().getName();
        }
        if (o instanceof List<?> l && !l.isEmpty()) {
            return l.get(0).getClass().getName();
        }
        if (o instanceof Map<?, ?> m && !m.isEmpty()) {
            Map.Entry<?, ?> e = m.entrySet().iterator().next();
            return (e.getKey() == null ? "null" : e.getKey().getClass().getName()) + "=" + e.getValue().getClass().getName();
        }
        return "";
    }

    private static String key(Task<Object, String> task, Object arg) {
        TaskFuture<String> f = task.submit(arg);
        f.join();
        return f.run().cacheKey().orElseThrow();
    }

    @Test
    void valuesThatJsonWritesAlikeButAreOfDifferentTypesGetDifferentKeysAndTheirOwnResults() {
        Task<Object, String> task = typeName();
        Map<String, Object> oneByString = new HashMap<>(Map.of("a", 1));
        Map<Object, Object> oneByInteger = new HashMap<>(Map.of(1, 1));
        Map<Object, Object> oneByString1 = new HashMap<>(Map.of("1", 1));
        List<Object> distinct = List.of(
                1, 1L, (short) 1, (byte) 1, BigInteger.ONE, BigDecimal.ONE, 1.0, 1.0f,
                "ab", new char[] {'a', 'b'}, "a", 'a',
                "d:3ff0000000000000", "~d3ff0000000000000", "~excluded", "~secret:x",
                List.of(1, 2), new LinkedHashSet<>(List.of(1, 2)), new int[] {1, 2}, new long[] {1, 2}, new Object[] {1, 2},
                List.of(1L, 2L),
                oneByString, Map.of("a", 1L), oneByInteger, oneByString1,
                new Amount(1), new Other(1), Map.of("value", 1),
                new Holder(1), new Holder(1L), new Holder("1"),
                "RED", Colour.RED,
                Instant.parse("2026-01-01T00:00:00Z"), "2026-01-01T00:00:00Z");

        Map<String, Object> byKey = new HashMap<>();
        for (Object value : distinct) {
            String key = key(task, value);
            Object before = byKey.putIfAbsent(key, value);
            assertThat(before).as("%s (%s) and %s (%s) share a cache key", describeValue(before), typeOf(before),
                    describeValue(value), typeOf(value)).isNull();
        }
        // and each run, cached or not, returns the result of its own type
        for (Object value : distinct) {
            TaskFuture<String> f = task.submit(value);
            assertThat(f.join()).as("the cached result for %s", describeValue(value))
                    .startsWith(value.getClass().getName() + ":");
            assertThat(f.run().state()).isEqualTo(State.CACHED);
        }
    }

    @Test
    void equalValuesShareAKeyWhateverTheirCollectionClassesAndOrder() {
        Task<Object, String> task = typeName();
        assertThat(key(task, new ArrayList<>(List.of(1, 2)))).isEqualTo(key(task, List.of(1, 2)))
                .isEqualTo(key(task, new LinkedList<>(List.of(1, 2))));
        assertThat(key(task, new HashSet<>(List.of("x", "y")))).isEqualTo(key(task, new TreeSet<>(List.of("y", "x"))))
                .isEqualTo(key(task, Set.of("y", "x")));
        assertThat(key(task, new HashMap<>(Map.of("a", 1, "b", 2)))).isEqualTo(key(task, new TreeMap<>(Map.of("b", 2, "a", 1))));
        assertThat(key(task, new Holder(List.of(1L)))).isEqualTo(key(task, new Holder(new ArrayList<>(List.of(1L)))));
        assertThat(key(task, new char[] {'a', 'b'})).isEqualTo(key(task, "ab".toCharArray()));
    }

    /** A map is a value whatever its keys: keys of mixed types, a null key or a key that is not comparable. */
    @Test
    void aMapWithKeysOfMixedTypesANullKeyOrSecretKeysHasAKey() {
        Task<Object, String> task = typeName();
        Map<Object, Object> mixed = new HashMap<>();
        mixed.put(1, "int");
        mixed.put("1", "string");
        mixed.put(1L, "long");
        Map<Object, Object> reordered = new java.util.LinkedHashMap<>();
        reordered.put(1L, "long");
        reordered.put("1", "string");
        reordered.put(1, "int");
        Map<Object, Object> nullKey = new HashMap<>();
        nullKey.put(null, "none");
        nullKey.put("null", "text");

        assertThat(key(task, mixed)).isEqualTo(key(task, reordered));
        assertThat(key(task, nullKey)).isNotEqualTo(key(task, Map.of("null", "text")));
        assertThat(key(task, Map.of(dev.sluice.block.Secret.of("map-key-secret-1"), 1)))
                .isNotEqualTo(key(task, Map.of(dev.sluice.block.Secret.of("map-key-secret-2"), 1)));
    }

    record Login(String user, dev.sluice.block.Secret password) {
    }

    /** A key without properties: its text would be its identity, another in every run. */
    static final class Handle {
    }

    /**
     * A map key that is an object is hashed by its value like any argument: two keys that print alike (a secret shows
     * as {@code **********}) do not share a cache key, and a key with no value to hash is a clear error, not a
     * silent miss.
     */
    @Test
    void aMapKeyThatIsAnObjectIsHashedByItsValueNotItsText() {
        Task<Object, String> task = typeName();
        Map<Object, Object> first = new HashMap<>(Map.of(new Login("etl", dev.sluice.block.Secret.of("login-pw-one")), 1));
        Map<Object, Object> second = new HashMap<>(Map.of(new Login("etl", dev.sluice.block.Secret.of("login-pw-two")), 1));
        assertThat(first.keySet().toString()).isEqualTo(second.keySet().toString());
        assertThat(key(task, first)).isNotEqualTo(key(task, second));

        Map<Object, Object> identity = new HashMap<>(Map.of(new Handle(), 1));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> key(task, identity))
                .hasStackTraceContaining("CacheKeyException").hasMessageContaining("cannot be hashed");
    }

    record Point(int y, String label, Set<String> tags) {
    }

    /** The exact text hashed, so a key is the same in every JVM and every run (and a change to it is seen here). */
    @Test
    void theCanonicalTextOfTypedAndUntypedPositionsIsFixed() throws Exception {
        Task2<Object, Point, Integer> task = Task.of("golden", (Object a, Point b) -> 1).withVersion("1")
                .withCache(CachePolicy.inputs().storedIn(ResultStore.inMemory()));
        Map<String, Object> map = new java.util.LinkedHashMap<>();
        map.put("b", List.of(1.5, "x", 7L, "~x"));
        map.put("c", new LinkedHashSet<>(List.of(2, 1)));
        map.put("a", Instant.parse("2026-01-01T00:00:00Z"));
        TaskFuture<Integer> f = task.submit(map, new Point(2, "p", new LinkedHashSet<>(List.of("z", "m"))));
        f.join();

        String canonical = "[\"sluice-cache/2\",\"golden\",\"1\",\"inputs\","
                + "[\"Map\",{\"a\":[\"java.time.Instant\",\"2026-01-01T00:00:00Z\"],"
                + "\"b\":[\"List\",[\"~d3ff8000000000000\",\"x\",[\"java.lang.Long\",7],\"~~x\"]],"
                + "\"c\":[\"Set\",[1,2]]}],"
                + "{\"label\":\"p\",\"tags\":[\"m\",\"z\"],\"y\":2}]";
        byte[] sha = java.security.MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
        assertThat(f.run().cacheKey()).contains(java.util.HexFormat.of().formatHex(sha));
    }

    private static String describeValue(Object o) {
        if (o instanceof char[] c) {
            return "char[]" + new String(c);
        }
        if (o instanceof int[] i) {
            return java.util.Arrays.toString(i);
        }
        if (o instanceof long[] l) {
            return "long" + java.util.Arrays.toString(l);
        }
        if (o instanceof Object[] a) {
            return java.util.Arrays.toString(a);
        }
        return String.valueOf(o).replace("\u0000", "\\u0000");
    }

    private static String typeOf(Object o) {
        return o == null ? "null" : o.getClass().getName();
    }
}
