package dev.sluice.scheduler.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.scheduler.Parameter;
import dev.sluice.scheduler.ParameterType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parameter schemas as JSON Schema (the subset forms need): an object with one property per
 * parameter in order, {@code required}, and {@code additionalProperties: false}. A pattern is
 * written anchored ({@code ^(?:...)$}) so JSON Schema (which searches) and HTML forms (which match
 * the whole value) read it alike.
 */
public final class SchemaJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private SchemaJson() {
    }

    /** The JSON text of {@code parameters}. */
    public static String write(List<Parameter> parameters) {
        ObjectNode root = NODES.objectNode();
        root.put("type", "object");
        ObjectNode properties = root.putObject("properties");
        ArrayNode required = NODES.arrayNode();
        for (Parameter p : parameters) {
            ObjectNode node = properties.putObject(p.name());
            switch (p.type()) {
                case STRING, CHOICE -> node.put("type", "string");
                case INTEGER -> node.put("type", "integer");
                case NUMBER -> node.put("type", "number");
                case BOOLEAN -> node.put("type", "boolean");
                case DATE -> node.put("type", "string").put("format", "date");
                case DATE_TIME -> node.put("type", "string").put("format", "local-date-time");
                case INSTANT -> node.put("type", "string").put("format", "date-time");
            }
            if (p.type() == ParameterType.CHOICE) {
                ArrayNode choices = node.putArray("enum");
                p.choices().forEach(choices::add);
            }
            p.minimum().ifPresent(m -> node.set("minimum", number(m)));
            p.maximum().ifPresent(m -> node.set("maximum", number(m)));
            p.pattern().ifPresent(r -> node.put("pattern", "^(?:" + r + ")$"));
            p.defaultValue().ifPresent(d -> node.set("default", value(d)));
            p.description().ifPresent(d -> node.put("description", d));
            if (p.isRequired()) {
                required.add(p.name());
            }
        }
        root.set("required", required);
        root.put("additionalProperties", false);
        try {
            return Json.MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a parameter schema as JSON", e);
        }
    }

    private static JsonNode number(BigDecimal d) {
        BigDecimal c = Values.canonical(d);
        return c.scale() == 0 ? NODES.numberNode(c.toBigIntegerExact()) : NODES.numberNode(c);
    }

    private static JsonNode value(Object v) {
        if (v instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        if (v instanceof Long l) {
            return NODES.numberNode(l);
        }
        if (v instanceof BigInteger i) {
            return NODES.numberNode(i);
        }
        if (v instanceof BigDecimal d) {
            return NODES.numberNode(d);
        }
        return NODES.textNode(v.toString());
    }

    /**
     * Reads what {@link #write} writes (and JSON Schema of the same shape from elsewhere).
     *
     * @throws IllegalArgumentException naming the property that does not fit
     */
    public static List<Parameter> read(String json) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("parameter schema is not JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("parameter schema must be a JSON object, was " + (root == null ? "empty" : root.getNodeType()));
        }
        if (root.has("type") && !root.path("type").asText().equals("object")) {
            throw new IllegalArgumentException("parameter schema must have type 'object', was '" + root.path("type").asText() + "'");
        }
        Set<String> required = new HashSet<>();
        root.path("required").forEach(n -> required.add(n.asText()));
        List<Parameter> out = new ArrayList<>();
        JsonNode properties = root.path("properties");
        if (!properties.isMissingNode() && !properties.isObject()) {
            throw new IllegalArgumentException("parameter schema: 'properties' must be an object");
        }
        for (Map.Entry<String, JsonNode> e : properties.properties()) {
            try {
                out.add(parameter(e.getKey(), e.getValue(), required.contains(e.getKey())));
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("parameter schema, property '" + e.getKey() + "': " + ex.getMessage(), ex);
            }
        }
        for (String name : required) {
            if (!properties.has(name)) {
                throw new IllegalArgumentException("parameter schema: '" + name + "' is required but has no property");
            }
        }
        return out;
    }

    private static Parameter parameter(String name, JsonNode node, boolean required) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("must be an object");
        }
        String type = node.path("type").asText("");
        String format = node.path("format").asText("");
        Parameter p;
        if (node.has("enum")) {
            List<String> choices = new ArrayList<>();
            node.path("enum").forEach(c -> choices.add(c.asText()));
            p = Parameter.choice(name, choices);
        } else {
            p = switch (type) {
                case "string" -> switch (format) {
                    case "date" -> Parameter.date(name);
                    case "local-date-time" -> Parameter.dateTime(name);
                    case "date-time" -> Parameter.instant(name);
                    default -> Parameter.string(name);
                };
                case "integer" -> Parameter.integer(name);
                case "number" -> Parameter.number(name);
                case "boolean" -> Parameter.bool(name);
                default -> throw new IllegalArgumentException("type '" + type
                        + "' is not one parameters take (string, integer, number, boolean)");
            };
        }
        if (node.has("minimum")) {
            p = p.withMinimum(node.get("minimum").decimalValue());
        }
        if (node.has("maximum")) {
            p = p.withMaximum(node.get("maximum").decimalValue());
        }
        if (node.has("pattern")) {
            String r = node.get("pattern").asText();
            p = p.withPattern(r.startsWith("^(?:") && r.endsWith(")$") ? r.substring(4, r.length() - 2) : "(?s).*(?:" + r + ").*");
        }
        if (node.has("description")) {
            p = p.withDescription(node.get("description").asText());
        }
        JsonNode d = node.get("default");
        if (d != null && !d.isNull()) {
            p = p.withDefault(d.isIntegralNumber() ? d.bigIntegerValue() : d.isNumber() ? d.decimalValue()
                    : d.isBoolean() ? (Object) d.booleanValue() : d.asText());
        }
        if (!required && p.isRequired()) {
            p = p.optional();
        }
        return p;
    }
}
