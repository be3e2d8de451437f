package dev.sluice.history.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.ErrorInfo;
import dev.sluice.State;
import dev.sluice.StateChange;
import dev.sluice.block.Secret;
import java.lang.reflect.Array;
import java.time.Duration;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** The JSON kept in text columns: tags, parameters and state history. */
public final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() { };
    private static final TypeReference<LinkedHashMap<String, @Nullable Object>> OBJECT = new TypeReference<>() { };
    private static final int MAX_TEXT = 200;
    private static final int MAX_ITEMS = 20;

    private Json() {
    }

    /** A JSON string literal. */
    public static String quote(String s) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }

    /** {@code tags} as a JSON array. */
    public static String tags(Collection<String> tags) {
        StringBuilder sb = new StringBuilder(16 + tags.size() * 12).append('[');
        boolean first = true;
        for (String t : tags) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append(quote(t));
        }
        return sb.append(']').toString();
    }

    /** The tags of a JSON array. */
    public static Set<String> readTags(@Nullable String json) {
        if (json == null || json.isEmpty() || json.equals("[]")) {
            return Set.of();
        }
        try {
            return Collections.unmodifiableSet(new LinkedHashSet<>(MAPPER.readValue(json, STRINGS)));
        } catch (JsonProcessingException e) {
            return Set.of();
        }
    }

    /** One line of a run's state history: {@code {"s":"RUNNING","t":micros,"m":"..."}}. */
    public static String historyLine(StateChange change) {
        StringBuilder sb = new StringBuilder(48).append("{\"s\":\"").append(change.state().name()).append("\",\"t\":")
                .append(Times.micros(change.at()));
        if (change.message() != null) {
            sb.append(",\"m\":").append(quote(change.message()));
        }
        return sb.append('}').toString();
    }

    /** The state changes of a history column (lines as {@link #historyLine} writes them). */
    public static List<StateChange> readHistory(@Nullable String text) {
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        List<StateChange> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode n = MAPPER.readTree(line);
                JsonNode m = n.get("m");
                out.add(new StateChange(State.valueOf(n.get("s").asText()), Times.instant(n.get("t").asLong()),
                        m == null || m.isNull() ? null : m.asText()));
            } catch (JsonProcessingException | RuntimeException e) {
                // a line this version cannot read is left out
            }
        }
        return List.copyOf(out);
    }

    /**
     * What is kept of a live argument, taken on the run's thread: cheap, immutable values as they are,
     * anything else only by its type (and size), so no {@code toString()} of user objects runs there.
     */
    public static @Nullable Object snapshot(@Nullable Object a) {
        if (a == null || a instanceof Number || a instanceof Boolean || a instanceof Character || a instanceof Enum<?>
                || a instanceof TemporalAccessor || a instanceof Duration || a instanceof UUID || a instanceof Secret) {
            return a;
        }
        if (a instanceof String s) {
            return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT) + "... (" + s.length() + " chars)";
        }
        if (a instanceof Collection<?> c) {
            return a.getClass().getSimpleName() + " of " + c.size() + " items";
        }
        if (a instanceof Map<?, ?> m) {
            return a.getClass().getSimpleName() + " of " + m.size() + " entries";
        }
        if (a.getClass().isArray()) {
            return a.getClass().getComponentType().getSimpleName() + "[" + Array.getLength(a) + "]";
        }
        return a.getClass().getName();
    }

    /** The parameters as a JSON object: numbers and booleans as they are, everything else as masked, shortened text. */
    public static String parameters(Map<String, ? extends @Nullable Object> parameters) {
        StringBuilder sb = new StringBuilder(16 + parameters.size() * 24).append('{');
        boolean first = true;
        for (Map.Entry<String, ? extends @Nullable Object> e : parameters.entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append(quote(e.getKey())).append(':'); // parameter names come from code
            Object v = plain(e.getValue());
            if (v == null) {
                sb.append("null");
            } else if (v instanceof String s) {
                sb.append(quote(s));
            } else {
                sb.append(v);
            }
        }
        return sb.append('}').toString();
    }

    private static @Nullable Object plain(@Nullable Object v) {
        if (v == null || v instanceof Boolean || v instanceof Integer || v instanceof Long || v instanceof Short
                || v instanceof Byte || v instanceof java.math.BigDecimal || v instanceof java.math.BigInteger) {
            return v;
        }
        if (v instanceof Double d && Double.isFinite(d) || v instanceof Float f && Float.isFinite(f)) {
            return v;
        }
        if (v instanceof Boolean) {
            return v;
        }
        String text;
        try {
            text = String.valueOf(v);
        } catch (RuntimeException e) {
            text = v.getClass().getName() + " (toString failed: " + e.getClass().getSimpleName() + ")";
        }
        if (v instanceof Collection<?> c && c.size() > MAX_ITEMS) {
            text = v.getClass().getSimpleName() + " of " + c.size() + " items";
        }
        text = Masking.mask(text);
        return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "...";
    }

    /** The parameters of a JSON object written by {@link #parameters}. */
    public static Map<String, @Nullable Object> readParameters(@Nullable String json) {
        if (json == null || json.isEmpty()) {
            return Map.of();
        }
        try {
            return Collections.unmodifiableMap(MAPPER.readValue(json, OBJECT));
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }

    /** The error of an error column triple, or null. */
    public static @Nullable ErrorInfo error(@Nullable String type, @Nullable String message, @Nullable String stack) {
        return type == null ? null : new ErrorInfo(type, message == null ? "" : message, stack == null ? "" : stack);
    }
}
