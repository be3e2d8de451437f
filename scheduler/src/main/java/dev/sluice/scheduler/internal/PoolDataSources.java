package dev.sluice.scheduler.internal;

import dev.sluice.history.internal.Database;
import javax.sql.DataSource;

/** Makes {@link DataSource}s of history databases. */
public final class PoolDataSources {
    private PoolDataSources() {
    }

    /** The pooled connections of {@code db}. */
    public static DataSource of(Database db) {
        return new PoolDataSource(db);
    }
}
