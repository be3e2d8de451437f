package dev.sluice.tasks.sql;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/** Helpers for tests of tasks whose thread is interrupted (a timeout) while they work. */
final class Interruptions {
    private Interruptions() {
    }

    /**
     * Rows 0..n-1 of {@code id} and {@code column} ({@code prefix + id}), made as they are asked for; {@code before} is told each row's number first, and may throw
     * or stall there, as an input breaking or stuck in a computation would.
     */
    static Iterable<Map<String, Object>> rows(int n, String column, String prefix, java.util.function.IntConsumer before) {
        return () -> new Iterator<>() {
            private int i;

            @Override
            public boolean hasNext() {
                return i < n;
            }

            @Override
            public Map<String, Object> next() {
                before.accept(i);
                int id = i++;
                return Map.of("id", id, column, prefix + id);
            }
        };
    }

    /**
     * Rows 0..n-1 of {@code id} and {@code name}; asked for row {@code stallAt}, the iterator spins,
     * deaf to interrupts, until {@code go} is set, like an input stuck in a computation.
     */
    static Iterable<Map<String, Object>> stallingRows(int n, int stallAt, AtomicBoolean go) {
        return rows(n, "name", "n", i -> {
            if (i == stallAt) {
                while (!go.get()) {
                    Thread.onSpinWait();
                }
            }
        });
    }

    /** Waits until no connection of the pool of {@code db} is in use: the task that held one gave it back. */
    static void awaitPoolIdle(DatabaseCredentials db, Duration atMost) throws InterruptedException {
        assertThat(poolIdleWithin(db, atMost)).as("connections of the pool still in use after " + atMost).isTrue();
    }

    /** True once no connection of the pool of {@code db} is in use, false if one still is after {@code atMost}. */
    static boolean poolIdleWithin(DatabaseCredentials db, Duration atMost) throws InterruptedException {
        HikariDataSource ds = (HikariDataSource) SqlPools.dataSource(db);
        long deadline = System.nanoTime() + atMost.toNanos();
        while (ds.getHikariPoolMXBean().getActiveConnections() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }
}
