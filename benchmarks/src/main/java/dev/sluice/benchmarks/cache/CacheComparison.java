package dev.sluice.benchmarks.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.sluice.SluiceRuntime;
import dev.sluice.Task;
import dev.sluice.benchmarks.Interleaved;
import dev.sluice.benchmarks.cache.CacheBenchmark.Order;
import dev.sluice.benchmarks.cache.CacheBenchmark.Summary;
import dev.sluice.block.BlockStore;
import dev.sluice.cache.CachePolicy;
import dev.sluice.cache.ResultStore;
import dev.sluice.internal.KeyHasher;
import dev.sluice.internal.Spec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Issue 14, cache: interleaved round by round in one JVM, the cache key of a 1 KB record, a task run
 * served from {@code ResultStore.inMemory()}, a Caffeine lookup keyed by the same record, a run
 * served from the file store, and a file-store miss that computes and stores a small value (a new
 * order id each time). Then counts the files the file store holds per entry.
 * Targets: an in-memory hit at most the key + 1 µs; a file miss + store at most 200 µs; at most one
 * file per entry.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.sluice.benchmarks.cache.CacheComparison [rounds] [warmup]
 * </pre>
 */
public final class CacheComparison {
    private CacheComparison() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path home = Files.createTempDirectory("sluice-cache-bench");
        Path results = home.resolve("results");
        Order order = CacheBenchmark.order();
        Spec spec = Spec.of(Spec.Kind.TASK, "summarize", 1, a -> CacheBenchmark.summarize((Order) a[0]));
        CachePolicy policy = CachePolicy.inputs();
        Object[] keyArgs = {order};
        Task<Order, Summary> plain = Task.of("summarize", CacheBenchmark::summarize);
        Task<Order, Summary> inMemory = plain.withCache(CachePolicy.inputs().storedIn(ResultStore.inMemory()));
        Task<Order, Summary> onFiles = plain.withCache(CachePolicy.inputs().storedIn(ResultStore.files(results)));
        Cache<Order, Summary> caffeine = Caffeine.newBuilder().maximumSize(10_000).build();
        AtomicLong fresh = new AtomicLong();
        try (SluiceRuntime runtime = SluiceRuntime.builder().home(home).blockStore(BlockStore.inMemory())
                .resultStore(ResultStore.inMemory()).withoutExtensions().build()) {
            runtime.run(() -> {
                inMemory.run(order);
                onFiles.run(order);
            });
            caffeine.get(order, CacheBenchmark::summarize);
            Interleaved bench = new Interleaved()
                    .add("cache key of the 1 KB record", 1_000, n -> {
                        long x = 0;
                        for (int i = 0; i < n; i++) {
                            x += KeyHasher.key(spec, policy, keyArgs).length();
                        }
                        return x;
                    })
                    .add("in-memory store hit (task run)", 1_000, n -> runtime.call(() -> {
                        long x = 0;
                        for (int i = 0; i < n; i++) {
                            x += inMemory.run(order).lines();
                        }
                        return x;
                    }))
                    .add("Caffeine get, keyed by the record", 1_000, n -> {
                        long x = 0;
                        for (int i = 0; i < n; i++) {
                            x += caffeine.get(order, CacheBenchmark::summarize).lines();
                        }
                        return x;
                    })
                    .add("file store hit (task run)", 100, n -> runtime.call(() -> {
                        long x = 0;
                        for (int i = 0; i < n; i++) {
                            x += onFiles.run(order).lines();
                        }
                        return x;
                    }))
                    .add("file store miss + store (task run)", 20, n -> runtime.call(() -> {
                        long x = 0;
                        for (int i = 0; i < n; i++) {
                            Order o = new Order("ORD-" + fresh.incrementAndGet(), order.customer(), order.shippingAddress(),
                                    order.placedAt(), order.lines(), order.attributes());
                            x += onFiles.run(o).lines();
                        }
                        return x;
                    }))
                    .run(warmup, rounds, 100);
            bench.print();
            long entries;
            long files;
            try (Stream<Path> all = Files.walk(results)) {
                files = all.filter(Files::isRegularFile).count();
            }
            try (Stream<Path> all = Files.list(results)) {
                entries = all.filter(p -> p.toString().endsWith(".json")).count();
            }
            System.out.printf("%nfile store: %,d entries, %,d files (all folders)%n", entries, files);
            System.out.println("load average after: " + Interleaved.load());
            Interleaved.figureLine("cache.key", bench.median("cache key of the 1 KB record"), "ns");
            Interleaved.figureLine("cache.inmemory.hit", bench.median("in-memory store hit (task run)"), "ns");
            Interleaved.figureLine("cache.inmemory.hit-minus-key",
                    bench.difference("in-memory store hit (task run)", "cache key of the 1 KB record"), "ns");
            Interleaved.figureLine("cache.caffeine.get", bench.median("Caffeine get, keyed by the record"), "ns");
            Interleaved.figureLine("cache.file.hit", bench.median("file store hit (task run)") / 1000, "us");
            Interleaved.figureLine("cache.file.miss-and-store", bench.median("file store miss + store (task run)") / 1000, "us");
            Interleaved.figureLine("cache.file.files-per-entry", (double) files / entries, "files");
            Interleaved.ratioLine("cache.inmemory.hit/caffeine",
                    bench.ratio("in-memory store hit (task run)", "Caffeine get, keyed by the record"));
        }
    }
}
