package dev.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.block.Block;
import dev.sluice.block.BlockException;
import dev.sluice.block.BlockId;
import dev.sluice.block.BlockNotFoundException;
import dev.sluice.block.BlockStore;
import dev.sluice.block.BlockType;
import dev.sluice.block.Blocks;
import dev.sluice.block.Secret;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link BlockStore} must have. Extend it in a {@code *Test} (or {@code *IT}
 * when the store needs a server) and implement {@link #newStore()}; a read-only store also
 * overrides {@link #newStore(Map)}.
 *
 * <pre>{@code
 * class SecretsManagerBlockStoreIT extends BlockStoreContract {
 *     @Override
 *     protected BlockStore newStore() {
 *         return new SecretsManagerBlockStore(clientAgainstWireMock(), "sluice/" + UUID.randomUUID() + "/");
 *     }
 * }
 * }</pre>
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class BlockStoreContract {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A block type the contract saves through {@link Blocks}. */
    @BlockType("contract-database")
    public record ContractDatabase(String url, String user, Secret password, int poolSize) implements Block {
    }

    /** A second block type, to check that types keep separate names. */
    @BlockType("contract-webhook")
    public record ContractWebhook(Secret url, List<String> channels) implements Block {
    }

    /** A new, empty store; called once per test. For a writable store, this is all to implement. */
    protected abstract BlockStore newStore();

    /**
     * A store holding exactly {@code documents}. The default writes them into {@link #newStore()};
     * a read-only store (one whose {@link BlockStore#isWritable()} is false) overrides this.
     */
    protected BlockStore newStore(Map<BlockId, String> documents) {
        BlockStore store = newStore();
        documents.forEach((id, doc) -> assertThat(store.write(id, doc, false)).as("write %s", id).isTrue());
        return store;
    }

    @BeforeEach
    public void registerContractTypes() {
        Blocks.registerType(ContractDatabase.class);
        Blocks.registerType(ContractWebhook.class);
    }

    @AfterEach
    public void restoreBlocksStore() {
        TestRuntimes.reset();
    }

    // ------------------------------------------------------------------ helpers

    protected static BlockId db(String name) {
        return new BlockId("contract-database", name);
    }

    protected static BlockId hook(String name) {
        return new BlockId("contract-webhook", name);
    }

    protected static String dbDocument(String user, String password) {
        return "{\"url\":\"jdbc:postgresql://db.example.com:5432/dw?ssl=true\",\"user\":\"" + user
                + "\",\"password\":{\"$secret\":\"" + password + "\"},\"poolSize\":4}";
    }

    protected static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    private static void assertSameJson(String actual, String expected) {
        assertThat(tree(actual)).isEqualTo(tree(expected));
    }

    // ------------------------------------------------------------------ reading

    @Test
    public void readOfAMissingIdIsEmpty() {
        BlockStore store = newStore(Map.of(db("present"), dbDocument("etl", "pw-1")));
        assertThat(store.read(db("absent"))).isEmpty();
        assertThat(store.read(hook("present"))).isEmpty();
    }

    @Test
    public void readGivesBackTheSameJsonWithSecretValues() {
        String doc = "{\"url\":{\"$secret\":\"https://hooks.example.com/T000/B000/XXXX?token=a%2Fb\"},"
                + "\"channels\":[\"#ops\",\"#data-eng\"],\"nested\":{\"n\":1.5,\"flag\":true,\"none\":null},"
                + "\"text\":\"quote \\\" backslash \\\\ newline \\n Zürich ✓\",\"list\":[{\"$secret\":\"in-a-list\"}]}";
        BlockStore store = newStore(Map.of(hook("ops-alerts"), doc));
        assertSameJson(store.read(hook("ops-alerts")).orElseThrow(), doc);
    }

    @Test
    public void sameNameUnderTwoTypesIsTwoBlocks() {
        BlockStore store = newStore(Map.of(
                db("prod"), dbDocument("etl", "pw-db"),
                hook("prod"), "{\"url\":{\"$secret\":\"https://hooks.example.com/x\"},\"channels\":[]}"));
        assertSameJson(store.read(db("prod")).orElseThrow(), dbDocument("etl", "pw-db"));
        assertThat(tree(store.read(hook("prod")).orElseThrow()).path("channels").isArray()).isTrue();
    }

    @Test
    public void listHasEveryIdSorted() {
        Map<BlockId, String> docs = new LinkedHashMap<>();
        docs.put(db("zeta"), dbDocument("z", "pw-z"));
        docs.put(db("alpha_1"), dbDocument("a", "pw-a"));
        docs.put(hook("alpha_1"), "{\"url\":{\"$secret\":\"https://h.example.com/1\"},\"channels\":[]}");
        docs.put(db("2nd"), dbDocument("b", "pw-b"));
        BlockStore store = newStore(docs);
        assertThat(store.list()).containsSubsequence(db("2nd"), db("alpha_1"), db("zeta"), hook("alpha_1"));
        assertThat(store.list()).hasSize(4);
    }

    @Test
    public void aLargeDocumentRoundTrips() {
        StringBuilder big = new StringBuilder("{\"url\":{\"$secret\":\"s\"},\"channels\":[");
        for (int i = 0; i < 3_000; i++) {
            big.append(i == 0 ? "" : ",").append("\"#channel-").append(i).append("-abcdefghijklmnopqrstuvwxyz\"");
        }
        big.append("]}");
        BlockStore store = newStore(Map.of(hook("big"), big.toString()));
        assertThat(tree(store.read(hook("big")).orElseThrow()).path("channels").size()).isEqualTo(3_000);
    }

    @Test
    public void descriptionNamesTheStoreWithoutSecrets() {
        BlockStore store = newStore(Map.of(db("described"), dbDocument("etl", "pw-described-0042")));
        assertThat(store.description()).isNotBlank().doesNotContain("pw-described-0042");
    }

    // ------------------------------------------------------------------ through Blocks

    @Test
    public void blocksLoadsTypedRecordsFromTheStore() {
        BlockStore store = newStore(Map.of(db("warehouse"), dbDocument("etl", "p@ss:w/rd")));
        TestRuntimes.use(b -> b.blockStore(store));
        ContractDatabase loaded = Blocks.load(ContractDatabase.class, "warehouse");
        assertThat(loaded.user()).isEqualTo("etl");
        assertThat(loaded.poolSize()).isEqualTo(4);
        assertThat(loaded.password().reveal()).isEqualTo("p@ss:w/rd");
        assertThat(loaded.toString()).doesNotContain("p@ss:w/rd");
        assertThat(Blocks.load("contract-database/warehouse")).isEqualTo(loaded);
        assertThat(Blocks.list(ContractDatabase.class)).containsExactly("warehouse");
        assertThatThrownBy(() -> Blocks.load(ContractDatabase.class, "wharehouse"))
                .isInstanceOf(BlockNotFoundException.class)
                .hasMessageContaining("wharehouse")
                .hasMessageContaining("[warehouse]");
    }

    @Test
    public void blocksSavesAndLoadsThroughAWritableStore() {
        BlockStore store = newStore();
        assumeTrue(store.isWritable(), "read-only store");
        TestRuntimes.use(b -> b.blockStore(store));
        ContractDatabase db = new ContractDatabase("jdbc:h2:mem:x", "app", Secret.of("hunter2-contract"), 2);
        Blocks.save("app_db", db);
        assertThat(Blocks.load(ContractDatabase.class, "app_db")).isEqualTo(db);
        assertThat(Blocks.delete(ContractDatabase.class, "app_db")).isTrue();
        assertThat(Blocks.find(ContractDatabase.class, "app_db")).isEmpty();
    }

    // ------------------------------------------------------------------ writing

    @Test
    public void writeThenReadGivesTheDocument() {
        BlockStore store = newStore();
        assumeTrue(store.isWritable(), "read-only store");
        assertThat(store.write(db("w1"), dbDocument("etl", "pw-w1"), false)).isTrue();
        assertSameJson(store.read(db("w1")).orElseThrow(), dbDocument("etl", "pw-w1"));
        assertThat(store.list()).contains(db("w1"));
    }

    @Test
    public void writeWithoutOverwriteKeepsTheExistingDocument() {
        BlockStore store = newStore();
        assumeTrue(store.isWritable(), "read-only store");
        assertThat(store.write(db("dup"), dbDocument("first", "pw-1"), false)).isTrue();
        assertThat(store.write(db("dup"), dbDocument("second", "pw-2"), false)).isFalse();
        assertSameJson(store.read(db("dup")).orElseThrow(), dbDocument("first", "pw-1"));
    }

    @Test
    public void overwriteReplacesTheDocument() {
        BlockStore store = newStore();
        assumeTrue(store.isWritable(), "read-only store");
        store.write(db("ow"), dbDocument("first", "pw-1"), false);
        assertThat(store.write(db("ow"), dbDocument("second", "pw-2"), true)).isTrue();
        assertSameJson(store.read(db("ow")).orElseThrow(), dbDocument("second", "pw-2"));
        assertThat(store.list()).containsOnlyOnce(db("ow"));
    }

    @Test
    public void deleteRemovesOnlyThatBlock() {
        BlockStore store = newStore();
        assumeTrue(store.isWritable(), "read-only store");
        store.write(db("gone"), dbDocument("a", "pw-a"), false);
        store.write(hook("gone"), "{\"url\":{\"$secret\":\"https://h.example.com/2\"},\"channels\":[]}", false);
        assertThat(store.delete(db("gone"))).isTrue();
        assertThat(store.read(db("gone"))).isEmpty();
        assertThat(store.read(hook("gone"))).isPresent();
        assertThat(store.delete(db("gone"))).isFalse();
        assertThat(store.list()).doesNotContain(db("gone"));
    }

    @Test
    public void concurrentSavesOfOneNewNameHaveExactlyOneWinner() throws Exception {
        BlockStore store = newStore();
        assumeTrue(store.isWritable(), "read-only store");
        int threads = 8;
        List<Boolean> results = race(threads, i -> store.write(db("race"), dbDocument("writer" + i, "pw-" + i), false));
        assertThat(results).containsOnlyOnce(true);
        int winner = results.indexOf(true);
        assertSameJson(store.read(db("race")).orElseThrow(), dbDocument("writer" + winner, "pw-" + winner));
    }

    @Test
    public void concurrentOverwritesLeaveOneWholeDocument() throws Exception {
        BlockStore store = newStore();
        assumeTrue(store.isWritable(), "read-only store");
        int threads = 6;
        List<Boolean> results = race(threads, i -> {
            boolean all = true;
            for (int round = 0; round < 5; round++) {
                all &= store.write(db("busy"), dbDocument("writer" + i, "pw-" + i + "-" + round), true);
                store.read(db("busy")).ifPresent(BlockStoreContract::tree); // readers never see a torn document
            }
            return all;
        });
        assertThat(results).containsOnly(true);
        JsonNode last = tree(store.read(db("busy")).orElseThrow());
        assertThat(last.path("user").asText()).matches("writer[0-5]");
        assertThat(last.path("password").path("$secret").asText()).matches("pw-[0-5]-4");
    }

    @Test
    public void aReadOnlyStoreRefusesWritesWithAClearError() {
        BlockStore store = newStore(Map.of(db("fixed"), dbDocument("etl", "pw-fixed")));
        assumeFalse(store.isWritable(), "writable store");
        assertThatThrownBy(() -> store.write(db("new"), dbDocument("x", "pw-x"), false))
                .isInstanceOf(BlockException.class).hasMessageContaining("read-only");
        assertThatThrownBy(() -> store.delete(db("fixed")))
                .isInstanceOf(BlockException.class).hasMessageContaining("read-only");
        assertThat(store.read(db("fixed"))).isPresent();
    }

    /** Runs {@code body(i)} for i in [0, threads) at the same moment and returns the results in order. */
    protected static <T> List<T> race(int threads, IntBody<T> body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int n = i;
                Callable<T> task = () -> {
                    ready.countDown();
                    go.await();
                    return body.apply(n);
                };
                futures.add(pool.submit(task));
            }
            ready.await();
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    /** A body run by {@link #race}. */
    @FunctionalInterface
    protected interface IntBody<T> {
        T apply(int i) throws Exception;
    }
}
