package dev.sluice.tasks.sql.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * How the SQL tasks honour an interrupt of their thread (the engine interrupts a task body whose
 * timeout passed or whose run is cancelled). JDBC drivers mostly ignore interrupts, so a statement
 * blocked on a lock would go on, and the task after it, long after its task run ended:
 * {@link #watch} cancels the running statement once the thread is interrupted, and
 * {@link #interrupted()} is checked between batches and before every commit.
 */
final class Interrupts {
    /** How often the watchdog looks at the watched threads. */
    static final long PERIOD_MILLIS = 50;

    private static final ScheduledThreadPoolExecutor WATCHDOG = watchdog();

    private Interrupts() {
    }

    private static ScheduledThreadPoolExecutor watchdog() {
        ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "sluice-sql-watchdog");
            t.setDaemon(true);
            return t;
        });
        e.setRemoveOnCancelPolicy(true);
        e.setKeepAliveTime(5, TimeUnit.SECONDS);
        e.allowCoreThreadTimeOut(true); // no thread is left behind once nothing is watched
        return e;
    }

    /** True if the calling thread was interrupted; the interrupt stays set for the engine to see. */
    static boolean interrupted() {
        return Thread.currentThread().isInterrupted();
    }

    /**
     * Watches the calling thread while it uses {@code connection}: once the thread is interrupted,
     * the statement running on the connection is cancelled (on PostgreSQL through pgjdbc's
     * {@code cancelQuery}, elsewhere with {@link Statement#cancel()} of the statement given to
     * {@link Watch#statement}), so it fails instead of waiting on. Close the watch when done.
     */
    static Watch watch(Connection connection) {
        return new Watch(Thread.currentThread(), connection);
    }

    /** One watched thread and connection; {@link #close()} stops watching. */
    static final class Watch implements AutoCloseable {
        private final Thread thread;
        private final Connection connection;
        private final boolean pg;
        private volatile @Nullable ScheduledFuture<?> check;
        private volatile @Nullable Statement statement;
        private volatile boolean fired;

        private Watch(Thread thread, Connection connection) {
            this.thread = thread;
            this.connection = connection;
            this.pg = isPg(connection);
            this.check = WATCHDOG.scheduleWithFixedDelay(this::look, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        }

        private static boolean isPg(Connection connection) {
            try {
                return Dialect.PGJDBC && PgCopy.supports(connection);
            } catch (SQLException | RuntimeException e) {
                return false;
            }
        }

        /** The statement to cancel on an interrupt where the connection cannot be told to cancel (not PostgreSQL). */
        void statement(@Nullable Statement running) {
            this.statement = running;
        }

        /** True once the watchdog cancelled a statement of this watch. */
        boolean fired() {
            return fired;
        }

        private void look() {
            if (fired || !thread.isInterrupted()) {
                return;
            }
            fired = true;
            stop();
            try {
                if (pg) {
                    PgCopy.cancelQuery(connection);
                } else {
                    Statement s = statement;
                    if (s != null) {
                        s.cancel();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                // nothing to cancel, or the driver cannot: the checks after the statement still hold
            }
        }

        private void stop() {
            ScheduledFuture<?> c = check;
            if (c != null) {
                c.cancel(false);
            }
        }

        @Override
        public void close() {
            stop();
        }
    }
}
