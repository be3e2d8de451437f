package dev.sluice.history.internal;

import dev.sluice.history.HistoryException;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * Brings a database's schema to the version this code writes, with Flyway (versioned SQL per dialect
 * under {@code db/sluice-history/}). Opening a database that is already current does not load Flyway
 * at all; a database whose schema is newer than this code is refused, so an old program never writes
 * into a layout it does not know.
 */
public final class Schema {
    /** The schema version this code reads and writes. */
    public static final int LATEST = 3;
    /** Flyway's table of applied migrations. */
    public static final String TABLE = "sluice_schema_history";

    private static final Logger LOG = LoggerFactory.getLogger(Schema.class);

    private Schema() {
    }

    /**
     * Migrates {@code db} to {@link #LATEST}, or up to {@code target} when given (tests of upgrades).
     *
     * @throws HistoryException if the schema is newer than this code, or the migration fails
     */
    public static void migrate(Database db, int target) {
        int current = current(db);
        if (current > LATEST) {
            throw newer(db, current);
        }
        if (current >= target) {
            return;
        }
        if (db.dialect() == Dialect.SQLITE) {
            Path file = java.util.Objects.requireNonNull(db.file());
            try {
                Database.withMigrationLock(file, db.config().connectTimeout(), () -> {
                    // another process may have migrated while this one waited
                    int now = current(db);
                    if (now > LATEST) {
                        throw newer(db, now);
                    }
                    if (now < target) {
                        flyway(db, Database.sqliteSource(file, SQLiteConfig.TransactionMode.DEFERRED, db.config()), target);
                    }
                    return null;
                });
            } catch (IOException e) {
                throw new HistoryException("cannot lock the migration of the run history file " + file + ": " + e, e);
            }
        } else {
            // Flyway locks PostgreSQL's migrations itself, but not the making of its table
            Database.migratingAlongside(TABLE, () -> {
                flyway(db, db.dataSource(), target);
                return null;
            });
        }
    }

    private static HistoryException newer(Database db, int version) {
        return new HistoryException("the run history database " + db.description() + " has schema version " + version
                + ", newer than this sluice-history understands (" + LATEST + "); nothing is written to it: upgrade"
                + " sluice-history, or point SLUICE_DATABASE_URL at another database");
    }

    private static void flyway(Database db, DataSource source, int target) {
        long start = System.nanoTime();
        try {
            Flyway flyway = Flyway.configure(Schema.class.getClassLoader())
                    .dataSource(source)
                    .locations(db.dialect().migrations())
                    .table(TABLE)
                    // a database with tables of its own (an application's, its Flyway's): the history's start
                    // beside them from an empty baseline, rather than Flyway refusing a non-empty schema
                    .baselineOnMigrate(true)
                    .baselineVersion("0")
                    .target(Integer.toString(target))
                    .load();
            var result = flyway.migrate();
            LOG.info("run history {}: schema migrated to version {} ({} migration(s), {} ms)", db.description(),
                    target, result.migrationsExecuted, (System.nanoTime() - start) / 1_000_000);
        } catch (RuntimeException e) {
            if (db.file() != null) {
                HistoryException he = Database.sqliteError(db.file(), e);
                if (he.getMessage().contains("corrupted")) {
                    throw he;
                }
            }
            throw new HistoryException("cannot migrate the run history database " + db.description() + " to schema version "
                    + target + ": " + Database.rootMessage(e), e);
        }
    }

    /** The highest successfully applied schema version, 0 for an empty database. */
    public static int current(Database db) {
        try (Connection c = db.connection()) {
            if (!hasTable(c, TABLE)) {
                return 0;
            }
            int max = 0;
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("select version, success from " + TABLE + " where version is not null")) {
                while (rs.next()) {
                    if (!rs.getBoolean(2)) {
                        continue;
                    }
                    String v = rs.getString(1);
                    try {
                        max = Math.max(max, Integer.parseInt(v.strip()));
                    } catch (NumberFormatException e) {
                        // "2.1" from a newer release: count its major part
                        int dot = v.indexOf('.');
                        max = Math.max(max, Integer.parseInt(v.substring(0, dot < 0 ? v.length() : dot).strip()) + (dot < 0 ? 0 : 1));
                    }
                }
            }
            return max;
        } catch (SQLException e) {
            if (db.file() != null) {
                throw Database.sqliteError(db.file(), e);
            }
            throw new HistoryException("cannot read the schema version of the run history database " + db.description()
                    + ": " + Database.rootMessage(e), e);
        }
    }

    private static boolean hasTable(Connection c, String table) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        try (ResultSet rs = md.getTables(null, null, table, new String[] {"TABLE"})) {
            if (rs.next()) {
                return true;
            }
        }
        try (ResultSet rs = md.getTables(null, null, table.toUpperCase(java.util.Locale.ROOT), new String[] {"TABLE"})) {
            return rs.next();
        }
    }
}
