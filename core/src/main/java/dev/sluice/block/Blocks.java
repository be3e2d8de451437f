package dev.sluice.block;

import dev.sluice.internal.blocks.BlockCodec;
import dev.sluice.internal.blocks.BlockTypes;
import dev.sluice.SluiceRuntime;
import dev.sluice.internal.RuntimeState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Saves blocks under a name and loads them by name, in any program that shares the store.
 *
 * <pre>{@code
 * Blocks.save("warehouse", DatabaseCredentials.of("jdbc:postgresql://db/dw", "etl", Secret.of("s3cret")).withPoolSize(4));
 * DatabaseCredentials db = Blocks.load(DatabaseCredentials.class, "warehouse");
 * Block any = Blocks.load("database-credentials/warehouse");
 * }</pre>
 *
 * <p>The store is the current runtime's ({@link SluiceRuntime#current()}): by default
 * {@link BlockStore#fromConfiguration()} (environment variables, then files under
 * {@code $SLUICE_HOME}); run code under another runtime with {@link SluiceRuntime#call}. Names
 * follow {@link BlockId}'s rule.
 * See {@link Block} for how records map to stored fields.
 */
public final class Blocks {
    private static final int MAX_DEPTH = 16;
    private static final ThreadLocal<Deque<BlockId>> LOADING = ThreadLocal.withInitial(ArrayDeque::new);

    private Blocks() {
    }

    /** The block store of the current runtime ({@link SluiceRuntime#current()}). */
    public static BlockStore store() {
        return SluiceRuntime.current().blockStore();
    }

    private static BlockTypes registry() {
        return RuntimeState.current().blockTypes();
    }

    /**
     * The block types known by slug (listed by a {@link BlockTypeProvider} on the class path, or used
     * or registered in this runtime), sorted by slug.
     */
    public static List<BlockSchema> types() {
        List<BlockSchema> all = new ArrayList<>();
        for (Class<? extends Block> type : registry().all().values()) {
            all.add(BlockSchema.of(type));
        }
        return List.copyOf(all);
    }

    /**
     * Makes {@code type} known by its slug, for {@link #load(String)} and nested references, when
     * no {@link BlockTypeProvider} lists it. Saving or loading by class registers it too.
     *
     * @throws IllegalArgumentException if it is not a record with a valid {@link BlockType}, or
     *         another class has the slug
     */
    public static void registerType(Class<? extends Block> type) {
        registry().register(Objects.requireNonNull(type, "type"));
    }

    /**
     * Saves {@code block} as {@code name}.
     *
     * @throws BlockExistsException if a block of that type is already saved under that name
     * @throws IllegalArgumentException if the name breaks the naming rule
     * @throws BlockException if a required field (not {@code Optional}, not {@code @Nullable}) is null
     */
    public static void save(String name, Block block) {
        save(name, block, false);
    }

    /**
     * Saves {@code block} as {@code name}, replacing a block of the same type and name if
     * {@code overwrite}.
     *
     * @throws BlockExistsException if the name exists and {@code overwrite} is false
     * @throws IllegalArgumentException if the name breaks the naming rule
     * @throws BlockException if a required field (not {@code Optional}, not {@code @Nullable}) is null
     */
    public static void save(String name, Block block, boolean overwrite) {
        Objects.requireNonNull(block, "block");
        BlockId.checkName(name);
        @SuppressWarnings("unchecked")
        Class<? extends Block> type = (Class<? extends Block>) block.getClass();
        BlockId id = new BlockId(registry().register(type), name);
        String document = BlockCodec.encode(id, block); // refuses a required field that is null
        BlockStore s = store();
        if (!s.write(id, document, overwrite)) {
            throw new BlockExistsException(id, "block '" + name + "' of type " + id.type() + " already exists in "
                    + s.description() + "; use Blocks.save(\"" + name + "\", block, true) to replace it");
        }
    }

    /**
     * Loads block {@code name} of {@code type}.
     *
     * @throws BlockNotFoundException if there is none; the message lists the saved names of that type
     * @throws BlockTypeMismatchException if the name is saved only under other types
     * @throws BlockException if the stored block is malformed, lacks a required field or cannot be decrypted
     */
    public static <T extends Block> T load(Class<T> type, String name) {
        Objects.requireNonNull(type, "type");
        BlockId id = new BlockId(registry().register(type), BlockId.checkName(name));
        return find(type, id).orElseThrow(() -> notFound(id, type));
    }

    /**
     * Loads the block {@code "slug/name"}; its type must be known by slug (see {@link Block}).
     *
     * @throws BlockNotFoundException if there is none
     * @throws BlockException if no block type on the class path has that slug, or the stored block is unreadable
     * @throws IllegalArgumentException if the reference is not {@code slug/name}
     */
    public static Block load(String reference) {
        BlockId id = BlockId.parse(reference);
        Class<? extends Block> type = typeOf(id);
        return find(type, id).orElseThrow(() -> notFound(id, type));
    }

    /** Block {@code name} of {@code type}, if saved. */
    public static <T extends Block> Optional<T> find(Class<T> type, String name) {
        Objects.requireNonNull(type, "type");
        return find(type, new BlockId(registry().register(type), BlockId.checkName(name)));
    }

    private static <T extends Block> Optional<T> find(Class<T> type, BlockId id) {
        Deque<BlockId> loading = LOADING.get();
        if (loading.contains(id) || loading.size() >= MAX_DEPTH) {
            List<String> chain = new ArrayList<>();
            loading.descendingIterator().forEachRemaining(b -> chain.add(b.toString()));
            chain.add(id.toString());
            throw new BlockException("nested block references go round in a circle or too deep: "
                    + String.join(" -> ", chain));
        }
        Optional<String> document = store().read(id);
        if (document.isEmpty()) {
            return Optional.empty();
        }
        loading.push(id);
        try {
            T block = BlockCodec.decode(type, id, document.get(), (nestedType, nestedId) ->
                    find(nestedType, nestedId).orElseThrow(() -> new BlockException("block '" + id
                            + "' refers to block '" + nestedId + "', which cannot be loaded: "
                            + notFound(nestedId, nestedType).getMessage())));
            return Optional.of(block);
        } finally {
            loading.pop();
            if (loading.isEmpty()) {
                LOADING.remove();
            }
        }
    }

    /** Every saved block, sorted by type then name. */
    public static List<BlockId> list() {
        return store().list();
    }

    /** The names saved for {@code type}, sorted. */
    public static List<String> list(Class<? extends Block> type) {
        return names(registry().register(Objects.requireNonNull(type, "type")));
    }

    private static List<String> names(String slug) {
        List<String> names = new ArrayList<>();
        for (BlockId id : store().list()) {
            if (id.type().equals(slug)) {
                names.add(id.name());
            }
        }
        return List.copyOf(names);
    }

    /**
     * Deletes block {@code name} of {@code type}.
     *
     * @return false if there was none
     * @throws BlockException if the store cannot be written, or only a read-only store of the chain (an
     *         environment variable) has the block
     */
    public static boolean delete(Class<? extends Block> type, String name) {
        Objects.requireNonNull(type, "type");
        return store().delete(new BlockId(registry().register(type), BlockId.checkName(name)));
    }

    /**
     * Moves every block of the current runtime's file store to a new master key, made and written
     * to {@code $SLUICE_HOME/master.key}; returns the new key's id. Each block is decrypted with the
     * key it was saved with and encrypted again, one file at a time, atomically; the old key file is
     * kept as {@code master.key.<old id>.bak} until all are moved (a rotation cut short is finished by
     * calling this again). Programs loading blocks meanwhile, in this JVM or others sharing the folder, keep
     * reading them (a load that meets a block of the old key waits for the rotation to finish). Back up the
     * new key file: secrets cannot be read without it.
     *
     * @throws BlockException if the store is not (or does not contain) a file store, or the master key
     *         comes from {@code SLUICE_MASTER_KEY} (then use {@link #rotateMasterKey(String)})
     */
    public static String rotateMasterKey() {
        return fileStore().rotateMasterKey(null);
    }

    /**
     * Moves every block of the current runtime's file store to {@code newKey} (32 random bytes in
     * base64, e.g. from {@code openssl rand -base64 32}); returns its id. With the key in
     * {@code $SLUICE_HOME/master.key}, the key file is replaced by the new key as {@link #rotateMasterKey()}
     * does; with the key given in {@code SLUICE_MASTER_KEY}, the key file is left alone: set the variable
     * to the new key once this returns.
     */
    public static String rotateMasterKey(String newKey) {
        Objects.requireNonNull(newKey, "newKey");
        byte[] bytes;
        try {
            bytes = java.util.Base64.getDecoder().decode(newKey.trim());
        } catch (IllegalArgumentException e) {
            throw new BlockException("the new master key is not base64; it must be 32 random bytes in base64"
                    + " (e.g. from 'openssl rand -base64 32')");
        }
        return fileStore().rotateMasterKey(bytes);
    }

    private static dev.sluice.internal.blocks.FileBlockStore fileStore() {
        BlockStore s = store();
        if (s instanceof dev.sluice.internal.blocks.FileBlockStore f) {
            return f;
        }
        if (s instanceof dev.sluice.internal.blocks.ChainBlockStore chain) {
            for (BlockStore inner : chain.stores()) {
                if (inner instanceof dev.sluice.internal.blocks.FileBlockStore f) {
                    return f;
                }
            }
        }
        throw new BlockException("the block store " + s.description() + " has no file store whose key could be rotated");
    }

    /**
     * Deletes the block {@code "slug/name"}.
     *
     * @return false if there was none
     */
    public static boolean delete(String reference) {
        return store().delete(BlockId.parse(reference));
    }

    private static Class<? extends Block> typeOf(BlockId id) {
        return registry().find(id.type()).orElseThrow(() -> new BlockException("no block type with slug '" + id.type()
                + "' is known (known: " + registry().all().keySet() + "); put the module that defines it on the class"
                + " path, or load it with Blocks.load(Type.class, \"" + id.name() + "\")"));
    }

    private static BlockException notFound(BlockId id, Class<? extends Block> type) {
        BlockStore s = store();
        List<String> existing = names(id.type());
        TreeSet<String> otherTypes = new TreeSet<>();
        for (BlockId other : s.list()) {
            if (other.name().equals(id.name()) && !other.type().equals(id.type())) {
                otherTypes.add(other.type());
            }
        }
        if (!otherTypes.isEmpty()) {
            return new BlockTypeMismatchException(id, List.copyOf(otherTypes), "block '" + id.name() + "' is saved as type "
                    + String.join(", ", otherTypes) + ", not " + id.type() + " (" + type.getSimpleName() + ") in "
                    + s.description() + "; load it with its own type, or save a " + type.getSimpleName() + " under another name"
                    + " (saved blocks of type " + id.type() + ": " + existing + ")");
        }
        String message = "block '" + id.name() + "' of type " + id.type() + " (" + type.getSimpleName()
                + ") not found in " + s.description() + "; saved blocks of that type: " + existing;
        return new BlockNotFoundException(id, existing, message);
    }
}
