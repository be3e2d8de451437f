package dev.sluice.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Array;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.time.temporal.TemporalAccessor;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What a finished run keeps of its arguments: small plain values as they are, anything else as a
 * short masked text, so a run record never keeps a million rows (or a client) reachable.
 *
 * <p>The text is rendered here, within a budget, never by calling an argument's own
 * {@code toString()} whole: records by their components, collections, maps and arrays by their
 * first elements (or their size past {@link #MAX_ITEMS}), JDK values by their text, and any other
 * object by its class name. So summarizing costs about the same whatever the argument holds.
 * Text is masked before it is shortened (within the first {@link #MASK_WINDOW} characters of each
 * string), so a secret across the cut is masked whole.
 */
final class Parameters {
    static final int MAX_TEXT = 200;
    static final int MAX_ITEMS = 20;
    /** How much of a string is masked before it is cut: secrets longer than this may leak a prefix. */
    static final int MASK_WINDOW = 4_096;
    private static final int MAX_DEPTH = 4;

    private Parameters() {
    }

    /**
     * The names a finished run's parameters are shown under, for {@code args}: the component names of
     * a single record argument (unless the names were given), else the spec's parameter names. The
     * same rule as {@link Spec#parameters}, with the record's components looked up once per class.
     */
    static List<String> names(Spec spec, @Nullable Object[] args) {
        if (args.length == 1 && args[0] != null && !spec.namesGiven()) {
            RecordInfo info = RECORDS.get(args[0].getClass()); // a class value: Class.isRecord() is a native call
            if (info != null && info.readable) {
                return info.names;
            }
        }
        return spec.parameterNames();
    }

    /** The summarized values of {@code args} under {@code names} (see {@link #names}). */
    static @Nullable Object[] summarize(Spec spec, List<String> names, @Nullable Object[] args) {
        if (names != spec.parameterNames()) {
            Object record = args[0];
            RecordInfo info = RECORDS.get(record.getClass());
            @Nullable Object[] out = new Object[info.accessors.length];
            for (int i = 0; i < out.length; i++) {
                Object value;
                try {
                    value = (Object) info.accessors[i].invokeExact(record);
                } catch (Throwable e) {
                    value = "(unreadable: " + e.getClass().getSimpleName() + ")";
                }
                out[i] = summarize(value);
            }
            return out;
        }
        @Nullable Object[] out = args; // kept as it is when every argument is its own summary
        for (int i = 0; i < args.length; i++) {
            Object s = summarize(args[i]);
            if (s != args[i]) {
                if (out == args) {
                    out = args.clone();
                }
                out[i] = s;
            }
        }
        return out;
    }

    static @Nullable Object summarize(@Nullable Object a) {
        if (a == null || a instanceof Number || a instanceof Boolean || a instanceof Character || a instanceof Enum<?>
                || a instanceof TemporalAccessor || a instanceof Duration || a instanceof UUID
                || a instanceof dev.sluice.block.Secret) {
            return a;
        }
        if (a instanceof String s) {
            String masked = maskWindow(s);
            return masked.length() <= MAX_TEXT ? masked
                    : masked.substring(0, dev.sluice.notify.TextCuts.boundaryAtOrBefore(masked, MAX_TEXT)) + "... ("
                            + s.length() + " chars)"; // never half an emoji, which would be stored and shown as '?'
        }
        StringBuilder sb = new StringBuilder(MAX_TEXT + 8); // one buffer, one copy: summaries are made for every run
        try {
            append(sb, a, 0);
        } catch (RuntimeException e) {
            return a.getClass().getName() + " (not shown: " + e.getClass().getSimpleName() + ")";
        }
        if (sb.length() > MAX_TEXT) {
            sb.setLength(dev.sluice.notify.TextCuts.boundaryAtOrBefore(sb.toString(), MAX_TEXT));
            sb.append("...");
        }
        return sb.toString();
    }

    /** {@code s} masked, looking at its first {@link #MASK_WINDOW} characters only. */
    private static String maskWindow(String s) {
        return Masker.mask(s.length() <= MASK_WINDOW ? s : s.substring(0, MASK_WINDOW));
    }

    /** Appends {@code v} to {@code sb}, stopping once {@code sb} is past {@link #MAX_TEXT}. */
    private static void append(StringBuilder sb, @Nullable Object v, int depth) {
        if (sb.length() > MAX_TEXT) {
            return;
        }
        if (v == null) {
            sb.append("null");
        } else if (v instanceof CharSequence cs) {
            String s = cs.length() > MASK_WINDOW ? cs.subSequence(0, MASK_WINDOW).toString() : cs.toString();
            String masked = Masker.mask(s);
            sb.append(masked, 0, Math.min(masked.length(), MAX_TEXT + 1 - sb.length())); // past MAX_TEXT it is cut anyway
        } else if (v instanceof Enum<?> e) {
            sb.append(e.name());
        } else if (v instanceof Integer i) {
            sb.append(i.intValue());
        } else if (v instanceof Long l) {
            sb.append(l.longValue());
        } else if (v instanceof Double d) {
            sb.append(d.doubleValue());
        } else if (v instanceof Boolean b) {
            sb.append(b.booleanValue());
        } else if (v instanceof Number || v instanceof Boolean || v instanceof Character || v instanceof UUID
                || v instanceof TemporalAccessor || v instanceof Duration || v instanceof dev.sluice.block.Secret) {
            sb.append(v);
        } else if (depth >= MAX_DEPTH) {
            sb.append(v.getClass().getSimpleName()).append("[...]");
        } else if (v instanceof Collection<?> c) {
            if (c.size() > MAX_ITEMS) {
                sb.append(v.getClass().getSimpleName()).append(" of ").append(c.size()).append(" items");
                return;
            }
            sb.append('[');
            Iterator<?> it = c.iterator();
            for (int i = 0; it.hasNext() && sb.length() <= MAX_TEXT; i++) {
                if (i > 0) {
                    sb.append(", ");
                }
                append(sb, it.next(), depth + 1);
            }
            sb.append(']');
        } else if (v instanceof Map<?, ?> m) {
            if (m.size() > MAX_ITEMS) {
                sb.append(v.getClass().getSimpleName()).append(" of ").append(m.size()).append(" entries");
                return;
            }
            sb.append('{');
            int i = 0;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (sb.length() > MAX_TEXT) {
                    break;
                }
                if (i++ > 0) {
                    sb.append(", ");
                }
                append(sb, e.getKey(), depth + 1);
                sb.append('=');
                append(sb, e.getValue(), depth + 1);
            }
            sb.append('}');
        } else if (v.getClass().isArray()) {
            int length = Array.getLength(v);
            if (length > MAX_ITEMS) {
                sb.append(v.getClass().getComponentType().getSimpleName()).append('[').append(length).append(']');
                return;
            }
            sb.append('[');
            for (int i = 0; i < length && sb.length() <= MAX_TEXT; i++) {
                if (i > 0) {
                    sb.append(", ");
                }
                append(sb, Array.get(v, i), depth + 1);
            }
            sb.append(']');
        } else if (v instanceof Optional<?> o) {
            if (o.isEmpty()) {
                sb.append("Optional.empty");
            } else {
                sb.append("Optional[");
                append(sb, o.get(), depth + 1);
                sb.append(']');
            }
        } else if (RECORDS.get(v.getClass()) != null) {
            appendRecord(sb, v, depth);
        } else if (isJdk(v.getClass())) {
            String text = String.valueOf(v);
            append(sb, text, depth + 1);
        } else {
            // a user's object: its toString() may print anything (a whole payload, a secret); its type only
            sb.append(v.getClass().getName());
        }
    }

    private static void appendRecord(StringBuilder sb, Object record, int depth) {
        RecordInfo info = RECORDS.get(record.getClass());
        if (info == null || !info.readable) {
            sb.append(record.getClass().getName());
            return;
        }
        sb.append(record.getClass().getSimpleName()).append('[');
        for (int i = 0; i < info.accessors.length && sb.length() <= MAX_TEXT; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(info.names.get(i)).append('=');
            Object value;
            try {
                value = (Object) info.accessors[i].invokeExact(record);
            } catch (Throwable e) {
                value = "(unreadable)";
            }
            append(sb, value, depth + 1);
        }
        sb.append(']');
    }

    private static boolean isJdk(Class<?> c) {
        String name = c.getName();
        return name.startsWith("java.") || name.startsWith("javax.");
    }

    /** The components of a record class, with accessors usable from here, looked up once. */
    private static final class RecordInfo {
        final List<String> names;
        final MethodHandle[] accessors;
        final boolean readable;

        RecordInfo(List<String> names, MethodHandle[] accessors, boolean readable) {
            this.names = names;
            this.accessors = accessors;
            this.readable = readable;
        }
    }

    private static final ClassValue<@Nullable RecordInfo> RECORDS = new ClassValue<>() {
        @Override
        protected @Nullable RecordInfo computeValue(Class<?> type) {
            if (!Record.class.isAssignableFrom(type) || !type.isRecord()) {
                return null;
            }
            RecordComponent[] components = type.getRecordComponents();
            String[] names = new String[components.length];
            MethodHandle[] accessors = new MethodHandle[components.length];
            try {
                for (int i = 0; i < components.length; i++) {
                    names[i] = components[i].getName();
                    var accessor = components[i].getAccessor();
                    accessor.setAccessible(true);
                    accessors[i] = MethodHandles.lookup().unreflect(accessor)
                            .asType(MethodType.methodType(Object.class, Object.class));
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                return new RecordInfo(List.of(), new MethodHandle[0], false);
            }
            return new RecordInfo(List.of(names), accessors, true);
        }
    };
}
