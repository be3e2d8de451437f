package dev.sluice.benchmarks.cache;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.sluice.cache.CachePolicy;
import dev.sluice.cache.ResultStore;
import dev.sluice.Task;
import dev.sluice.TaskFuture;
import dev.sluice.internal.KeyHasher;
import dev.sluice.internal.Spec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 3's targets: the cache key of a task whose argument is a record of about 1 KB of JSON
 * (target: at most 20 µs), and a run served from the file store (target: at most 200 µs), next to
 * running the same task without a cache and calling its body directly.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar CacheBenchmark -f 1 -wi 2 -i 3</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class CacheBenchmark {
    /** One line of an order. */
    public record Line(String sku, String description, int quantity, double unitPrice) {
    }

    /** The argument: an order whose JSON is about 1 KB. */
    public record Order(String id, String customer, String shippingAddress, Instant placedAt, List<Line> lines,
            Map<String, String> attributes) {
    }

    /** The result: small, as most cached results of an extract step are not. */
    public record Summary(String id, int lines, double total) {
    }

    private Path home;
    private dev.sluice.SluiceRuntime runtime;
    private dev.sluice.SluiceRuntime previous;
    private Order order;
    private Spec spec;
    private CachePolicy policy;
    private Object[] args;
    private Task<Order, Summary> plain;
    private Task<Order, Summary> onFiles;
    private Task<Order, Summary> inMemory;

    static Summary summarize(Order o) {
        double total = 0;
        for (Line l : o.lines()) {
            total += l.quantity() * l.unitPrice();
        }
        return new Summary(o.id(), o.lines().size(), total);
    }

    static Order order() {
        List<Line> lines = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            lines.add(new Line("SKU-" + (1000 + i), "Stainless steel widget, size " + i + ", pack of twelve", i + 1, 9.99 + i));
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("channel", "web");
        attributes.put("campaign", "autumn-sale-2026");
        attributes.put("currency", "EUR");
        return new Order("ORD-2026-11-21-000042", "Ada Lovelace <ada@example.org>",
                "12 Analytical Engine Way, Marylebone, London NW1 6XE, United Kingdom",
                Instant.parse("2026-11-21T09:00:00Z"), lines, attributes);
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        home = Files.createTempDirectory("sluice-bench-home");
        System.setProperty("sluice.home", home.toString());
        // no extensions: the run history module on the benchmarks' class path would record every run
        runtime = dev.sluice.SluiceRuntime.builder().home(home).blockStore(dev.sluice.block.BlockStore.inMemory())
                .withoutExtensions().build();
        previous = dev.sluice.SluiceRuntime.replaceDefault(runtime);
        order = order();
        int size = new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).writeValueAsBytes(order).length;
        if (size < 900 || size > 1200) {
            throw new IllegalStateException("the order should be about 1 KB of JSON, is " + size + " bytes");
        }
        spec = Spec.of(Spec.Kind.TASK, "summarize", 1, a -> summarize((Order) a[0]));
        policy = CachePolicy.inputs();
        args = new Object[] {order};
        plain = Task.of("summarize", CacheBenchmark::summarize);
        onFiles = plain.withCache(CachePolicy.inputs());
        inMemory = plain.withCache(CachePolicy.inputs().storedIn(ResultStore.inMemory()));
        onFiles.run(order);
        inMemory.run(order);
        TaskFuture<Summary> check = onFiles.submit(order);
        check.join();
        if (check.run().state() != dev.sluice.State.CACHED) {
            throw new IllegalStateException("the second run should be a hit, was " + check.run().state());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        dev.sluice.SluiceRuntime.replaceDefault(previous);
        runtime.close();
        System.clearProperty("sluice.home");
        try (Stream<Path> files = Files.walk(home)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** The cache key of the 1 KB order (JSON, SHA-256, hex). */
    @Benchmark
    public String key() {
        return KeyHasher.key(spec, policy, args);
    }

    /** A task run served from the file store: key, file read, JSON read back, CACHED run record. */
    @Benchmark
    public Summary fileStoreHit() {
        return onFiles.run(order);
    }

    /** The same from the in-memory store (no file read). */
    @Benchmark
    public Summary inMemoryHit() {
        return inMemory.run(order);
    }

    /** The same task without a cache: the body runs inside a recorded task run. */
    @Benchmark
    public Summary uncachedRun() {
        return plain.run(order);
    }

    /** The body alone, no task run. */
    @Benchmark
    public Summary body() {
        return summarize(order);
    }
}
