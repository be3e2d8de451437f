package dev.sluice.tasks.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.AbstractList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An {@link Error} (not an exception) thrown by the caller's input in the middle of a transaction
 * rolls it back: giving the connection back to the pool must never commit what was written.
 */
class H2ErrorRollbackTest {
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

    /** Rows 0..n-1 whose iterator throws an AssertionError when asked for row {@code failAt}. */
    static Iterable<Map<String, Object>> rowsFailingAt(int n, int failAt) {
        return Interruptions.rows(n, "name", "n", i -> {
            if (i == failAt) {
                throw new AssertionError("boom at row " + i);
            }
        });
    }

    @Test
    void anErrorFromTheInputOfAnAllOrNothingLoadLeavesNoRow() {
        // batches of 2: rows 0..3 are written in two batches before the Error at row 5
        assertThatThrownBy(() -> SqlTasks.load().run(db, LoadSpec.into("t").withBatchSize(2), rowsFailingAt(10, 5)))
                .isInstanceOf(AssertionError.class).hasMessage("boom at row 5");
        assertThat(H2.count(db, "t")).isZero();
        // the connection went back to the pool clean: the next load on it commits normally
        assertThat(SqlTasks.load().run(db, LoadSpec.into("t").withBatchSize(2), rowsFailingAt(4, -1)).inserted()).isEqualTo(4);
        assertThat(H2.count(db, "t")).isEqualTo(4);
    }

    @Test
    void anErrorFromTheInputOfAPerBatchLoadKeepsOnlyTheCommittedBatches() {
        assertThatThrownBy(() -> SqlTasks.load().run(db, LoadSpec.into("t").withBatchSize(2)
                .withTransaction(LoadTransaction.PER_BATCH), rowsFailingAt(10, 5)))
                .isInstanceOf(AssertionError.class);
        // rows 0..3 were committed batch by batch; row 4, in the open batch, was not
        assertThat(H2.count(db, "t")).isEqualTo(4);
    }

    @Test
    void anErrorFromTheParameterSetsOfExecuteManyLeavesNoRow() {
        // 1,000 sets go in the first JDBC batch; the Error comes while the second is filled
        List<Map<String, Object>> sets = new AbstractList<>() {
            @Override
            public Map<String, Object> get(int index) {
                if (index == 1_200) {
                    throw new AssertionError("broken parameter set " + index);
                }
                return Map.of("id", index, "name", "n" + index);
            }

            @Override
            public int size() {
                return 1_500;
            }
        };
        assertThatThrownBy(() -> SqlTasks.executeMany().run(db, "insert into t (id, name) values (:id, :name)", sets))
                .isInstanceOf(AssertionError.class).hasMessage("broken parameter set 1200");
        assertThat(H2.count(db, "t")).isZero();
    }
}
