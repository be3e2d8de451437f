package dev.sluice.block;

import dev.sluice.internal.blocks.ChainBlockStore;
import dev.sluice.internal.blocks.EnvironmentBlockStore;
import dev.sluice.internal.blocks.FileBlockStore;
import dev.sluice.internal.blocks.InMemoryBlockStore;
import dev.sluice.internal.blocks.StoreConfiguration;
import dev.sluice.internal.SluiceHome;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where {@link Blocks} keeps saved blocks. Implement it to keep blocks somewhere else (a vault, a
 * database); every implementation should pass {@code dev.sluice.testkit.BlockStoreContract} from
 * the {@code sluice-core} test-jar.
 *
 * <p>A store holds <em>documents</em>: one JSON object per {@link BlockId}, written by
 * {@link Blocks}. Secret values appear in a document as {@code {"$secret": "the value"}}; a store
 * that persists documents must protect those values (the file store encrypts them with
 * AES-256-GCM) or hand them to a backend that does. A document read back must parse to the same
 * JSON as the one written; formatting may differ.
 *
 * <p>Built-in stores: {@link #file()}, {@link #inMemory()}, {@link #environment()} (read-only),
 * {@link #chain}. The store {@link Blocks} uses by default is {@link #fromConfiguration()}.
 * Implementations must be thread-safe.
 */
public interface BlockStore {
    /** Name of the environment variable that selects the stores, e.g. {@code env,file} (the default). */
    String STORE_VARIABLE = "SLUICE_BLOCK_STORE";
    /** System property that selects the stores; wins over {@link #STORE_VARIABLE}. */
    String STORE_PROPERTY = "sluice.blockStore";
    /** Name of the environment variable holding the file store's master key (32 bytes, base64). */
    String MASTER_KEY_VARIABLE = "SLUICE_MASTER_KEY";

    /** The document saved for {@code id}, if any. */
    Optional<String> read(BlockId id);

    /**
     * Saves {@code document} (a JSON object) for {@code id}, atomically: a reader sees the old
     * document or the new one, never a mix. Of concurrent writers of a new id without
     * {@code overwrite}, exactly one succeeds.
     *
     * @return false, changing nothing, if {@code id} exists and {@code overwrite} is false
     * @throws BlockException if the store is read-only or cannot be written
     */
    boolean write(BlockId id, String document, boolean overwrite);

    /**
     * Deletes the document saved for {@code id}.
     *
     * @return false if there was none
     * @throws BlockException if the store is read-only or cannot be written
     */
    boolean delete(BlockId id);

    /** Every id that has a document, sorted. */
    List<BlockId> list();

    /** False for stores that only read (the environment store). */
    default boolean isWritable() {
        return true;
    }

    /** A short description for messages, such as {@code file store /home/ops/.sluice/blocks}; never a secret. */
    String description();

    /**
     * The file store under {@code $SLUICE_HOME/blocks} (the home is resolved on each call, see
     * {@code SLUICE_HOME}), one JSON file per block, secret values encrypted with AES-256-GCM.
     * The key comes from {@code SLUICE_MASTER_KEY} (32 bytes in base64) or from
     * {@code $SLUICE_HOME/master.key}, generated with owner-only permissions on the first save
     * of a secret.
     */
    static BlockStore file() {
        Map<String, String> env = System.getenv();
        return new FileBlockStore(() -> SluiceHome.resolve(env), env);
    }

    /**
     * A file store under {@code home} ({@code home/blocks}, {@code home/master.key}), reading
     * {@code SLUICE_MASTER_KEY} from {@code environment}.
     */
    static BlockStore file(Path home, Map<String, String> environment) {
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(environment, "environment");
        return new FileBlockStore(() -> home, environment);
    }

    /** A store in this JVM's memory, empty at first. */
    static BlockStore inMemory() {
        return new InMemoryBlockStore();
    }

    /**
     * The read-only store of environment variables {@code SLUICE_BLOCK_<SLUG>_<NAME>}, each holding
     * the block's JSON with secrets in plain text; slug and name upper-cased, {@code '-'} written
     * as {@code '_'} (so {@code database-credentials/warehouse-prod} is
     * {@code SLUICE_BLOCK_DATABASE_CREDENTIALS_WAREHOUSE_PROD}). Because {@code '-'} and
     * {@code '_'} look the same in a variable name, {@link #list()} reports names with {@code '_'},
     * and only for block types known by slug (see {@link Block}).
     */
    static BlockStore environment() {
        return new EnvironmentBlockStore(System.getenv());
    }

    /** The environment store reading {@code environment} instead of the process environment. */
    static BlockStore environment(Map<String, String> environment) {
        Objects.requireNonNull(environment, "environment");
        return new EnvironmentBlockStore(environment);
    }

    /**
     * Stores tried in order: a read returns the first store's document that has it; writes go to
     * the first writable store (a save without overwrite fails if any store before it has the
     * id); a delete removes the id from every writable store (and fails, naming the store, for a block only a
     * read-only store has). A store that is unavailable (it throws
     * {@link BlockStoreUnavailableException}: AWS down or not answering within its timeouts) is
     * skipped on reads and lists with one warning naming it, and tried again after 30 s
     * ({@code sluice.blockStore.recheckAfter}); a missing block is still "not found" with what exists,
     * and a save or delete to the unavailable store still fails.
     */
    static BlockStore chain(BlockStore... stores) {
        return new ChainBlockStore(List.of(stores));
    }

    /**
     * The stores named by the system property {@code sluice.blockStore}, else the environment
     * variable {@code SLUICE_BLOCK_STORE}, else {@code env,file}: a comma-separated list of
     * {@code env}, {@code file}, {@code memory} or the name of a {@link BlockStoreProvider} on the
     * class path; more than one makes a {@link #chain}.
     *
     * @throws IllegalArgumentException for an unknown store name (the message lists the known ones)
     */
    static BlockStore fromConfiguration() {
        return fromConfiguration(System.getenv());
    }

    /** {@link #fromConfiguration()} reading the environment from {@code environment}. */
    static BlockStore fromConfiguration(Map<String, String> environment) {
        Objects.requireNonNull(environment, "environment");
        return StoreConfiguration.select(environment, SluiceHome.resolve(environment));
    }
}
