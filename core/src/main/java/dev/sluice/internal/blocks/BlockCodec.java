package dev.sluice.internal.blocks;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.block.Block;
import dev.sluice.block.BlockException;
import dev.sluice.block.BlockId;
import dev.sluice.block.BlockRef;
import dev.sluice.block.Encrypted;
import dev.sluice.block.Secret;
import dev.sluice.internal.Masker;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns block records into store documents and back. Unlike Jackson's default view of a block
 * (where a {@link Secret} is {@code **********}), documents carry secret values as
 * {@code {"$secret": "..."}} for the store to protect. Handles required and unknown fields,
 * {@code Optional} components, blocks held inline and {@link BlockRef references} to saved blocks.
 */
public final class BlockCodec {
    private static final Logger LOG = LoggerFactory.getLogger("dev.sluice.block.Blocks");

    /** Resolves a nested block reference by name. */
    @FunctionalInterface
    public interface Resolver {
        /** The block {@code id}, loaded as {@code type}. */
        Block load(Class<? extends Block> type, BlockId id);
    }

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new SimpleModule("sluice-store-secrets")
                    .addSerializer(Secret.class, new SecretWriter())
                    .addDeserializer(Secret.class, new SecretReader()))
            .addModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
            .addModule(new com.fasterxml.jackson.datatype.jdk8.Jdk8Module())
            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private BlockCodec() {
    }

    /** The document for {@code block}, secret values included. */
    public static String encode(BlockId id, Block block) {
        return Documents.print(encodeRecord(block, block.getClass(), id, ""));
    }

    private static ObjectNode encodeRecord(Object block, Class<?> declared, BlockId id, String prefix) {
        ObjectNode node = MAPPER.createObjectNode();
        Class<?> type = block.getClass();
        if (!type.equals(declared)) {
            node.put(Documents.TYPE, BlockId.slugOf(type.asSubclass(Block.class)));
        }
        for (RecordComponent c : type.getRecordComponents()) {
            Object value = get(c, block);
            if (value instanceof Optional<?> optional) {
                value = optional.orElse(null);
            }
            if (value == null) {
                if (c.getType() != Optional.class && !isNullable(c)) {
                    // saved so, the block could never be loaded again ("lacks required field")
                    throw new BlockException("block '" + id.name() + "' of type " + id.type() + " cannot be saved: its"
                            + " required field '" + prefix + c.getName() + "' is null, and a block saved so could not be"
                            + " loaded; give it a value, or make the record component @Nullable or Optional");
                }
                continue;
            }
            if (value instanceof Block nested && Block.class.isAssignableFrom(c.getType())) {
                node.set(c.getName(), encodeRecord(nested, c.getType(), id, prefix + c.getName() + "."));
                continue;
            }
            if (value instanceof BlockRef<?> ref) {
                node.put(c.getName(), ref.toString());
                continue;
            }
            if (c.isAnnotationPresent(Encrypted.class)) {
                // kept like a secret: the store encrypts it, a reader parses the JSON back
                try {
                    node.set(c.getName(), MAPPER.createObjectNode().put(Documents.SECRET, MAPPER.writeValueAsString(value)));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new BlockException("field '" + c.getName() + "' of " + type.getName() + " cannot be written as JSON", e);
                }
                continue;
            }
            node.set(c.getName(), MAPPER.valueToTree(value));
        }
        return node;
    }

    private static @Nullable Object get(RecordComponent c, Object record) {
        try {
            var accessor = c.getAccessor();
            accessor.setAccessible(true);
            return accessor.invoke(record);
        } catch (IllegalAccessException | RuntimeException e) {
            throw new BlockException("cannot read field '" + c.getName() + "' of " + record.getClass().getName()
                    + "; make the record public or open its package", e);
        } catch (InvocationTargetException e) {
            throw new BlockException("the accessor of field '" + c.getName() + "' of " + record.getClass().getName()
                    + " threw " + e.getCause().getClass().getName(), e.getCause());
        }
    }

    /**
     * The block {@code id} from its {@code document}.
     *
     * @throws BlockException if a required field is missing, a field has the wrong shape, or the
     *         record's constructor rejects the values
     */
    public static <T extends Block> T decode(Class<T> type, BlockId id, String document, Resolver resolver) {
        ObjectNode node = Documents.parseObject(document, "stored block '" + id + "'");
        return type.cast(decodeRecord(type, node, id, "", resolver));
    }

    private static Object decodeRecord(Class<?> type, ObjectNode node, BlockId id, String path, Resolver resolver) {
        if (!type.isRecord()) {
            throw new BlockException("block type " + type.getName() + " must be a record");
        }
        RecordComponent[] components = type.getRecordComponents();
        Set<String> known = new HashSet<>();
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            known.add(c.getName());
            types[i] = c.getType();
            values[i] = decodeField(c, node.get(c.getName()), id, path + c.getName(), resolver);
        }
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f) && !Documents.TYPE.equals(f)) {
                unknown.add(path + f);
            }
        }
        if (!unknown.isEmpty() && dev.sluice.internal.RuntimeState.current().firstReport(id + " " + unknown)) {
            LOG.info("block '{}' has fields that {} does not have: {}; they are ignored (save the block again to drop them)",
                    id, type.getSimpleName(), unknown);
        }
        try {
            Constructor<?> ctor = type.getDeclaredConstructor(types);
            ctor.setAccessible(true);
            return ctor.newInstance(values);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new BlockException("block '" + id + "' could not be built as " + type.getSimpleName() + ": "
                    + cause.getClass().getSimpleName() + ": " + Masker.mask(cause.getMessage()), cause);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new BlockException("block '" + id + "' could not be built as " + type.getName()
                    + "; make the record public or open its package", e);
        }
    }

    private static @Nullable Object decodeField(RecordComponent c, @Nullable JsonNode value, BlockId id, String path,
            Resolver resolver) {
        Class<?> raw = c.getType();
        boolean optional = raw == Optional.class;
        if (value == null || value.isNull() || value.isMissingNode()) {
            if (optional) {
                return Optional.empty();
            }
            if (!raw.isPrimitive() && isNullable(c)) {
                return null;
            }
            // a number or boolean left out is 0 or false, as in BlockSchema.fromText: the record's own default, or its refusal
            if (raw == boolean.class) {
                return false;
            }
            if (raw.isPrimitive() && raw != char.class) {
                return convert(raw, MAPPER.getNodeFactory().numberNode(0), id, path);
            }
            throw new BlockException("block '" + id + "' lacks required field '" + path + "' (" + raw.getSimpleName()
                    + "); save the block again with a value for it, or make the record component @Nullable or Optional");
        }
        if (Block.class.isAssignableFrom(raw)) {
            return decodeNested(raw.asSubclass(Block.class), value, id, path, resolver);
        }
        if (raw == BlockRef.class) {
            return decodeRef(c, value, id, path);
        }
        Type generic = optional ? optionalArgument(c) : c.getGenericType();
        if (c.isAnnotationPresent(Encrypted.class) && Documents.isSecret(value)) {
            try {
                value = MAPPER.readTree(value.get(Documents.SECRET).asText());
            } catch (IOException e) {
                throw new BlockException("encrypted field '" + path + "' of block '" + id + "' is not JSON once decrypted;"
                        + " fix the stored block or save it again");
            }
        }
        Object decoded = convert(generic, value, id, path);
        return optional ? Optional.ofNullable(decoded) : decoded;
    }

    private static Object decodeNested(Class<? extends Block> declared, JsonNode value, BlockId id, String path,
            Resolver resolver) {
        boolean concrete = declared.isRecord() && !Modifier.isAbstract(declared.getModifiers());
        if (value.isTextual()) {
            String text = value.asText();
            BlockId ref;
            Class<? extends Block> type;
            try {
                if (concrete && text.indexOf('/') < 0) {
                    ref = BlockId.of(declared, text);
                    type = declared;
                } else {
                    ref = BlockId.parse(text);
                    type = concrete ? declared : typeOf(ref.type(), id, path);
                }
            } catch (IllegalArgumentException e) {
                throw new BlockException("field '" + path + "' of block '" + id + "' refers to a block by an invalid name: "
                        + e.getMessage());
            }
            Block nested = resolver.load(type, ref);
            if (!declared.isInstance(nested)) {
                throw new BlockException("field '" + path + "' of block '" + id + "' refers to '" + ref + "', a "
                        + nested.getClass().getSimpleName() + ", not a " + declared.getSimpleName());
            }
            return nested;
        }
        if (!value.isObject()) {
            throw new BlockException("field '" + path + "' of block '" + id + "' must be a block name or a JSON object");
        }
        Class<?> type = declared;
        if (!concrete) {
            JsonNode slug = value.get(Documents.TYPE);
            if (slug == null || !slug.isTextual()) {
                throw new BlockException("field '" + path + "' of block '" + id + "' holds an inline block without \""
                        + Documents.TYPE + "\"; add the block type slug or refer to a saved block as 'slug/name'");
            }
            type = typeOf(slug.asText(), id, path);
        }
        return decodeRecord(type, (ObjectNode) value, id, path + ".", resolver);
    }

    private static BlockRef<?> decodeRef(RecordComponent c, JsonNode value, BlockId id, String path) {
        Class<? extends Block> target = null;
        if (c.getGenericType() instanceof ParameterizedType p && p.getActualTypeArguments()[0] instanceof Class<?> k
                && Block.class.isAssignableFrom(k)) {
            target = k.asSubclass(Block.class);
        }
        if (target == null) {
            throw new BlockException("field '" + path + "' of block type " + c.getDeclaringRecord().getName()
                    + " must name the referred type: BlockRef<SomeBlock>");
        }
        if (!value.isTextual()) {
            throw new BlockException("field '" + path + "' of block '" + id + "' must be a block name ('slug/name' or 'name')");
        }
        String text = value.asText();
        try {
            String name = text;
            if (text.indexOf('/') >= 0) {
                BlockId ref = BlockId.parse(text);
                String expected = BlockId.slugOf(target);
                if (!ref.type().equals(expected)) {
                    throw new BlockException("field '" + path + "' of block '" + id + "' refers to '" + ref + "', but it"
                            + " must refer to a block of type " + expected);
                }
                name = ref.name();
            }
            return BlockRef.to(target, name);
        } catch (IllegalArgumentException e) {
            throw new BlockException("field '" + path + "' of block '" + id + "' refers to a block by an invalid name: "
                    + e.getMessage());
        }
    }

    private static Class<? extends Block> typeOf(String slug, BlockId id, String path) {
        return dev.sluice.internal.RuntimeState.current().blockTypes().find(slug).orElseThrow(() -> new BlockException("field '" + path + "' of block '" + id
                + "' holds a block of type '" + slug + "', which no BlockTypeProvider on the class path lists"));
    }

    private static @Nullable Object convert(Type type, JsonNode value, BlockId id, String path) {
        JavaType javaType = MAPPER.getTypeFactory().constructType(type);
        try {
            return MAPPER.readerFor(javaType).readValue(value);
        } catch (IOException | IllegalArgumentException e) {
            // Jackson's message quotes the value, which may be secret: name the field and the type only
            throw new BlockException("field '" + path + "' of block '" + id + "' cannot be read as "
                    + javaType.toCanonical() + "; fix the stored block or save it again");
        }
    }

    /** The fields of block record {@code type}, in order. */
    public static List<dev.sluice.block.BlockSchema.Field> fields(Class<?> type) {
        List<dev.sluice.block.BlockSchema.Field> fields = new ArrayList<>();
        for (RecordComponent c : type.getRecordComponents()) {
            boolean optional = c.getType() == Optional.class;
            boolean secret = c.getType() == Secret.class || c.isAnnotationPresent(Encrypted.class)
                    || optional && optionalArgument(c) == Secret.class;
            String typeName = c.getGenericType().getTypeName().replaceAll("\\b[a-z][a-z0-9_]*\\.", "").replace('$', '.');
            boolean zeroIfLeftOut = c.getType().isPrimitive() && c.getType() != char.class;
            fields.add(new dev.sluice.block.BlockSchema.Field(c.getName(), typeName, secret,
                    !optional && !zeroIfLeftOut && (c.getType() == char.class || !isNullable(c))));
        }
        return List.copyOf(fields);
    }

    /**
     * A block of {@code type} from the text of its fields (see {@code BlockSchema.fromText}); nested
     * blocks named in the text are loaded with {@code resolver}.
     */
    public static <T extends Block> T fromText(Class<T> type, java.util.Map<String, String> values, Resolver resolver) {
        return fromText(type, null, values, resolver);
    }

    /** {@link #fromText(Class, java.util.Map, Resolver)} for a block to be saved as {@code blockName} (named in messages). */
    public static <T extends Block> T fromText(Class<T> type, @Nullable String blockName, java.util.Map<String, String> values,
            Resolver resolver) {
        BlockId id = new BlockId(BlockId.slugOf(type), blockName == null ? "new-block" : blockName);
        ObjectNode node = MAPPER.createObjectNode();
        List<String> problems = new ArrayList<>();
        Set<String> known = new HashSet<>();
        for (RecordComponent c : type.getRecordComponents()) {
            known.add(c.getName());
            String text = values.get(c.getName());
            boolean optional = c.getType() == Optional.class;
            Type generic = optional ? optionalArgument(c) : c.getGenericType();
            boolean secret = c.getType() == Secret.class || optional && generic == Secret.class;
            // an empty text given for a text or a secret is that empty value (a SQLite database's user and password)
            boolean emptyIsValue = text != null && text.isEmpty() && (secret || generic == String.class);
            if (text == null || text.isBlank() && !emptyIsValue) {
                if (c.getType() == boolean.class) {
                    node.put(c.getName(), false); // left out: false
                    continue;
                }
                if (c.getType().isPrimitive() && c.getType() != char.class) {
                    node.put(c.getName(), 0); // left out: 0, which the block's own checks take (a default) or refuse
                    continue;
                }
                if (!optional && !isNullable(c)) {
                    problems.add("required field '" + c.getName() + "' has no value");
                }
                continue;
            }
            if (secret) {
                node.set(c.getName(), MAPPER.createObjectNode().put(Documents.SECRET, text));
                continue;
            }
            if (Block.class.isAssignableFrom(c.getType()) || c.getType() == BlockRef.class) {
                node.put(c.getName(), text.strip()); // the name of a saved block
                continue;
            }
            JsonNode value = readText(generic, text);
            if (value == null) {
                problems.add("field '" + c.getName() + "' cannot be read as "
                        + c.getGenericType().getTypeName().replaceAll("\\b[a-z][a-z0-9_]*\\.", ""));
                continue;
            }
            if (c.isAnnotationPresent(Encrypted.class)) {
                node.set(c.getName(), MAPPER.createObjectNode().put(Documents.SECRET, Documents.print(value)));
            } else {
                node.set(c.getName(), value);
            }
        }
        for (String name : new java.util.TreeSet<>(values.keySet())) {
            if (!known.contains(name)) {
                problems.add("it has no field '" + name + "'");
            }
        }
        if (!problems.isEmpty()) {
            throw new BlockException((blockName == null ? "a block of type '" + id.type() + "'" : "block '" + id + "'")
                    + " cannot be made: " + String.join("; ", problems)
                    + " (fields: " + fields(type).stream().map(f -> f.name() + (f.required() ? "" : "?")).toList() + ")");
        }
        return type.cast(decodeRecord(type, node, id, "", resolver));
    }

    /** {@code text} as the JSON value of a field of {@code type}: as a string if that converts, else parsed as JSON; null if neither. */
    private static @Nullable JsonNode readText(Type type, String text) {
        JavaType javaType = MAPPER.getTypeFactory().constructType(type);
        JsonNode asString = MAPPER.getNodeFactory().textNode(text);
        try {
            MAPPER.readerFor(javaType).readValue(asString);
            return asString;
        } catch (IOException | IllegalArgumentException e) {
            // not as a string: as JSON (a list, a map, a record)
        }
        try {
            JsonNode parsed = MAPPER.readTree(text);
            MAPPER.readerFor(javaType).readValue(parsed);
            return parsed;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    private static Type optionalArgument(RecordComponent c) {
        if (c.getGenericType() instanceof ParameterizedType p) {
            return p.getActualTypeArguments()[0];
        }
        return Object.class;
    }

    private static boolean isNullable(RecordComponent c) {
        return hasNullable(c.getAnnotatedType().getAnnotations()) || hasNullable(c.getAnnotations());
    }

    private static boolean hasNullable(Annotation[] annotations) {
        for (Annotation a : annotations) {
            if (a.annotationType().getSimpleName().equals("Nullable")) {
                return true;
            }
        }
        return false;
    }

    /** Writes a secret's value for the store. */
    static final class SecretWriter extends JsonSerializer<Secret> {
        @Override
        public void serialize(Secret value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeStartObject();
            gen.writeStringField(Documents.SECRET, value.reveal());
            gen.writeEndObject();
        }
    }

    /** Reads a secret from {@code {"$secret": "..."}} or, in hand-written JSON, a plain string. */
    static final class SecretReader extends JsonDeserializer<Secret> {
        @Override
        public Secret deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonNode node = p.readValueAsTree();
            if (node.isTextual()) {
                return Secret.of(node.asText());
            }
            if (Documents.isSecret(node)) {
                return Secret.of(node.get(Documents.SECRET).asText());
            }
            throw com.fasterxml.jackson.databind.exc.MismatchedInputException.from(p, Secret.class,
                    "a secret must be a string or {\"$secret\": \"...\"}");
        }
    }
}
