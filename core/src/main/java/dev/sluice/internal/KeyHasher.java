package dev.sluice.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.module.SimpleSerializers;
import com.fasterxml.jackson.databind.type.CollectionType;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.sluice.cache.CacheKeyException;
import dev.sluice.cache.CachePolicy;
import dev.sluice.block.Secret;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Computes cache keys: SHA-256 over the canonical JSON of
 * {@code ["sluice-cache/2", taskName, version, "inputs", arg0, arg1, ...]} (or {@code "key", fnResult}
 * for a key function). Canonical: properties and map entries sorted, sets sorted by their elements'
 * JSON, {@code java.time} as ISO text, doubles and floats by their IEEE 754 bits (hex), a {@link Secret}
 * as an HMAC of its value under the {@link LocalKey}. A value that cannot be hashed is a
 * {@link CacheKeyException} naming the task, the argument, the path inside it and the fix.
 *
 * <p>Types: where the declared type does not fix the value's type (a parameter, record component, field,
 * collection element or map value declared {@code Object}, an interface or another non-final class) a value
 * is written as {@code [typeId, json]}, except a {@code String}, {@code Integer}, {@code Boolean} or
 * {@code Double}, which JSON tells apart by itself; the type id is {@code List}, {@code Set} or {@code Map}
 * for any class of those, an enum's class name, else the value's class name. Declared {@code List},
 * {@code Set} and {@code Map} types and final types (records, {@code String}, boxed numbers) fix it, so
 * records of such values are written as plain JSON. Text that JSON would confuse with a typed form gets a
 * leading {@code ~}: doubles and floats ({@code ~d}/{@code ~f} + bits), a secret's HMAC
 * ({@code ~secret:…}), a map key that is not a string ({@code ~} + type id + {@code :} + text; map entries are
 * sorted by that text, so keys of mixed types, a null key and keys that are not comparable have an order; an object
 * key's text is its canonical JSON, so it is hashed by value like an argument), and a
 * string that itself starts with {@code ~} (one more). So values of different types never share a
 * key, and equal values do in every JVM (list, set and map classes do not count).
 */
public final class KeyHasher {
    private static final String FORMAT = "sluice-cache/2";
    private static final String EXCLUDED = "~excluded";
    private static final HexFormat HEX = HexFormat.of();
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ObjectWriter WRITER;
    /** For a position whose declared type does not fix the value's type: the value's type id is written too. */
    private static final ObjectWriter TYPED;
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> digest("SHA-256"));
    private static final ThreadLocal<Hmac> HMAC = ThreadLocal.withInitial(Hmac::new);

    static {
        SimpleModule canonical = new SimpleModule("sluice-cache-key");
        canonical.setSerializers(new CanonicalSerializers());
        SimpleSerializers keys = new SimpleSerializers();
        keys.addSerializer(Object.class, new KeySerializer());
        canonical.setKeySerializers(keys);
        JsonMapper mapper = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .addModule(new Jdk8Module())
                .addModule(canonical)
                .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .disable(SerializationFeature.FLUSH_AFTER_WRITE_VALUE)
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                .setDefaultTyping(new Typer())
                .build();
        WRITER = mapper.writer();
        TYPED = WRITER.forType(Object.class);
    }

    private KeyHasher() {
    }

    /**
     * The key of a run of the task {@code spec} with {@code args} under {@code policy}: 64 lowercase
     * hex digits.
     *
     * @throws CacheKeyException if an argument cannot be hashed or the key function fails
     */
    public static String key(Spec spec, CachePolicy policy, @Nullable Object[] args) {
        Function<List<@Nullable Object>, String> keyFunction = policy.keyFunction().orElse(null);
        String customKey = keyFunction == null ? null : customKey(spec, keyFunction, args);
        boolean[] excluded = keyFunction == null ? excluded(spec, policy) : null;
        Class<?>[] declared = keyFunction == null ? spec.parameterTypes() : null;
        MessageDigest md = SHA256.get();
        md.reset();
        DigestStream out = new DigestStream(md);
        try (JsonGenerator gen = WRITER.createGenerator(out)) {
            gen.writeStartArray();
            gen.writeString(FORMAT);
            gen.writeString(spec.name());
            gen.writeString(spec.version());
            if (customKey != null) {
                gen.writeString("key");
                gen.writeString(customKey);
            } else {
                gen.writeString("inputs");
                for (int i = 0; i < args.length; i++) {
                    if (excluded != null && excluded[i]) {
                        gen.writeString(EXCLUDED);
                    } else {
                        writeArgument(gen, spec, i, args[i], declared == null || !FIXES.get(declared[i]) ? TYPED : WRITER);
                    }
                }
            }
            gen.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing to a digest does not fail
        }
        return HEX.formatHex(md.digest());
    }

    private static void writeArgument(JsonGenerator gen, Spec spec, int i, @Nullable Object arg, ObjectWriter writer)
            throws IOException {
        try {
            writer.writeValue(gen, arg);
        } catch (CacheKeyException e) {
            throw e;
        } catch (StackOverflowError e) {
            throw unhashable(spec, i, arg, "it contains a cycle (an object that refers back to itself)", "", e);
        } catch (JsonMappingException e) {
            throw unhashable(spec, i, arg, reason(e), path(e), e);
        } catch (StreamConstraintsException e) {
            throw unhashable(spec, i, arg, reason(e), "", e);
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() instanceof JsonMappingException jme ? jme : e;
            throw unhashable(spec, i, arg, "serializing it failed with " + Engine.summary(cause), "", e);
        }
    }

    /** Why Jackson could not write a value, in words (no Jackson class names). */
    static String reason(Exception e) {
        if (e instanceof Unhashable.Refused r) {
            String what = r.typeName.contains("$$Lambda") ? "the value" : r.typeName;
            return what + " " + r.reason.replaceFirst("^it ", "");
        }
        Throwable cause = e;
        while (cause != null) {
            if (cause instanceof StreamConstraintsException || cause instanceof StackOverflowError) {
                return "it contains a cycle (an object that refers back to itself) or is nested too deep";
            }
            if (cause.getCause() == cause) {
                break;
            }
            cause = cause.getCause();
        }
        String message = String.valueOf(e.getMessage());
        if (message.contains("elf-reference") || message.contains("nfinite recursion") || message.contains("nesting depth")) {
            return "it contains a cycle (an object that refers back to itself)";
        }
        if (e instanceof InvalidDefinitionException ide && message.contains("no properties discovered")) {
            JavaType type = ide.getType();
            return (type == null ? "a value inside it" : type.getRawClass().getName())
                    + " has no properties (no getters, no public fields)";
        }
        return "serializing it failed: " + Masker.mask(e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage());
    }

    /** Where inside the value Jackson failed ({@code inner[0].callback}), or empty. */
    static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static CacheKeyException unhashable(Spec spec, int i, @Nullable Object arg, String reason, String path,
            Throwable cause) {
        String param = spec.parameterNames().get(i);
        String type = arg == null ? "null" : arg.getClass().getName();
        if (path.length() > 120) { // a cycle's path repeats itself (thousands of "[0]"): its start says where
            path = path.substring(0, 100) + "... (" + path.length() + " characters)";
        }
        return new CacheKeyException("argument '" + param + "' (index " + i + ", " + type + ") of task '" + spec.name()
                + "' cannot be hashed for its cache key" + (path.isEmpty() ? "" : " (at " + path + ")") + ": " + reason
                + "; leave it out with CachePolicy.inputs().excluding(\"" + param + "\") or give a key function with "
                + "CachePolicy.key(args -> ...)", cause);
    }

    private static boolean @Nullable [] excluded(Spec spec, CachePolicy policy) {
        if (policy.excludedNames().isEmpty() && policy.excludedIndexes().isEmpty()) {
            return null;
        }
        boolean[] excluded = new boolean[spec.arity()];
        for (int i : policy.excludedIndexes()) {
            excluded[i] = true;
        }
        List<String> names = spec.parameterNames();
        for (String name : policy.excludedNames()) {
            int i = names.indexOf(name);
            if (i < 0) {
                throw new CacheKeyException("the cache policy of task '" + spec.name() + "' excludes parameter '" + name
                        + "', but the task's parameters are " + names
                        + "; name them with withParameterNames(...) or exclude by index with excluding(int...)");
            }
            excluded[i] = true;
        }
        return excluded;
    }

    private static String customKey(Spec spec, Function<List<@Nullable Object>, String> fn, @Nullable Object[] args) {
        String key;
        try {
            key = fn.apply(java.util.Collections.unmodifiableList(Arrays.asList(args)));
        } catch (RuntimeException e) {
            throw new CacheKeyException("the cache key function of task '" + spec.name() + "' failed with "
                    + Engine.summary(e) + "; fix the function given to CachePolicy.key(...)", e);
        }
        if (key == null) {
            throw new CacheKeyException("the cache key function of task '" + spec.name()
                    + "' returned null; return a string that is equal for runs that may share a result");
        }
        return key;
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is missing from this JVM", e);
        }
    }

    /** The HMAC-SHA256 of a secret's value under the local key, as hex. */
    static String hmac(String value) {
        return HMAC.get().of(value);
    }

    /** Feeds what the generator writes straight into the digest. */
    private static final class DigestStream extends OutputStream {
        private final MessageDigest md;

        DigestStream(MessageDigest md) {
            this.md = md;
        }

        @Override
        public void write(int b) {
            md.update((byte) b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            md.update(b, off, len);
        }
    }

    /** A per-thread Mac, re-keyed when the local key changes (another SLUICE_HOME). */
    private static final class Hmac {
        private final Mac mac;
        private byte @Nullable [] key;

        Hmac() {
            try {
                mac = Mac.getInstance("HmacSHA256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
            }
        }

        String of(String value) {
            byte[] current = RuntimeState.current().localKey();
            try {
                if (current != key) {
                    mac.init(new SecretKeySpec(current, "HmacSHA256"));
                    key = current;
                }
            } catch (InvalidKeyException e) {
                throw new IllegalStateException("the local cache key was refused by HmacSHA256", e);
            }
            return HEX.formatHex(mac.doFinal(value.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
    }

    /** The serializers that make the JSON canonical, and refuse what is not a value. */
    private static final class CanonicalSerializers extends SimpleSerializers {
        private static final long serialVersionUID = 1L;

        @Override
        public @Nullable JsonSerializer<?> findSerializer(SerializationConfig config, JavaType type, BeanDescription beanDesc) {
            Class<?> raw = type.getRawClass();
            if (raw == Secret.class) {
                return SecretSerializer.INSTANCE;
            }
            if (raw == String.class) {
                return StringSerializer.INSTANCE;
            }
            if (raw == Double.class || raw == double.class) {
                return new ExactNumberSerializer();
            }
            if (raw == Float.class || raw == float.class) {
                return new ExactNumberSerializer();
            }
            String reason = Unhashable.reason(raw);
            return reason == null ? null : new Unhashable.RefusingSerializer(reason);
        }

        @Override
        public @Nullable JsonSerializer<?> findMapSerializer(SerializationConfig config,
                com.fasterxml.jackson.databind.type.MapType type, BeanDescription beanDesc, JsonSerializer<Object> keySerializer,
                TypeSerializer elementTypeSerializer, JsonSerializer<Object> elementValueSerializer) {
            // keys that are strings: Jackson's own map writer, sorted by key, each key through KeySerializer
            return type.getKeyType().getRawClass() == String.class ? null : new CanonicalMapSerializer(elementTypeSerializer);
        }

        @Override
        public @Nullable JsonSerializer<?> findCollectionSerializer(SerializationConfig config, CollectionType type,
                BeanDescription beanDesc, TypeSerializer elementTypeSerializer, JsonSerializer<Object> elementValueSerializer) {
            if (Set.class.isAssignableFrom(type.getRawClass())) {
                return new SortedSetSerializer(elementTypeSerializer);
            }
            // Jackson writes a collection of strings with the generator directly, past the string serializer
            return type.getContentType().getRawClass() == String.class ? StringsSerializer.INSTANCE : null;
        }
    }

    /** A secret as the HMAC of its value; the value itself is never written. */
    private static final class SecretSerializer extends JsonSerializer<Secret> {
        static final SecretSerializer INSTANCE = new SecretSerializer();

        @Override
        public void serialize(Secret secret, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeString("~secret:hmac-sha256:" + hmac(secret.reveal()));
        }

        @Override
        public void serializeWithType(Secret secret, JsonGenerator gen, SerializerProvider serializers, TypeSerializer typeSer)
                throws IOException {
            serialize(secret, gen, serializers); // tells itself apart
        }
    }

    /** A double or float by its exact bits, so the key does not depend on a JDK's decimal printing. */
    private static final class ExactNumberSerializer extends JsonSerializer<Number> {
        @Override
        public void serialize(Number n, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            // the IEEE 754 bits (NaNs made one), not Double.toHexString, which runs a regex per call
            gen.writeString(n instanceof Float f ? "~f" + Integer.toHexString(Float.floatToIntBits(f))
                    : "~d" + Long.toHexString(Double.doubleToLongBits(n.doubleValue())));
        }

        @Override
        public void serializeWithType(Number n, JsonGenerator gen, SerializerProvider serializers, TypeSerializer typeSer)
                throws IOException {
            serialize(n, gen, serializers); // tells itself apart
        }
    }

    /** A set as an array of its elements' canonical JSON, sorted: equal sets give equal text. */
    private static final class SortedSetSerializer extends JsonSerializer<Collection<?>> {
        private final @Nullable TypeSerializer elementTypes;

        SortedSetSerializer(@Nullable TypeSerializer elementTypes) {
            this.elementTypes = elementTypes;
        }

        @Override
        public void serializeWithType(Collection<?> set, JsonGenerator gen, SerializerProvider serializers,
                TypeSerializer typeSer) throws IOException {
            com.fasterxml.jackson.core.type.WritableTypeId id = typeSer.writeTypePrefix(gen,
                    typeSer.typeId(set, com.fasterxml.jackson.core.JsonToken.VALUE_EMBEDDED_OBJECT)); // the value writes its own brackets
            serialize(set, gen, serializers);
            typeSer.writeTypeSuffix(gen, id);
        }

        @Override
        public void serialize(Collection<?> set, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            List<String> elements = new ArrayList<>(set.size());
            for (Object e : set) {
                StringWriter sw = new StringWriter();
                try (JsonGenerator sub = FACTORY.createGenerator(sw)) {
                    sub.setCodec(gen.getCodec());
                    if (e == null) {
                        serializers.defaultSerializeNull(sub);
                    } else if (elementTypes != null) {
                        serializers.findValueSerializer(e.getClass(), null).serializeWithType(e, sub, serializers, elementTypes);
                    } else {
                        serializers.defaultSerializeValue(e, sub);
                    }
                }
                elements.add(sw.toString());
            }
            elements.sort(null);
            gen.writeStartArray(set, elements.size());
            for (String e : elements) {
                gen.writeRawValue(e);
            }
            gen.writeEndArray();
        }
    }

    /** Whether a declared type fixes the type of the values it holds (so no type id is written for them). */
    private static final ClassValue<Boolean> FIXES = Types.FIXES;
    /** The type id of a value's class: the same for equal values in every JVM. */
    private static final ClassValue<String> TYPE_IDS = Types.IDS;

    /** Initialized before the writers that use them. */
    private static final class Types {
        static final ClassValue<Boolean> FIXES = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            return type.isPrimitive() || java.lang.reflect.Modifier.isFinal(type.getModifiers())
                    || List.class.isAssignableFrom(type) || Set.class.isAssignableFrom(type)
                    || java.util.Map.class.isAssignableFrom(type)
                    || com.fasterxml.jackson.core.TreeNode.class.isAssignableFrom(type);
        }
    };

        static final ClassValue<String> IDS = new ClassValue<>() {
        @Override
        protected String computeValue(Class<?> type) {
            if (List.class.isAssignableFrom(type)) {
                return "List";
            }
            if (Set.class.isAssignableFrom(type)) {
                return "Set";
            }
            if (java.util.Map.class.isAssignableFrom(type)) {
                return "Map";
            }
            Class<?> c = type;
            while (c.getSuperclass() != null && c.getSuperclass() != Enum.class && Enum.class.isAssignableFrom(c)) {
                c = c.getSuperclass(); // an enum constant with a body: its enum
            }
            return c.getName();
        }
    };
    }

    /** Writes type ids where the declared type does not fix the value's type. */
    private static final class Typer extends com.fasterxml.jackson.databind.ObjectMapper.DefaultTypeResolverBuilder {
        private static final long serialVersionUID = 1L;

        Typer() {
            super(com.fasterxml.jackson.databind.ObjectMapper.DefaultTyping.NON_FINAL,
                    com.fasterxml.jackson.databind.jsontype.impl.LaissezFaireSubTypeValidator.instance);
            init(com.fasterxml.jackson.annotation.JsonTypeInfo.Id.CUSTOM, new TypeIds());
            inclusion(com.fasterxml.jackson.annotation.JsonTypeInfo.As.WRAPPER_ARRAY);
        }

        @Override
        public boolean useForType(JavaType t) {
            return !Types.FIXES.get(t.getRawClass());
        }
    }

    /** The type ids of {@link #TYPE_IDS}; written only, never read. */
    private static final class TypeIds extends com.fasterxml.jackson.databind.jsontype.impl.TypeIdResolverBase {
        @Override
        public String idFromValue(Object value) {
            return Types.IDS.get(value.getClass());
        }

        @Override
        public String idFromValueAndType(@Nullable Object value, Class<?> suggestedType) {
            return Types.IDS.get(value == null ? suggestedType : value.getClass());
        }

        @Override
        public com.fasterxml.jackson.annotation.JsonTypeInfo.Id getMechanism() {
            return com.fasterxml.jackson.annotation.JsonTypeInfo.Id.CUSTOM;
        }
    }

    /** A string; one that starts with {@code ~} (the mark of the typed forms) gets one more. */
    private static final class StringSerializer extends JsonSerializer<String> {
        static final StringSerializer INSTANCE = new StringSerializer();

        static void write(String s, JsonGenerator gen) throws IOException {
            gen.writeString(!s.isEmpty() && s.charAt(0) == '~' ? "~" + s : s);
        }

        @Override
        public void serialize(String s, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            write(s, gen);
        }

        @Override
        public void serializeWithType(String s, JsonGenerator gen, SerializerProvider serializers, TypeSerializer typeSer)
                throws IOException {
            write(s, gen); // JSON tells a string apart by itself
        }
    }

    /** A list or other collection of strings (not a set), each as {@link StringSerializer} writes it. */
    private static final class StringsSerializer extends JsonSerializer<Collection<?>> {
        static final StringsSerializer INSTANCE = new StringsSerializer();

        @Override
        public void serialize(Collection<?> strings, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeStartArray(strings, strings.size());
            for (Object s : strings) {
                if (s == null) {
                    gen.writeNull();
                } else {
                    StringSerializer.write((String) s, gen);
                }
            }
            gen.writeEndArray();
        }

        @Override
        public void serializeWithType(Collection<?> strings, JsonGenerator gen, SerializerProvider serializers,
                TypeSerializer typeSer) throws IOException {
            com.fasterxml.jackson.core.type.WritableTypeId id = typeSer.writeTypePrefix(gen,
                    typeSer.typeId(strings, com.fasterxml.jackson.core.JsonToken.VALUE_EMBEDDED_OBJECT)); // the value writes its own brackets
            serialize(strings, gen, serializers);
            typeSer.writeTypeSuffix(gen, id);
        }
    }

    /**
     * A map as a JSON object whose entries are sorted by their keys' text, so keys of any types (mixed, null, not
     * comparable) have an order. A key's text: a string as {@link StringSerializer} writes it; any other key
     * {@code ~}, its type id, {@code :} and its text (an enum's name, an integer's digits, a secret's HMAC,
     * else its canonical JSON, as an argument is hashed), so {@code 1} and {@code "1"} differ; a null key {@code ~null}.
     */
    private static final class CanonicalMapSerializer extends JsonSerializer<java.util.Map<?, ?>> {
        private final @Nullable TypeSerializer valueTypes;
        /** The value serializers found so far, by class (replaced, never changed: safe to share, as Jackson does). */
        private volatile com.fasterxml.jackson.databind.ser.impl.PropertySerializerMap found =
                com.fasterxml.jackson.databind.ser.impl.PropertySerializerMap.emptyForProperties();

        CanonicalMapSerializer(@Nullable TypeSerializer valueTypes) {
            this.valueTypes = valueTypes;
        }

        private JsonSerializer<Object> serializerOf(Class<?> type, SerializerProvider serializers) throws JsonMappingException {
            com.fasterxml.jackson.databind.ser.impl.PropertySerializerMap map = found;
            JsonSerializer<Object> ser = map.serializerFor(type);
            if (ser == null) {
                com.fasterxml.jackson.databind.ser.impl.PropertySerializerMap.SerializerAndMapResult r =
                        map.findAndAddSecondarySerializer(type, serializers, null);
                found = r.map;
                ser = r.serializer;
            }
            return ser;
        }

        static String keyText(@Nullable Object key, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            if (key instanceof String s) {
                return !s.isEmpty() && s.charAt(0) == '~' ? "~" + s : s;
            }
            if (key == null) {
                return "~null";
            }
            String text;
            if (key instanceof Enum<?> e) {
                text = e.name();
            } else if (key instanceof Integer || key instanceof Long || key instanceof Short || key instanceof Byte
                    || key instanceof Boolean || key instanceof Character || key instanceof java.math.BigInteger) {
                text = key.toString();
            } else if (key instanceof Secret secret) {
                text = "hmac-sha256:" + hmac(secret.reveal());
            } else {
                // by its value, as an argument is: its text may hide a secret (**********) or be its identity
                StringWriter sw = new StringWriter();
                try (JsonGenerator sub = FACTORY.createGenerator(sw)) {
                    sub.setCodec(gen.getCodec());
                    serializers.defaultSerializeValue(key, sub);
                }
                text = sw.toString();
            }
            return "~" + Types.IDS.get(key.getClass()) + ":" + text;
        }

        @Override
        public void serialize(java.util.Map<?, ?> map, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            int n = map.size();
            String[] keys = new String[n];
            Object[] values = new Object[n];
            Object[] originals = new Object[n];
            int i = 0;
            for (java.util.Map.Entry<?, ?> e : map.entrySet()) {
                if (i == n) {
                    break; // changed while written
                }
                originals[i] = e.getKey();
                try {
                    keys[i] = keyText(e.getKey(), gen, serializers);
                } catch (JsonMappingException x) {
                    throw JsonMappingException.wrapWithPath(x, map, "(key " + e.getKey().getClass().getName() + ")");
                }
                values[i] = e.getValue();
                i++;
            }
            Integer[] order = new Integer[i];
            for (int k = 0; k < i; k++) {
                order[k] = k;
            }
            if (!isSortedText(keys, i)) {
                Arrays.sort(order, (a, b) -> keys[a].compareTo(keys[b]));
            }
            gen.writeStartObject(map);
            for (Integer k : order) {
                gen.writeFieldName(keys[k]);
                Object v = values[k];
                try {
                    if (v == null) {
                        serializers.defaultSerializeNull(gen);
                    } else if (valueTypes != null) {
                        serializerOf(v.getClass(), serializers).serializeWithType(v, gen, serializers, valueTypes);
                    } else {
                        serializerOf(v.getClass(), serializers).serialize(v, gen, serializers);
                    }
                } catch (JsonMappingException e) {
                    throw JsonMappingException.wrapWithPath(e, map, String.valueOf(originals[k])); // where it failed
                }
            }
            gen.writeEndObject();
        }

        private static boolean isSortedText(String[] keys, int n) {
            for (int k = 1; k < n; k++) {
                if (keys[k - 1].compareTo(keys[k]) > 0) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void serializeWithType(java.util.Map<?, ?> map, JsonGenerator gen, SerializerProvider serializers,
                TypeSerializer typeSer) throws IOException {
            com.fasterxml.jackson.core.type.WritableTypeId id = typeSer.writeTypePrefix(gen,
                    typeSer.typeId(map, com.fasterxml.jackson.core.JsonToken.VALUE_EMBEDDED_OBJECT)); // the value writes its own brackets
            serialize(map, gen, serializers);
            typeSer.writeTypeSuffix(gen, id);
        }
    }

    /** The key of a map whose keys are declared strings, as {@link CanonicalMapSerializer#keyText} writes it. */
    private static final class KeySerializer extends JsonSerializer<Object> {
        @Override
        public void serialize(Object key, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeFieldName(CanonicalMapSerializer.keyText(key, gen, serializers));
        }
    }
}
