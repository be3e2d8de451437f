package dev.sluice.scheduler.internal;

import dev.sluice.history.internal.Database;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/** The pooled connections of a history {@link Database}, as a {@link DataSource} for db-scheduler and Flyway. */
final class PoolDataSource implements DataSource {
    // see PoolDataSources.of
    private final Database db;
    private final Connector connector;

    /** Where the connections come from. */
    @FunctionalInterface
    interface Connector {
        Connection connect() throws SQLException;
    }

    PoolDataSource(Database db) {
        this(db, db::connection);
    }

    /** The pool's connections through {@code connector} (a {@link Store} notes trouble reaching the database). */
    PoolDataSource(Database db, Connector connector) {
        this.db = db;
        this.connector = connector;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return connector.connect();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return connector.connect();
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
    }

    @Override
    public void setLoginTimeout(int seconds) {
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("not a wrapper of " + iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }

    @Override
    public String toString() {
        return db.description();
    }
}
