package dev.sluice.internal;

import java.lang.reflect.Array;
import java.time.Duration;
import java.time.temporal.TemporalAccessor;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What a finished run keeps of its arguments: small plain values as they are, anything else as a
 * short masked text, so a run record never keeps a million rows (or a client) reachable.
 */
final class Parameters {
    static final int MAX_TEXT = 200;
    static final int MAX_ITEMS = 20;

    private Parameters() {
    }

    static Map<String, @Nullable Object> summarize(Map<String, @Nullable Object> parameters) {
        Map<String, @Nullable Object> out = new java.util.LinkedHashMap<>(parameters.size() * 2);
        parameters.forEach((k, v) -> out.put(k, summarize(v)));
        return out;
    }

    static @Nullable Object summarize(@Nullable Object a) {
        if (a == null || a instanceof Number || a instanceof Boolean || a instanceof Character || a instanceof Enum<?>
                || a instanceof TemporalAccessor || a instanceof Duration || a instanceof UUID
                || a instanceof dev.sluice.block.Secret) {
            return a;
        }
        if (a instanceof String s) {
            return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT) + "... (" + s.length() + " chars)";
        }
        if (a instanceof Collection<?> c && c.size() > MAX_ITEMS) {
            return a.getClass().getSimpleName() + " of " + c.size() + " items";
        }
        if (a instanceof Map<?, ?> m && m.size() > MAX_ITEMS) {
            return a.getClass().getSimpleName() + " of " + m.size() + " entries";
        }
        if (a.getClass().isArray() && Array.getLength(a) > MAX_ITEMS) {
            return a.getClass().getComponentType().getSimpleName() + "[" + Array.getLength(a) + "]";
        }
        String text;
        try {
            text = Masker.mask(a.getClass().isArray() ? arrayText(a) : String.valueOf(a));
        } catch (RuntimeException e) {
            text = a.getClass().getName() + " (toString failed: " + e.getClass().getSimpleName() + ")";
        }
        return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "...";
    }

    private static String arrayText(Object array) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < Array.getLength(array); i++) {
            sb.append(i == 0 ? "" : ", ").append(Array.get(array, i));
        }
        return sb.append(']').toString();
    }
}
