package dev.sluice.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.SluiceRuntime;
import dev.sluice.block.Block;
import dev.sluice.block.BlockId;
import dev.sluice.block.BlockStore;
import dev.sluice.block.Blocks;
import dev.sluice.block.Encrypted;
import dev.sluice.block.Secret;
import dev.sluice.server.internal.Views.BlockRow;
import dev.sluice.server.internal.Views.Field;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Saved blocks as the dashboard shows them. A secret never leaves this class: a value stored as a
 * secret ({@code {"$secret": ...}}), a field of type {@link Secret} or marked {@link Encrypted} in the
 * block's record (when its type is on the class path), and, for a block of an unknown type in a store
 * that keeps secrets in plain text (environment variables), every text value, are all shown as
 * {@value #MASK}. Every other value is passed through {@link Secret#mask} too.
 */
final class BlockViews {
    static final String MASK = "**********";
    private final BlockStore store;
    private final SluiceRuntime runtime;

    BlockViews(BlockStore store) {
        this.store = store;
        this.runtime = SluiceRuntime.builder().withoutExtensions().blockStore(store).build();
    }

    String description() {
        return Secret.mask(store.description());
    }

    boolean writable() {
        return store.isWritable();
    }

    /** Deletes block {@code id}; false if there was none. */
    boolean delete(BlockId id) {
        if (!store.isWritable()) {
            throw new HttpError(409, "the block store " + description() + " is read-only");
        }
        try {
            return store.delete(id);
        } catch (dev.sluice.block.BlockStoreUnavailableException e) {
            throw e;
        } catch (dev.sluice.block.BlockException e) {
            throw new HttpError(409, Secret.mask(e.getMessage())); // in a read-only store of the chain
        }
    }

    List<BlockRow> all() {
        List<BlockRow> rows = new ArrayList<>();
        for (BlockId id : store.list()) {
            rows.add(row(id));
        }
        return rows;
    }

    private BlockRow row(BlockId id) {
        Optional<String> doc;
        try {
            doc = store.read(id);
        } catch (RuntimeException e) {
            return new BlockRow(id.type(), id.name(), List.of(), "cannot be read: " + Secret.mask(e.getClass().getSimpleName()));
        }
        if (doc.isEmpty()) {
            return new BlockRow(id.type(), id.name(), List.of(), "gone");
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(doc.get());
        } catch (Exception e) {
            return new BlockRow(id.type(), id.name(), List.of(), "not valid JSON");
        }
        Optional<JsonNode> canonical = canonical(id);
        if (canonical.isPresent()) {
            // the block as its type writes it: every secret, nested ones and those in lists and maps included,
            // is {"$secret": ...} there, whichever store it came from (an environment variable holds plain text)
            node = canonical.get();
        }
        Set<String> secretFields = new HashSet<>();
        Set<String> plainFields = new HashSet<>();
        boolean typeKnown = fields(id, secretFields, plainFields);
        boolean maskAllText = !typeKnown && !store.isWritable();
        // a block that does not load as its type is shown from the stored text, which in a read-only store
        // (environment variables) or in a chain that holds one keeps secrets as plain text, nested ones too:
        // then only fields of plain types (text, numbers, times, enums, lists of those) that are not secrets are shown
        boolean onlyPlain = typeKnown && canonical.isEmpty();
        List<Field> fields = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (e.getKey().startsWith("$")) {
                continue;
            }
            boolean hide = secretFields.contains(e.getKey()) || (onlyPlain && !plainFields.contains(e.getKey()));
            JsonNode shown = hide ? Json.MAPPER.getNodeFactory().textNode(MASK) : masked(e.getValue(), maskAllText);
            fields.add(new Field(e.getKey(), shown.isTextual() ? shown.asText() : Secret.mask(shown.toString()), shown.isTextual()));
        }
        return new BlockRow(id.type(), id.name(), fields, typeKnown ? null : maskAllText
                ? "type not on the server's class path: text values hidden"
                : "type not on the server's class path: values saved as secrets hidden, the others shown");
    }

    /**
     * Block {@code id} loaded as its type and saved again to a store in memory, as the document that
     * save writes; empty when it does not load (its type is not known here, or its stored form is not valid).
     */
    private Optional<JsonNode> canonical(BlockId id) {
        try {
            Block block = runtime.call(() -> Blocks.load(id.toString()));
            BlockStore scratch = BlockStore.inMemory();
            try (SluiceRuntime r = SluiceRuntime.builder().withoutExtensions().blockStore(scratch).build()) {
                r.run(() -> Blocks.save(id.name(), block, true));
            }
            Optional<String> written = scratch.read(id);
            return written.isEmpty() ? Optional.empty() : Optional.of(Json.MAPPER.readTree(written.get()));
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /**
     * Adds the names of {@code id}'s record components that hold secrets, and of those of plain types;
     * false if the type is not known here.
     */
    private boolean fields(BlockId id, Set<String> secrets, Set<String> plain) {
        Class<? extends Block> type;
        try {
            // by slug, not by loading it: a block that does not load is still of a known type (with known secrets)
            type = runtime.call(Blocks::types).stream().filter(s -> s.slug().equals(id.type())).findFirst()
                    .<Class<? extends Block>>map(dev.sluice.block.BlockSchema::type)
                    .orElseGet(() -> runtime.call(() -> Blocks.load(id.type() + "/" + id.name()).getClass()));
        } catch (RuntimeException e) {
            return false;
        }
        RecordComponent[] components = type.getRecordComponents();
        if (components == null) {
            return false;
        }
        for (RecordComponent c : components) {
            if (c.getType() == Secret.class || c.isAnnotationPresent(Encrypted.class)
                    || c.getAccessor().isAnnotationPresent(Encrypted.class)) {
                secrets.add(c.getName());
            } else if (plain(c.getGenericType())) {
                plain.add(c.getName());
            }
        }
        return true;
    }

    private static boolean plain(java.lang.reflect.Type t) {
        if (t instanceof Class<?> c) {
            return c.isPrimitive() || c.isEnum() || c == String.class || Number.class.isAssignableFrom(c)
                    || c == Boolean.class || c == Character.class || java.time.temporal.Temporal.class.isAssignableFrom(c)
                    || c == java.time.Duration.class || c == java.net.URI.class || c == java.nio.file.Path.class;
        }
        if (t instanceof java.lang.reflect.ParameterizedType p && p.getRawType() instanceof Class<?> raw
                && (java.util.Collection.class.isAssignableFrom(raw) || raw == Optional.class)) {
            for (java.lang.reflect.Type a : p.getActualTypeArguments()) {
                if (!plain(a)) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    private static JsonNode masked(JsonNode node, boolean allText) {
        var f = Json.MAPPER.getNodeFactory();
        if (node.isObject()) {
            if (node.size() == 1 && node.has("$secret")) {
                return f.textNode(MASK);
            }
            var copy = f.objectNode();
            node.properties().forEach(e -> copy.set(e.getKey(), masked(e.getValue(), allText)));
            return copy;
        }
        if (node.isArray()) {
            var copy = f.arrayNode();
            node.forEach(n -> copy.add(masked(n, allText)));
            return copy;
        }
        if (node.isTextual()) {
            return f.textNode(allText ? MASK : url(Secret.mask(node.asText())));
        }
        return node;
    }

    private static final java.util.regex.Pattern URL = java.util.regex.Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:\\S*");

    /**
     * {@code text} itself, or when it is a URL (a scheme, no white space) its form without the parameters and
     * with the user info masked, as the history shows its database's URL ({@link dev.sluice.block.JdbcUrls#redacted}):
     * a password in {@code ?password=} or in {@code user:password@} never reaches a viewer.
     */
    static String url(String text) {
        if (!URL.matcher(text).matches() || (text.indexOf('?') < 0 && text.indexOf(';') < 0 && text.indexOf('@') < 0)) {
            return text;
        }
        return dev.sluice.block.JdbcUrls.redacted(text);
    }
}
