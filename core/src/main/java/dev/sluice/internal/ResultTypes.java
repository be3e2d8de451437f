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
            java.lang.reflect.Type generic = DECLARED.get(source.getClass()).generic(source);
            if (generic instanceof java.lang.reflect.ParameterizedType) {
                String where = Generics.misfit(value, generic, 0);
                if (where != null) {
                    return "the result" + where + ", but this task's body returns " + generic.getTypeName()
                            + " (did the task change what it returns without a new withVersion(...)?)";
                }
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
        /** The generic result type of a method reference's method or a class's functional method, else Object. */
        private volatile java.lang.reflect.@Nullable Type generic;

        java.lang.reflect.Type generic(Object body) {
            java.lang.reflect.Type g = generic;
            if (g == null) {
                try {
                    g = findGeneric(body);
                } catch (ClassNotFoundException | RuntimeException | LinkageError e) {
                    g = Object.class;
                }
                generic = g;
            }
            return g;
        }

        private java.lang.reflect.Type findGeneric(Object body) throws ClassNotFoundException {
            Class<?> c = body.getClass();
            if (c.isSynthetic()) {
                java.lang.invoke.SerializedLambda lambda = serialized(body);
                if (lambda == null || lambda.getImplMethodName().startsWith("lambda$")) {
                    return Object.class; // a lambda's body method keeps no type arguments: only its erasure is known
                }
                Class<?> owner = Class.forName(lambda.getImplClass().replace('/', '.'), false, c.getClassLoader());
                java.lang.invoke.MethodType type = java.lang.invoke.MethodType.fromMethodDescriptorString(
                        lambda.getImplMethodSignature(), c.getClassLoader());
                for (java.lang.reflect.Method m : owner.getDeclaredMethods()) {
                    if (m.getName().equals(lambda.getImplMethodName()) && m.getReturnType() == type.returnType()
                            && java.util.Arrays.equals(m.getParameterTypes(), type.parameterArray())) {
                        return m.getGenericReturnType();
                    }
                }
                return Object.class;
            }
            Class<?> best = resolveClass(body);
            for (java.lang.reflect.Method m : c.getMethods()) {
                if (!m.isBridge() && !m.getDeclaringClass().isInterface()
                        && (m.getName().equals("apply") || m.getName().equals("get")) && box(m.getReturnType()) == best) {
                    return m.getGenericReturnType();
                }
            }
            return Object.class;
        }

        private Class<?> resolveClass(Object body) {
            return resolve(body);
        }
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

    /** Checks a value read from the cache against the type arguments of a body's generic result type. */
    private static final class Generics {
        private static final int MAX_DEPTH = 8;

        private Generics() {
        }

        /**
         * Where {@code value} does not fit {@code type}, as the rest of a sentence that starts with its name
         * ({@code "'s element 0 is a java.lang.String"}), or null; no text is made for what fits.
         */
        static @Nullable String misfit(@Nullable Object value, java.lang.reflect.Type type, int depth) {
            if (value == null || depth > MAX_DEPTH) {
                return null;
            }
            if (type instanceof Class<?> c) {
                Class<?> boxed = c.isPrimitive() ? java.lang.invoke.MethodType.methodType(c).wrap().returnType() : c;
                return boxed.isInstance(value) ? null : " is a " + value.getClass().getName();
            }
            if (!(type instanceof java.lang.reflect.ParameterizedType p) || !(p.getRawType() instanceof Class<?> raw)) {
                return null; // a type variable or wildcard: anything may fit
            }
            if (!raw.isInstance(value)) {
                return " is a " + value.getClass().getName();
            }
            java.lang.reflect.Type[] args = p.getActualTypeArguments();
            if (value instanceof java.util.Map<?, ?> map && java.util.Map.class.isAssignableFrom(raw) && args.length == 2) {
                for (java.util.Map.Entry<?, ?> e : map.entrySet()) {
                    String where = misfit(e.getKey(), args[0], depth + 1);
                    if (where != null) {
                        return "'s key " + e.getKey() + where;
                    }
                    where = misfit(e.getValue(), args[1], depth + 1);
                    if (where != null) {
                        return "'s entry " + e.getKey() + where;
                    }
                }
            } else if (value instanceof java.util.Collection<?> items && java.util.Collection.class.isAssignableFrom(raw)
                    && args.length == 1) {
                int i = 0;
                for (Object item : items) {
                    String where = misfit(item, args[0], depth + 1);
                    if (where != null) {
                        return "'s element " + i + where;
                    }
                    i++;
                }
            } else if (value instanceof java.util.Optional<?> o && raw == java.util.Optional.class && args.length == 1) {
                String where = o.isPresent() ? misfit(o.get(), args[0], depth + 1) : null;
                return where == null ? null : "'s value" + where;
            }
            return null;
        }
    }
}
