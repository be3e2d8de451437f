package dev.sluice.block;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Objects;
import java.util.Optional;

/**
 * A reference to a saved block by type and name: how one block refers to another. A record
 * component of type {@code BlockRef<T>} is stored as the name, and the referred block is loaded
 * when {@link #load()} is called, so a change to it is seen at once.
 *
 * <pre>{@code
 * @BlockType("aws-secret")
 * public record AwsSecret(@Nullable BlockRef<AwsCredentials> credentials, String secretName) implements Block {
 *     // read(), write(...): the secret in AWS Secrets Manager, with the credentials loaded when needed
 * }
 *
 * new AwsSecret(BlockRef.to(AwsCredentials.class, "aws-prod"), "prod/warehouse/password");
 * }</pre>
 *
 * <p>A component whose type is a block type itself (not a reference) holds the block inline: saving
 * the outer block stores a copy of it.
 *
 * @param <T> the type of the referred block
 */
public final class BlockRef<T extends Block> {
    private final Class<T> type;
    private final BlockId id;

    private BlockRef(Class<T> type, BlockId id) {
        this.type = type;
        this.id = id;
    }

    /**
     * A reference to block {@code name} of {@code type}.
     *
     * @throws IllegalArgumentException if the name breaks {@link BlockId}'s rule or the type has no {@link BlockType}
     */
    public static <T extends Block> BlockRef<T> to(Class<T> type, String name) {
        Objects.requireNonNull(type, "type");
        return new BlockRef<>(type, BlockId.of(type, name));
    }

    /** The type of the referred block. */
    public Class<T> type() {
        return type;
    }

    /** The referred block's name. */
    public String name() {
        return id.name();
    }

    /** The referred block's id ({@code slug/name}). */
    public BlockId id() {
        return id;
    }

    /**
     * Loads the referred block from the current runtime's store.
     *
     * @throws BlockNotFoundException if it is not saved
     * @throws BlockTypeMismatchException if the name is saved under another type only
     */
    public T load() {
        return Blocks.load(type, id.name());
    }

    /** The referred block, if saved. */
    public Optional<T> find() {
        return Blocks.find(type, id.name());
    }

    /** Equal when type and name are. */
    @Override
    public boolean equals(Object o) {
        return o instanceof BlockRef<?> other && type.equals(other.type) && id.equals(other.id);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    /** {@code slug/name}. */
    @JsonValue
    @Override
    public String toString() {
        return id.toString();
    }
}
