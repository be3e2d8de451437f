package dev.sluice.internal.blocks;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.block.BlockException;

/**
 * Parsing and printing of block documents. Parse errors are reported with their location only:
 * Jackson's own messages quote the offending text, which may be a secret.
 */
public final class Documents {
    /** Key of the object that stands for a secret value in a document. */
    public static final String SECRET = "$secret";
    /** Key naming the block type of an inline nested block whose field type is an interface. */
    public static final String TYPE = "$type";

    static final ObjectMapper JSON = JsonMapper.builder().build();

    private Documents() {
    }

    /**
     * Parses {@code text} as a JSON object.
     *
     * @param what what the text is, for the message ("block file /x/y.json")
     */
    public static ObjectNode parseObject(String text, String what) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new BlockException(what + " is not valid JSON" + where + "; fix it or delete it and save the block again");
        }
        if (node == null || !node.isObject()) {
            throw new BlockException(what + " is not a JSON object; fix it or delete it and save the block again");
        }
        return (ObjectNode) node;
    }

    /** Compact JSON text of {@code node}. */
    public static String print(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot print a JSON tree", e);
        }
    }

    /** Indented JSON text of {@code node}. */
    static String printPretty(JsonNode node) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot print a JSON tree", e);
        }
    }

    /** Whether {@code node} is {@code {"$secret": "..."}}. */
    static boolean isSecret(JsonNode node) {
        return node.isObject() && node.size() == 1 && node.path(SECRET).isTextual();
    }
}
