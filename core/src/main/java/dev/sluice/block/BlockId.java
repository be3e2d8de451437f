package dev.sluice.block;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The address of a saved block: its type slug and its name, written {@code "slug/name"}
 * ({@code "email-server-credentials/ops-smtp"}).
 *
 * <p>Names are 1 to 64 characters of lowercase letters, digits, {@code '-'} and {@code '_'};
 * slugs are 1 to 64 characters of lowercase letters, digits and {@code '-'}. Anything else is
 * rejected with an {@link IllegalArgumentException} that states the rule.
 *
 * @param type the block type slug ({@link BlockType#value()})
 * @param name the block's name
 */
public record BlockId(String type, String name) implements Comparable<BlockId> {
    private static final Pattern NAME = Pattern.compile("[a-z0-9_-]{1,64}");
    private static final Pattern SLUG = Pattern.compile("[a-z0-9-]{1,64}");

    /** Validates both parts. */
    public BlockId {
        checkSlug(type);
        checkName(name);
    }

    /** The id of block {@code name} of type {@code type}, which must carry {@link BlockType}. */
    public static BlockId of(Class<? extends Block> type, String name) {
        return new BlockId(slugOf(type), name);
    }

    /**
     * Parses {@code "slug/name"}.
     *
     * @throws IllegalArgumentException if it is not of that form or a part breaks its rule
     */
    public static BlockId parse(String reference) {
        Objects.requireNonNull(reference, "reference");
        int slash = reference.indexOf('/');
        if (slash < 0 || slash != reference.lastIndexOf('/')) {
            throw new IllegalArgumentException("block reference '" + reference
                    + "' must be of the form 'type-slug/name', e.g. 'email-server-credentials/ops-smtp'");
        }
        return new BlockId(reference.substring(0, slash), reference.substring(slash + 1));
    }

    /**
     * Checks a block name against the rule and returns it.
     *
     * @throws IllegalArgumentException naming the rule if it breaks it
     */
    public static String checkName(String name) {
        Objects.requireNonNull(name, "block name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("block name '" + name + "' is not allowed: use 1 to 64 lowercase letters,"
                    + " digits, '-' and '_' (e.g. 'ops-smtp', 'warehouse_prod')");
        }
        return name;
    }

    /**
     * Checks a block type slug against the rule and returns it.
     *
     * @throws IllegalArgumentException naming the rule if it breaks it
     */
    public static String checkSlug(String slug) {
        Objects.requireNonNull(slug, "block type slug");
        if (!SLUG.matcher(slug).matches()) {
            throw new IllegalArgumentException("block type slug '" + slug + "' is not allowed: use 1 to 64 lowercase"
                    + " letters, digits and '-' (e.g. 'email-server-credentials')");
        }
        return slug;
    }

    /**
     * The slug of a block class, from its {@link BlockType} annotation.
     *
     * @throws IllegalArgumentException if the class has no {@code @BlockType} or its slug breaks the rule
     */
    public static String slugOf(Class<? extends Block> type) {
        Objects.requireNonNull(type, "type");
        BlockType annotation = type.getAnnotation(BlockType.class);
        if (annotation == null) {
            throw new IllegalArgumentException(type.getName() + " implements Block but has no @BlockType(\"slug\") annotation");
        }
        return checkSlug(annotation.value());
    }

    @Override
    public int compareTo(BlockId other) {
        int c = type.compareTo(other.type);
        return c != 0 ? c : name.compareTo(other.name);
    }

    /** {@code "slug/name"}, the form {@link #parse} reads. */
    @Override
    public String toString() {
        return type + "/" + name;
    }
}
