package dev.sluice.history.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.sqlite.BusyHandler;

/**
 * How a SQLite connection waits for the file's write lock: it tries again every half millisecond for the
 * first 200 ms, then every 5 ms, up to a timeout. SQLite's own busy timeout sleeps up to 100 ms between two
 * tries, so a writer could keep missing the short gaps between the retention purge's transactions.
 */
public final class SqliteBusy extends BusyHandler {
    private static final long FAST_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final long timeoutNanos;
    private long since;

    private SqliteBusy(long timeoutNanos) {
        this.timeoutNanos = timeoutNanos;
    }

    /** Makes {@code c} (a SQLite connection) wait for locks this way, up to {@code timeoutMillis}. */
    public static void install(Connection c, long timeoutMillis) throws SQLException {
        BusyHandler.setHandler(c, new SqliteBusy(TimeUnit.MILLISECONDS.toNanos(timeoutMillis)));
    }

    @Override
    protected int callback(int tries) {
        long now = System.nanoTime();
        if (tries == 0) {
            since = now;
        }
        long waited = now - since;
        if (waited >= timeoutNanos) {
            return 0;
        }
        LockSupport.parkNanos(waited < FAST_NANOS ? 500_000 : 5_000_000);
        return 1;
    }
}
