package dev.sluice.tasks.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Flow0;
import dev.sluice.Flow;
import dev.sluice.SluiceRuntime;
import dev.sluice.TaskFailedException;
import dev.sluice.block.BlockStore;
import dev.sluice.cache.ResultStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@link LoadTransaction#PER_BATCH} load keeps what it committed with its task run: a retry of
 * that run resumes after it, and nothing of it reaches another run.
 */
class PerBatchResumeTest {
    @TempDir
    Path home;

    private final List<Duration> slept = new ArrayList<>();
    private SluiceRuntime runtime;
    private DatabaseCredentials db;

    @BeforeEach
    void setUp() {
        runtime = SluiceRuntime.builder().home(home).blockStore(BlockStore.inMemory())
                .resultStore(ResultStore.inMemory()).sleeper(slept::add).build();
        db = H2.newDatabase();
        H2.sql(db, "create table keyed (id int primary key, v varchar(10))", "create table plain (id int, v varchar(10))");
    }

    @AfterEach
    void tearDown() {
        runtime.close();
    }

    /** Rows 0..n-1; on the attempts listed in {@code failOn} (1-based) the input breaks at row {@code at}. */
    static Iterable<Map<String, Object>> input(int n, int at, AtomicInteger attempts, int... failOn) {
        return () -> {
            int attempt = attempts.incrementAndGet();
            boolean fail = java.util.Arrays.stream(failOn).anyMatch(f -> f == attempt);
            return Interruptions.rows(n, "v", "r", i -> {
                if (fail && i == at) {
                    throw new IllegalStateException("upstream hiccup at row " + i);
                }
            }).iterator();
        };
    }

    @Test
    void aRetryOfTheSameRunResumesAfterTheCommittedBatches() {
        AtomicInteger attempts = new AtomicInteger();
        LoadResult r = runtime.call(() -> SqlTasks.load().withRetries(2, Duration.ofMillis(5)).run(db,
                LoadSpec.into("keyed").withTransaction(LoadTransaction.PER_BATCH).withBatchSize(100),
                input(1_000, 450, attempts, 1)));
        assertThat(attempts.get()).isEqualTo(2);
        assertThat(slept).containsExactly(Duration.ofMillis(5)); // the runtime's sleeper waited
        // the retry skipped the 400 committed rows (no duplicate key) and counts them in its result
        assertThat(r.inserted()).isEqualTo(1_000);
        assertThat(r.batches()).isEqualTo(10);
        assertThat(H2.count(db, "keyed")).isEqualTo(1_000);
    }

    @Test
    void aSecondFailureResumesFromTheLatestProgress() {
        AtomicInteger attempts = new AtomicInteger();
        LoadResult r = runtime.call(() -> SqlTasks.load().withRetries(2, Duration.ZERO).run(db,
                LoadSpec.into("keyed").withTransaction(LoadTransaction.PER_BATCH).withBatchSize(100),
                new Iterable<Map<String, Object>>() {
                    @Override
                    public Iterator<Map<String, Object>> iterator() {
                        // attempt 1 breaks at row 250, attempt 2 at row 650, attempt 3 goes through
                        int attempt = attempts.get() + 1;
                        return input(1_000, attempt == 1 ? 250 : 650, attempts, 1, 2).iterator();
                    }
                }));
        assertThat(attempts.get()).isEqualTo(3);
        assertThat(r.inserted()).isEqualTo(1_000);
        assertThat(H2.count(db, "keyed")).isEqualTo(1_000);
    }

    @Test
    void theProgressOfAFailedRunDoesNotReachTheNextRun() {
        LoadSpec spec = LoadSpec.into("plain").withTransaction(LoadTransaction.PER_BATCH).withBatchSize(100);
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> runtime.run(() -> SqlTasks.load().run(db, spec, input(1_000, 450, attempts, 1))))
                .isInstanceOf(TaskFailedException.class).cause().isInstanceOf(SqlLoadException.class)
                .hasMessageContaining("400 rows in 4 batch(es) stay committed");
        assertThat(H2.count(db, "plain")).isEqualTo(400);

        // a new run of the same task with the same arguments starts from the first row
        LoadResult r = runtime.call(() -> SqlTasks.load().run(db, spec, input(1_000, -1, attempts)));
        assertThat(r.inserted()).isEqualTo(1_000);
        assertThat(H2.count(db, "plain")).isEqualTo(1_400);
    }

    @Test
    void twoLoadsInOneFlowEachKeepTheirOwnProgress() {
        LoadSpec spec = LoadSpec.into("plain").withTransaction(LoadTransaction.PER_BATCH).withBatchSize(100);
        AtomicInteger first = new AtomicInteger();
        AtomicInteger second = new AtomicInteger();
        Flow0<Long> flow = Flow.of("two-loads", () -> {
            try {
                SqlTasks.load().run(db, spec, input(1_000, 450, first, 1));
            } catch (TaskFailedException expected) {
                // 400 rows stay committed
            }
            return SqlTasks.load().withRetries(1, Duration.ZERO).run(db, spec, input(300, 150, second, 1)).inserted();
        });
        // the second load (another task run in the same flow run) resumes after its own 100 rows, not the first's 400
        assertThat(runtime.call(flow::run)).isEqualTo(300L);
        assertThat(second.get()).isEqualTo(2);
        assertThat(H2.count(db, "plain")).isEqualTo(700);
    }
}
