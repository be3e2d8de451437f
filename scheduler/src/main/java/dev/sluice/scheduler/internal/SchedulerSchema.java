package dev.sluice.scheduler.internal;

import dev.sluice.history.internal.Database;
import dev.sluice.history.internal.Dialect;
import dev.sluice.scheduler.SchedulerDatabaseException;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the scheduler's tables to the version this code uses, with Flyway and a schema history table
 * of its own ({@value #TABLE}), so the scheduler's migrations and sluice-history's are applied, versioned
 * and upgraded independently on one database. A database already current does not load Flyway.
 */
public final class SchedulerSchema {
    /** The schema version this code reads and writes. */
    public static final int LATEST = 2;
    /** Flyway's table of the scheduler's applied migrations. */
    public static final String TABLE = "sluice_scheduler_schema_history";

    private static final Logger LOG = LoggerFactory.getLogger(SchedulerSchema.class);

    private SchedulerSchema() {
    }

    /**
     * Migrates to {@link #LATEST}.
     *
     * @throws SchedulerDatabaseException if the schema is newer than this code or the migration fails
     */
    public static void migrate(Database db) {
        // the run history's tables first: its Flyway refuses a first migration into a schema that is not empty
        try {
            dev.sluice.history.internal.Schema.migrate(db, dev.sluice.history.internal.Schema.LATEST);
        } catch (dev.sluice.history.HistoryException e) {
            throw new SchedulerDatabaseException(e.getMessage(), e);
        }
        int current = current(db);
        if (current > LATEST) {
            throw newer(db, current);
        }
        if (current == LATEST) {
            return;
        }
        if (db.dialect() == Dialect.SQLITE) {
            Path file = Objects.requireNonNull(db.file());
            try {
                Database.withMigrationLock(file, db.config().connectTimeout(), () -> {
                    int now = current(db); // another process may have migrated while this one waited
                    if (now > LATEST) {
                        throw newer(db, now);
                    }
                    if (now < LATEST) {
                        flyway(db);
                    }
                    return null;
                });
            } catch (IOException e) {
                throw new SchedulerDatabaseException("cannot lock the migration of the scheduler tables in "
                        + db.description() + ": " + e, e);
            }
        } else {
            flyway(db); // Flyway locks PostgreSQL itself
        }
    }

    private static SchedulerDatabaseException newer(Database db, int version) {
        return new SchedulerDatabaseException("the scheduler tables in " + db.description() + " have schema version "
                + version + ", newer than this sluice-scheduler understands (" + LATEST + "): upgrade sluice-scheduler",
                null);
    }

    private static void flyway(Database db) {
        long start = System.nanoTime();
        try {
            Flyway flyway = Flyway.configure(SchedulerSchema.class.getClassLoader())
                    .dataSource(new PoolDataSource(db))
                    .locations("classpath:db/sluice-scheduler/" + (db.dialect() == Dialect.SQLITE ? "sqlite" : "postgresql"))
                    .table(TABLE)
                    .baselineOnMigrate(true) // the history's tables are there already: start from an empty baseline
                    .baselineVersion("0")
                    .target(Integer.toString(LATEST))
                    .load();
            var result = flyway.migrate();
            LOG.info("scheduler tables in {}: migrated to version {} ({} migration(s), {} ms)", db.description(), LATEST,
                    result.migrationsExecuted, (System.nanoTime() - start) / 1_000_000);
        } catch (RuntimeException e) {
            throw new SchedulerDatabaseException("cannot migrate the scheduler tables in " + db.description()
                    + " to version " + LATEST + ": " + Sql.rootMessage(e), e);
        }
    }

    /** The highest applied version, 0 when the scheduler's tables are not there. */
    static int current(Database db) {
        try (Connection c = db.connection()) {
            boolean exists;
            try (ResultSet rs = c.getMetaData().getTables(null, null, TABLE, new String[] {"TABLE"})) {
                exists = rs.next();
            }
            if (!exists) {
                return 0;
            }
            int max = 0;
            try (var s = c.createStatement();
                    ResultSet rs = s.executeQuery("select version from " + TABLE + " where success = "
                            + (db.dialect() == Dialect.SQLITE ? "1" : "true") + " and version is not null")) {
                while (rs.next()) {
                    String v = rs.getString(1).strip();
                    int dot = v.indexOf('.');
                    max = Math.max(max, Integer.parseInt(dot < 0 ? v : v.substring(0, dot)));
                }
            }
            return max;
        } catch (SQLException e) {
            throw new SchedulerDatabaseException("cannot read the scheduler's schema version in " + db.description() + ": "
                    + Sql.rootMessage(e), e);
        }
    }
}
