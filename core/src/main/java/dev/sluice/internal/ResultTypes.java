package dev.sluice.internal;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The result types a task's body has returned in this JVM, so a cache hit of another type (an entry
 * stored by an earlier body of the same name and version, or a file edited by hand) is a logged
 * miss rather than a {@code ClassCastException} in the caller's code. Java erases a task's result
 * type, so what is known is what the body returned: the types every result so far (and its value read
 * back from JSON) is an instance of, narrowed with each new result. A hit must be an instance of all
 * of them. Before the body has returned anything in this JVM nothing is known, and a hit is used as
 * it is (see {@code CachePolicy}: change the task's version when the body changes what it returns).
 * Kept per body (the task's function object), weakly, so tasks made and dropped leave nothing behind.
 */
final class ResultTypes {
    private static final ConcurrentHashMap<Object, Class<?>[]> TYPES = new ConcurrentHashMap<>();
    private static final ReferenceQueue<Object> DROPPED = new ReferenceQueue<>();

    private ResultTypes() {
    }

    /** Notes that {@code spec}'s body returned {@code result}, read back from its JSON as {@code readBack}. */
    static void computed(Spec spec, @Nullable Object result, @Nullable Object readBack) {
        if (result == null) {
            return; // null fits every type: it tells nothing
        }
        Class<?>[] known = TYPES.get(new Probe(spec.invoker()));
        Set<Class<?>> now = supertypes(result.getClass());
        if (readBack != null) {
            now.retainAll(supertypes(readBack.getClass()));
        }
        if (known != null) {
            now.retainAll(Set.of(known));
            if (now.size() == known.length) {
                return; // nothing new
            }
        }
        expunge();
        TYPES.merge(new Key(spec.invoker(), DROPPED), now.toArray(new Class<?>[0]), (a, b) -> {
            Set<Class<?>> both = new LinkedHashSet<>(Set.of(a));
            both.retainAll(Set.of(b));
            return both.toArray(new Class<?>[0]);
        });
    }

    /** Why {@code value} cannot be a result of {@code spec}'s body, or null if it may be. */
    static @Nullable String mismatch(Spec spec, @Nullable Object value) {
        if (value == null || TYPES.isEmpty()) {
            return null;
        }
        Class<?>[] known = TYPES.get(new Probe(spec.invoker()));
        if (known == null) {
            return null;
        }
        for (Class<?> type : known) {
            if (!type.isInstance(value)) {
                return "it holds a " + value.getClass().getName() + ", but this task's body returned "
                        + (known.length > 0 ? known[0].getName() : "other types") + " in this JVM (did the task change"
                        + " what it returns without a new withVersion(...)?)";
            }
        }
        return null;
    }

    /** The class, its superclasses and all interfaces it implements. */
    private static Set<Class<?>> supertypes(Class<?> type) {
        Set<Class<?>> all = new LinkedHashSet<>();
        ArrayDeque<Class<?>> todo = new ArrayDeque<>();
        todo.add(type);
        while (!todo.isEmpty()) {
            Class<?> c = todo.poll();
            if (all.add(c)) {
                if (c.getSuperclass() != null) {
                    todo.add(c.getSuperclass());
                }
                todo.addAll(java.util.List.of(c.getInterfaces()));
            }
        }
        return all;
    }

    private static void expunge() {
        Object dropped;
        while ((dropped = DROPPED.poll()) != null) {
            TYPES.remove(dropped);
        }
    }

    /** A body, by identity, held weakly: the map's keys. */
    private static final class Key extends WeakReference<Object> {
        private final int hash;

        Key(Object body, ReferenceQueue<Object> queue) {
            super(body, queue);
            this.hash = System.identityHashCode(body);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            if (this == o) {
                return true;
            }
            Object body = get();
            return body != null && (o instanceof Key k ? k.get() == body : o instanceof Probe p && p.body == body);
        }
    }

    /** A body, by identity, to look a key up with (no reference object made for it). */
    private static final class Probe {
        final Object body;

        Probe(Object body) {
            this.body = body;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(body);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.get() == body;
        }
    }
}
