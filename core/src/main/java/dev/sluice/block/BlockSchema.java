package dev.sluice.block;

import dev.sluice.internal.blocks.BlockCodec;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a block type holds: its slug and its fields, each with whether it is secret and required. For
 * tools that list block types or build a block from text typed by a person (the {@code sluice blocks}
 * command, a form):
 *
 * <pre>{@code
 * BlockSchema schema = BlockSchema.of(EmailServerCredentials.class);   // sluice-tasks-email's
 * Block smtp = schema.fromText(Map.of("host", "smtp.example.com", "security", "STARTTLS", "username", "ops",
 *         "password", typedByThePerson));                          // port left out: 587 for STARTTLS
 * Blocks.save("ops-smtp", smtp);
 * }</pre>
 *
 * {@link Blocks#types()} lists the schemas of every block type known by slug.
 */
public final class BlockSchema {
    private final String slug;
    private final Class<? extends Block> type;
    private final List<Field> fields;

    /**
     * One field of a block type.
     *
     * @param name the record component's name
     * @param type its type as written in Java, such as {@code int}, {@code String} or {@code List<String>}
     * @param secret whether its value is a secret ({@link Secret}, or a component marked {@link Encrypted}):
     *        never shown, prompted without echo
     * @param required whether a block must have it (not {@code Optional}, not {@code @Nullable}, not a number or
     *        a boolean: those left out are 0 or false, which a block's own checks take as a default or refuse)
     */
    public record Field(String name, String type, boolean secret, boolean required) {
        /** Validates the field. */
        public Field {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
        }
    }

    private BlockSchema(String slug, Class<? extends Block> type, List<Field> fields) {
        this.slug = slug;
        this.type = type;
        this.fields = List.copyOf(fields);
    }

    /**
     * The schema of {@code type}.
     *
     * @throws IllegalArgumentException if it is not a record implementing {@link Block} with a valid {@link BlockType}
     */
    public static BlockSchema of(Class<? extends Block> type) {
        Objects.requireNonNull(type, "type");
        if (!type.isRecord()) {
            throw new IllegalArgumentException("block type " + type.getName() + " must be a record");
        }
        return new BlockSchema(BlockId.slugOf(type), type, BlockCodec.fields(type));
    }

    /** The type's slug, such as {@code email-server-credentials}. */
    public String slug() {
        return slug;
    }

    /** The block class. */
    public Class<? extends Block> type() {
        return type;
    }

    /** The fields, in the record's order. */
    public List<Field> fields() {
        return fields;
    }

    /**
     * A block of this type from the text of its fields: strings as they are, numbers, booleans and
     * enum constants by their text, lists, maps and records as JSON, a nested block by the name of a
     * saved block, a secret by its value. A field missing or blank is left out (an error if it is
     * required; a number or boolean left out is 0 or false); an empty text given for a {@code String} or
     * secret field is that empty value.
     *
     * @throws BlockException naming every field that is missing, unknown or cannot be read as its
     *         type (never quoting a value)
     */
    public Block fromText(Map<String, String> values) {
        Objects.requireNonNull(values, "values");
        return BlockCodec.fromText(type, null, values, this::nested);
    }

    /**
     * {@link #fromText(Map)} for a block to be saved as {@code name}, which the messages of its errors name.
     *
     * @throws BlockException as {@link #fromText(Map)} does
     */
    public Block fromText(String name, Map<String, String> values) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(values, "values");
        return BlockCodec.fromText(type, name, values, this::nested);
    }

    private Block nested(Class<? extends Block> nestedType, BlockId nestedId) {
        return Blocks.find(nestedType, nestedId.name())
                .orElseThrow(() -> new BlockNotFoundException(nestedId, Blocks.list(nestedType), "a field of " + slug
                        + " names block '" + nestedId + "', which is not saved; save it first (saved: "
                        + Blocks.list(nestedType) + ")"));
    }

    @Override
    public String toString() {
        return slug + fields;
    }
}
