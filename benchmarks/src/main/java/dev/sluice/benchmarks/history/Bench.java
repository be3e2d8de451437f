package dev.sluice.benchmarks.history;

import dev.sluice.RunRecorder;
import dev.sluice.SluiceRuntime;
import dev.sluice.block.BlockStore;
import dev.sluice.block.Secret;
import dev.sluice.cache.ResultStore;
import dev.sluice.history.HistoryDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/** What the history benchmarks share: runtimes, a busy body, heap sampling, an embedded PostgreSQL. */
final class Bench {
    private Bench() {
    }

    /**
     * A new temporary folder, deleted with what it holds when the JVM exits: the generated databases run
     * to gigabytes, and a benchmark run often should not leave them behind.
     */
    static Path scratch(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
                all.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException | java.io.UncheckedIOException e) {
                System.err.println("could not delete " + dir + ": " + e);
            }
        }, "delete-" + prefix));
        return dir;
    }

    /** A runtime with blocks and results in memory, no extensions, and {@code recorder} if given. */
    static SluiceRuntime runtime(@Nullable RunRecorder recorder) throws IOException {
        SluiceRuntime.Builder b = SluiceRuntime.builder()
                .home(scratch("sluice-bench"))
                .blockStore(BlockStore.inMemory())
                .resultStore(ResultStore.inMemory())
                .withoutExtensions();
        if (recorder != null) {
            b.recorder(recorder);
        }
        return b.build();
    }

    /** Spins for about {@code nanos} (work the JIT cannot remove). */
    static long spin(long nanos) {
        long end = System.nanoTime() + nanos;
        long x = 0;
        while (System.nanoTime() < end) {
            x += 31;
        }
        return x;
    }

    /** CPU time so far of the live threads whose name starts with {@code prefix}, in nanoseconds. */
    static long cpuNanos(String prefix) {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(prefix)) {
                long ns = mx.getThreadCpuTime(t.getId());
                sum += Math.max(0, ns);
            }
        }
        return sum;
    }

    static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+", 4)[0];
        } catch (IOException e) {
            return "?";
        }
    }

    static double percentile(double[] values, double p) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.round((s.length - 1) * p / 100.0))];
    }

    static double median(double[] values) {
        return percentile(values, 50);
    }

    static void ratio(String name, double value) {
        System.out.printf(Locale.ROOT, "RATIO %s %.3f%n", name, value);
    }

    static void figure(String name, double value, String unit) {
        System.out.printf(Locale.ROOT, "FIGURE %s %.3f %s%n", name, value, unit);
    }

    /** Samples the used heap every 20 ms until closed; {@link #max()} is the highest seen. */
    static final class HeapSampler implements AutoCloseable {
        private final AtomicLong max = new AtomicLong();
        private final Thread thread;
        private volatile boolean stop;

        HeapSampler() {
            MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
            thread = new Thread(() -> {
                while (!stop) {
                    max.accumulateAndGet(mx.getHeapMemoryUsage().getUsed(), Math::max);
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "heap-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        double maxMb() {
            return max.get() / 1048576.0;
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join();
        }
    }

    /** An embedded PostgreSQL and a database on it for a history. */
    static final class Postgres implements AutoCloseable {
        final EmbeddedPostgres pg;

        Postgres() throws IOException {
            pg = EmbeddedPostgres.builder()
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("shared_buffers", "512MB")
                    .setServerConfig("max_wal_size", "4GB")
                    .start();
        }

        HistoryDatabase database() {
            return HistoryDatabase.of(pg.getJdbcUrl("postgres", "postgres"), "postgres", Secret.of(""));
        }

        @Override
        public void close() throws IOException {
            pg.close();
        }
    }
}
