package dev.sluice.internal;

import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Whether a result read back from its JSON is the value the body returned, so that a cache hit never
 * hands out something else: a map key that came back as text (JSON object keys are strings), an
 * {@code Optional} inside a list that came back as its content, a private field JSON never saw.
 *
 * <p>Compared in depth: lists, sets, maps, arrays, optionals and records part by part; a class that
 * defines {@code equals} by it; a class of the platform without one by its JSON; any other class
 * field by field (not {@code static}, {@code transient} or {@code @JsonIgnore} fields), since its
 * identity {@code equals} says nothing. What cannot be looked into (a field of a class in a module
 * that does not open it) is taken as faithful.
 */
final class RoundTrip {
    /** Deeper than this, a value is taken as faithful (such depth is more likely a cycle Jackson broke). */
    private static final int MAX_DEPTH = 200;
    private static final int MAX_SHOWN = 60;

    private RoundTrip() {
    }

    /** Where and how {@code readBack} differs from {@code original}, or null when it is the same value. */
    static @Nullable String difference(@Nullable Object original, @Nullable Object readBack) {
        return new RoundTrip.Walk().diff(original, readBack, "the result", 0);
    }

    private static final class Walk {
        /** Pairs already compared (or being compared), by the original's identity: shared parts and cycles are walked once. */
        private final IdentityHashMap<Object, Object> seen = new IdentityHashMap<>();

        @Nullable String diff(@Nullable Object a, @Nullable Object b, String path, int depth) {
            if (a == b) {
                return null;
            }
            if (a == null || b == null) {
                return path + " " + shown(a) + " comes back as " + shown(b);
            }
            if (depth > MAX_DEPTH || seen.put(a, b) == b) {
                return null;
            }
            Class<?> ca = a.getClass();
            if (a instanceof Optional<?> oa) {
                if (!(b instanceof Optional<?> ob)) {
                    return path + " (an Optional) comes back as " + typeOf(b) + " (an Optional inside a collection or a"
                            + " map is written as its content)";
                }
                return diff(oa.orElse(null), ob.orElse(null), path + ".get()", depth + 1);
            }
            if (ca.isArray()) {
                if (b.getClass() != ca) {
                    return path + " (" + typeOf(a) + ") comes back as " + typeOf(b);
                }
                int n = Array.getLength(a);
                if (n != Array.getLength(b)) {
                    return path + " has " + n + " elements but comes back with " + Array.getLength(b);
                }
                for (int i = 0; i < n; i++) {
                    String d = diff(Array.get(a, i), Array.get(b, i), path + "[" + i + "]", depth + 1);
                    if (d != null) {
                        return d;
                    }
                }
                return null;
            }
            if (a instanceof Map<?, ?> ma) {
                if (!(b instanceof Map<?, ?> mb)) {
                    return path + " (a map) comes back as " + typeOf(b);
                }
                if (ma.size() != mb.size()) {
                    return path + " has " + ma.size() + " entries but comes back with " + mb.size();
                }
                for (Map.Entry<?, ?> e : ma.entrySet()) {
                    Object key = e.getKey();
                    if (!mb.containsKey(key)) {
                        return path + " has the key " + shown(key) + " (" + typeOf(key) + ") but comes back without it"
                                + (key != null && !(key instanceof String) ? " (JSON object keys are text: a map whose keys are"
                                        + " not strings comes back right only as a field of a record or class that"
                                        + " declares its key type)" : "");
                    }
                    String d = diff(e.getValue(), mb.get(key), path + "[" + shown(key) + "]", depth + 1);
                    if (d != null) {
                        return d;
                    }
                }
                return null;
            }
            if (a instanceof Set<?> sa) {
                if (!(b instanceof Set<?> sb)) {
                    return path + " (a set) comes back as " + typeOf(b);
                }
                // elements are looked up by their equals: the only way a set has of telling them apart
                for (Object element : sa) {
                    if (!sb.contains(element)) {
                        return path + " holds " + shown(element) + " (" + typeOf(element) + ") but comes back without it";
                    }
                }
                return sa.size() == sb.size() ? null : path + " has " + sa.size() + " elements but comes back with " + sb.size();
            }
            if (a instanceof Collection<?> la) {
                if (!(b instanceof Collection<?> lb) || (a instanceof List<?>) != (b instanceof List<?>)) {
                    return path + " (" + typeOf(a) + ") comes back as " + typeOf(b);
                }
                if (la.size() != lb.size()) {
                    return path + " has " + la.size() + " elements but comes back with " + lb.size();
                }
                Iterator<?> ib = lb.iterator();
                int i = 0;
                for (Object element : la) {
                    String d = diff(element, ib.next(), path + "[" + i++ + "]", depth + 1);
                    if (d != null) {
                        return d;
                    }
                }
                return null;
            }
            if (b.getClass() != ca) {
                return path + " (" + typeOf(a) + ") comes back as " + typeOf(b);
            }
            if (ca.isEnum() || ca.getSuperclass() != null && ca.getSuperclass().isEnum()) {
                return a == b ? null : path + " " + shown(a) + " comes back as " + shown(b);
            }
            if (ca.isRecord()) {
                for (RecordComponent c : ca.getRecordComponents()) {
                    java.lang.reflect.Method accessor = c.getAccessor();
                    Object va;
                    Object vb;
                    try {
                        if (!open(accessor)) {
                            return a.equals(b) ? null : path + " " + shown(a) + " comes back as " + shown(b);
                        }
                        va = accessor.invoke(a);
                        vb = accessor.invoke(b);
                    } catch (ReflectiveOperationException e) {
                        return null; // an accessor that throws: nothing to tell
                    }
                    String d = diff(va, vb, path + "." + c.getName(), depth + 1);
                    if (d != null) {
                        return d;
                    }
                }
                return null;
            }
            if (definesEquals(ca)) {
                if (a.equals(b) || a instanceof BigDecimal x && x.compareTo((BigDecimal) b) == 0) {
                    return null;
                }
                return path + " " + shown(a) + " comes back as " + shown(b);
            }
            if (platform(ca)) {
                try {
                    return ResultCodec.write(a).equals(ResultCodec.write(b)) ? null
                            : path + " " + shown(a) + " comes back as " + shown(b);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    return null;
                }
            }
            for (Class<?> c = ca; c != null && c != Object.class; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    int m = f.getModifiers();
                    if (Modifier.isStatic(m) || Modifier.isTransient(m) || f.isSynthetic() || ignored(f)) {
                        continue;
                    }
                    if (!open(f)) {
                        return null; // a class this code may not look into: taken as faithful
                    }
                    Object va;
                    Object vb;
                    try {
                        va = f.get(a);
                        vb = f.get(b);
                    } catch (IllegalAccessException e) {
                        return null;
                    }
                    String d = diff(va, vb, path + "." + f.getName(), depth + 1);
                    if (d != null) {
                        return d + (Modifier.isPublic(m) ? "" : " (a private field is stored only when JSON sees it: through"
                                + " a getter, a public field, @JsonProperty, or a record component)");
                    }
                }
            }
            return null;
        }
    }

    private static boolean open(AccessibleObject member) {
        try {
            member.setAccessible(true);
            return true;
        } catch (RuntimeException e) { // InaccessibleObjectException, SecurityException
            return false;
        }
    }

    private static boolean ignored(Field f) {
        for (var annotation : f.getAnnotations()) {
            if (annotation.annotationType().getSimpleName().equals("JsonIgnore")) {
                return true;
            }
        }
        return false;
    }

    private static final ClassValue<Boolean> DEFINES_EQUALS = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            try {
                return type.getMethod("equals", Object.class).getDeclaringClass() != Object.class;
            } catch (NoSuchMethodException e) {
                return false;
            }
        }
    };

    private static boolean definesEquals(Class<?> type) {
        return DEFINES_EQUALS.get(type);
    }

    private static boolean platform(Class<?> type) {
        String name = type.getName();
        return name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.") || name.startsWith("sun.");
    }

    private static String typeOf(@Nullable Object value) {
        return value == null ? "null" : value.getClass().getName();
    }

    /** A short, masked text of {@code value} for the log. */
    private static String shown(@Nullable Object value) {
        if (value == null) {
            return "null";
        }
        String text;
        try {
            text = value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
        } catch (RuntimeException e) {
            text = typeOf(value);
        }
        text = Masker.mask(text);
        return text.length() > MAX_SHOWN ? text.substring(0, MAX_SHOWN) + "..." : text;
    }
}
