package dev.sluice.blocks.webhook.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code {{placeholder}}} templates of {@code CustomWebhook}: checking and filling them. */
public final class Templates {
    /** {@code {{name}}}, spaces inside the braces allowed. */
    public static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([^{}\\s]*)\\s*}}");
    /** The placeholders every template may use, besides the names of the block's secrets. */
    public static final Set<String> BUILT_IN = Set.of("subject", "body", "severity", "text");

    private Templates() {
    }

    /** The placeholder names in {@code template}, in order of appearance. */
    public static Set<String> placeholders(String template) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /**
     * Checks that every placeholder of {@code template} is a built-in or a secret name.
     *
     * @throws IllegalArgumentException naming {@code where} and the unknown placeholder
     */
    public static void check(String template, String where, Set<String> secretNames) {
        for (String name : placeholders(template)) {
            if (!BUILT_IN.contains(name) && !secretNames.contains(name)) {
                Set<String> known = new TreeSet<>(BUILT_IN);
                known.addAll(secretNames);
                throw new IllegalArgumentException(where + " uses placeholder {{" + name + "}}, which is unknown;"
                        + " known: " + known + " (secrets are named with CustomWebhook.Builder.secret(name, value))");
            }
        }
    }

    /** {@code template} with each placeholder replaced by {@code values.apply(name)}. */
    public static String fill(String template, Function<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(values.apply(m.group(1))));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** A copy of {@code node} with the placeholders in every string value (not keys) filled. */
    public static JsonNode fill(JsonNode node, Function<String, String> values) {
        if (node.isTextual()) {
            return TextNode.valueOf(fill(node.asText(), values));
        }
        if (node.isObject()) {
            ObjectNode copy = WebhookSender.JSON.createObjectNode();
            Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                copy.set(e.getKey(), fill(e.getValue(), values));
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = WebhookSender.JSON.createArrayNode();
            node.forEach(child -> copy.add(fill(child, values)));
            return copy;
        }
        return node;
    }

    /** Every string value of {@code node} (not keys), for checking their placeholders. */
    public static void strings(JsonNode node, java.util.function.Consumer<String> sink) {
        if (node.isTextual()) {
            sink.accept(node.asText());
        } else if (node.isContainerNode()) {
            node.forEach(child -> strings(child, sink));
        }
    }
}
