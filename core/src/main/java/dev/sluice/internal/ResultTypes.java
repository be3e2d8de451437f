package dev.sluice.internal;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * What a task's result may be, so a cache hit of another type (an entry stored by an earlier body of
 * the same name and version, or a file edited by hand) is a logged miss rather than a
 * {@code ClassCastException} in the caller's code. Two sources: the result type the body was compiled
 * with (a lambda's or method reference's functional method type, read from its serialized form, or a
 * class's most specific {@code apply}/{@code get}), known before the body ever ran in this JVM; and the
 * types every result the body returned so far (and its value read back from JSON) is an instance of,
 * narrowed with each new result, which catches a generic body whose compiled type is only
 * {@code Object}. A hit must fit both. Kept per body class ({@code ClassValue}) and per body (weakly),
 * so tasks made and dropped leave nothing behind.
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
        if (value == null) {
            return null;
        }
        Object source = spec.source();
        if (source != null) {
            Class<?> declared = DECLARED.get(source.getClass()).resolve(source);
            if (declared != Object.class && !declared.isInstance(value)) {
                return "it holds a " + value.getClass().getName() + ", but this task's body returns " + declared.getName()
                        + " (did the task change what it returns without a new withVersion(...)?)";
            }
        }
        if (TYPES.isEmpty()) {
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

    /**
     * The (boxed) parameter types {@code body}'s functional method was compiled for, when it is a
     * lambda or method reference whose serialized form says so; else null (unknown).
     */
    static Class<?> @Nullable [] parameterTypes(Object body) {
        return DECLARED.get(body.getClass()).parameters(body);
    }

    /** The result type each body class was compiled with, learnt from its first instance. */
    private static final ClassValue<Declared> DECLARED = new ClassValue<>() {
        @Override
        protected Declared computeValue(Class<?> type) {
            return new Declared();
        }
    };

    /**
     * The result type a body's class declares: for a lambda or method reference, the return type of
     * the functional method it was compiled for (read from its serialized form, which the value-returning
     * bodies of {@code dev.sluice.function} allow), else of the implementation method; for a class, its
     * most specific non-bridge functional method. {@code Object} when unknown, which every value fits.
     */
    private static final class Declared {
        private volatile @Nullable Class<?> type;
        /** The parameter types; an empty array when unknown. */
        private volatile Class<?> @Nullable [] parameters;

        Class<?> @Nullable [] parameters(Object body) {
            Class<?>[] p = parameters;
            if (p == null) {
                try {
                    p = findParameters(body);
                } catch (RuntimeException | LinkageError e) {
                    p = new Class<?>[0];
                }
                parameters = p;
            }
            return p.length == 0 ? null : p;
        }

        private static Class<?>[] findParameters(Object body) {
            java.lang.invoke.SerializedLambda lambda = serialized(body);
            if (lambda == null) {
                return new Class<?>[0];
            }
            try {
                return java.lang.invoke.MethodType.fromMethodDescriptorString(lambda.getInstantiatedMethodType(),
                        body.getClass().getClassLoader()).wrap().parameterArray();
            } catch (TypeNotPresentException | IllegalArgumentException e) {
                return new Class<?>[0];
            }
        }

        /** The serialized form of a lambda or method reference compiled to be serializable, else null. */
        private static java.lang.invoke.@Nullable SerializedLambda serialized(Object body) {
            Class<?> c = body.getClass();
            if (!c.isSynthetic() || !(body instanceof java.io.Serializable)) {
                return null;
            }
            try {
                java.lang.reflect.Method replace = c.getDeclaredMethod("writeReplace");
                replace.setAccessible(true);
                return replace.invoke(body) instanceof java.lang.invoke.SerializedLambda lambda ? lambda : null;
            } catch (ReflectiveOperationException e) {
                return null;
            }
        }

        Class<?> resolve(Object body) {
            Class<?> t = type;
            if (t == null) {
                try {
                    t = find(body);
                } catch (RuntimeException | LinkageError e) {
                    t = Object.class; // a named module that does not open the body's package, a class not found: unknown
                }
                type = t;
            }
            return t;
        }

        private static Class<?> find(Object body) {
            Class<?> c = body.getClass();
            ClassLoader loader = c.getClassLoader();
            if (c.isSynthetic() && body instanceof java.io.Serializable) {
                java.lang.invoke.SerializedLambda lambda = serialized(body);
                if (lambda == null) {
                    return Object.class;
                }
                Class<?> r = returnType(lambda.getInstantiatedMethodType(), loader);
                return r != Object.class ? r : returnType(lambda.getImplMethodSignature(), loader);
            }
            Class<?> best = Object.class;
            for (java.lang.reflect.Method m : c.getMethods()) {
                if (!m.isBridge() && !m.getDeclaringClass().isInterface()
                        && (m.getName().equals("apply") || m.getName().equals("get"))
                        && best.isAssignableFrom(box(m.getReturnType()))) {
                    best = box(m.getReturnType());
                }
            }
            return best;
        }

        /** The (boxed) return type in a method descriptor such as {@code (Ljava/lang/Integer;)Ljava/lang/String;}. */
        private static Class<?> returnType(String descriptor, @Nullable ClassLoader loader) {
            String r = descriptor.substring(descriptor.indexOf(')') + 1);
            switch (r.charAt(0)) {
                case 'V':
                    return Object.class; // an action: its null result fits anything
                case 'Z':
                    return Boolean.class;
                case 'B':
                    return Byte.class;
                case 'C':
                    return Character.class;
                case 'S':
                    return Short.class;
                case 'I':
                    return Integer.class;
                case 'J':
                    return Long.class;
                case 'F':
                    return Float.class;
                case 'D':
                    return Double.class;
                default:
                    break;
            }
            String name = r.charAt(0) == 'L' ? r.substring(1, r.length() - 1) : r;
            try {
                return Class.forName(name.replace('/', '.'), false, loader);
            } catch (ClassNotFoundException e) {
                return Object.class;
            }
        }

        private static Class<?> box(Class<?> type) {
            return type.isPrimitive() ? java.lang.invoke.MethodType.methodType(type).wrap().returnType() : type;
        }
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
