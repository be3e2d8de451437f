package dev.sluice.server.internal;

import dev.sluice.history.HistoryDatabase;
import dev.sluice.scheduler.DeploymentClient;
import java.time.Clock;
import org.jspecify.annotations.Nullable;

/**
 * The scheduler's client on the server's database, opened on first use (so the server starts, and serves
 * runs, while the database is down or before any worker made the scheduler's tables), and tried again on
 * the next request when opening fails.
 */
public final class Deployments implements AutoCloseable {
    private final HistoryDatabase database;
    private final Clock clock;
    private @Nullable DeploymentClient client;
    private boolean closed;

    /** For {@code database}. */
    public Deployments(HistoryDatabase database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /**
     * The client.
     *
     * @throws dev.sluice.scheduler.SchedulerDatabaseException if the database cannot be reached
     */
    synchronized DeploymentClient client() {
        if (closed) {
            throw new IllegalStateException("the server is closed");
        }
        if (client == null) {
            client = DeploymentClient.open(database, clock);
        }
        return client;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (client != null) {
            client.close();
            client = null;
        }
    }
}
