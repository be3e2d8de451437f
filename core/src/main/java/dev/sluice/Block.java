package dev.sluice;

/**
 * Named, typed configuration or credentials, stored once and loaded by name in any program.
 * Implemented by records annotated with {@link BlockType}; fields of type {@link Secret} are
 * encrypted at rest and masked everywhere else.
 *
 * <pre>{@code
 * @BlockType("email-server-credentials")
 * public record EmailServerCredentials(String host, int port, String username, Secret password) implements Block {}
 * }</pre>
 */
public interface Block {
    /** The block's type slug, from its {@link BlockType} annotation. */
    default String blockType() {
        BlockType type = getClass().getAnnotation(BlockType.class);
        if (type == null) {
            throw new SluiceException(getClass().getName() + " implements Block but has no @BlockType annotation");
        }
        return type.value();
    }
}
