package dev.sluice.tasks.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.State;
import dev.sluice.TaskFailedException;
import java.time.Duration;
import java.util.AbstractList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A task that timed out (the engine interrupts its thread and reports TIMED_OUT) must not commit
 * afterwards, even when its input ignores the interrupt and the body goes on: the load checks the
 * interrupt between batches and before each commit, and rolls back.
 */
class H2InterruptTest {
    private static final Duration TIMEOUT = Duration.ofMillis(300);
    private DatabaseCredentials db;

    @BeforeEach
    void setUp() {
        db = H2.newDatabase();
        H2.sql(db, "create table t (id int primary key, name varchar(10))");
    }

    @AfterAll
    static void closePools() {
        SqlPools.close();
    }

    /** Runs the load with a timeout, lets its stalled input go on once the task ended TIMED_OUT, waits for the body to end. */
    private void timeOut(LoadSpec spec, AtomicBoolean go, Iterable<?> rows) throws InterruptedException {
        try {
            assertThatThrownBy(() -> SqlTasks.load().withTimeout(TIMEOUT).run(db, spec, rows))
                    .isInstanceOfSatisfying(TaskFailedException.class, e -> assertThat(e.state()).isEqualTo(State.TIMED_OUT));
        } finally {
            go.set(true);
        }
        Interruptions.awaitPoolIdle(db, Duration.ofSeconds(10));
    }

    @Test
    void anAllOrNothingLoadThatTimedOutNeverCommits() throws Exception {
        AtomicBoolean go = new AtomicBoolean();
        timeOut(LoadSpec.into("t").withBatchSize(2), go, Interruptions.stallingRows(10, 5, go));
        assertThat(H2.count(db, "t")).isZero();
    }

    @Test
    void aPerBatchLoadThatTimedOutKeepsTheBatchesCommittedBeforeAndRollsBackTheOpenOne() throws Exception {
        AtomicBoolean go = new AtomicBoolean();
        timeOut(LoadSpec.into("t").withBatchSize(2).withTransaction(LoadTransaction.PER_BATCH), go,
                Interruptions.stallingRows(10, 5, go));
        // rows 0..3 were committed before the stall; the batch of rows 4 and 5 was written after the timeout
        assertThat(H2.count(db, "t")).isEqualTo(4);
    }

    @Test
    void anExecuteManyThatTimedOutNeverCommits() throws Exception {
        AtomicBoolean go = new AtomicBoolean();
        // the first JDBC batch (1,000 sets) is executed; the stall comes while the second is filled
        List<Map<String, Object>> sets = new AbstractList<>() {
            @Override
            public Map<String, Object> get(int index) {
                if (index == 1_200) {
                    while (!go.get()) {
                        Thread.onSpinWait();
                    }
                }
                return Map.of("id", index, "name", "n" + index);
            }

            @Override
            public int size() {
                return 1_500;
            }
        };
        try {
            assertThatThrownBy(() -> SqlTasks.executeMany().withTimeout(TIMEOUT)
                    .run(db, "insert into t (id, name) values (:id, :name)", sets))
                    .isInstanceOfSatisfying(TaskFailedException.class, e -> assertThat(e.state()).isEqualTo(State.TIMED_OUT));
        } finally {
            go.set(true);
        }
        Interruptions.awaitPoolIdle(db, Duration.ofSeconds(10));
        assertThat(H2.count(db, "t")).isZero();
    }
}
