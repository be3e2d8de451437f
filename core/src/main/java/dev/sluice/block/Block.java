package dev.sluice.block;


/**
 * Named, typed configuration or credentials, saved once with {@link Blocks#save} and loaded by
 * name in any program with {@link Blocks#load(Class, String)}. Implemented by records annotated
 * with {@link BlockType}; fields of type {@link Secret} are encrypted at rest by the file store
 * and masked everywhere else ({@code toString()}, JSON, logs, run records, notifications).
 *
 * <pre>{@code
 * @BlockType("sftp-server")
 * public record SftpServer(String host, int port, String username, Secret password) implements Block {}
 *
 * Blocks.save("backups", new SftpServer("sftp.example.com", 22, "backup", Secret.of("s3cret")));
 * SftpServer sftp = Blocks.load(SftpServer.class, "backups");
 * }</pre>
 *
 * <h2>Fields</h2>
 * Each record component is one field of the saved JSON, converted with Jackson (so strings,
 * numbers, booleans, enums, nested records, lists and maps work; {@code Optional} at the top level).
 * <ul>
 *   <li>A component is required unless its type is {@code Optional} or it is annotated
 *       {@code @Nullable}: saving a block whose required field is null, or loading a saved block
 *       that lacks one, fails with a {@link BlockException} naming the field. A number or boolean
 *       component (a primitive) missing from a saved block is 0 or false, so adding one keeps old
 *       blocks loadable (the record's constructor may then put in its default, or refuse).</li>
 *   <li>A field in the saved JSON that the record no longer has is ignored (and logged), so
 *       removing a component keeps old blocks loadable.</li>
 *   <li>{@link Secret} values may appear anywhere, also inside lists and maps; the store keeps
 *       their value, everything else only ever sees {@code **********}.</li>
 *   <li>A component whose type is another block type is a <em>nested block</em>. If the nested
 *       value was itself loaded by name, saving stores only that name and loading resolves it
 *       again (so a change to the nested block is seen by every block that refers to it);
 *       otherwise the nested block is saved inline. In hand-written JSON (for example in an
 *       environment variable) a nested block is either an object or the name of a saved block
 *       ({@code "credentials": "aws-prod"}; {@code "slug/name"} when the component's type is an
 *       interface).</li>
 *   <li>A block that wants to resolve another block lazily holds its name as a {@code String}
 *       and calls {@link Blocks#load(Class, String)} when it needs it.</li>
 * </ul>
 *
 * <h2>Making a block type known by its slug</h2>
 * {@code Blocks.load(Type.class, name)} works for any block class. {@code Blocks.load("slug/name")}
 * and nested references need the slug's class; Sluice finds it with {@link java.util.ServiceLoader}:
 * a module that defines block types ships one {@link BlockTypeProvider}:
 *
 * <pre>{@code
 * public final class EmailBlockTypes implements BlockTypeProvider {
 *     public List<Class<? extends Block>> blockTypes() {
 *         return List.of(EmailServerCredentials.class, EmailNotifier.class);
 *     }
 * }
 * }</pre>
 *
 * and registers it in {@code src/main/resources/META-INF/services/dev.sluice.block.BlockTypeProvider}
 * (one class name per line: {@code dev.sluice.tasks.email.internal.EmailBlockTypes}); with JPMS,
 * {@code provides dev.sluice.block.BlockTypeProvider with ...}. Records cannot be registered as
 * services directly, because {@code ServiceLoader} needs a no-argument constructor.
 *
 * <h2>Names</h2>
 * Block names are 1 to 64 lowercase letters, digits, {@code '-'} and {@code '_'}; type slugs the
 * same without {@code '_'} (see {@link BlockId}).
 */
public interface Block {
    /** The block's type slug, from its {@link BlockType} annotation. */
    default String blockType() {
        BlockType type = getClass().getAnnotation(BlockType.class);
        if (type == null) {
            throw new BlockException(getClass().getName() + " implements Block but has no @BlockType annotation");
        }
        return type.value();
    }
}
