package dev.sluice.tasks.sql.internal;

import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * The only class that touches pgjdbc. Used only after {@link Dialect#PGJDBC} said the driver is on
 * the classpath, so the module works without it.
 */
final class PgCopy {
    private PgCopy() {
    }

    static boolean supports(Connection connection) throws SQLException {
        return connection.isWrapperFor(PGConnection.class);
    }

    /** Asks the server to cancel the statement running on {@code connection} (from any thread). */
    static void cancelQuery(Connection connection) throws SQLException {
        connection.unwrap(PGConnection.class).cancelQuery();
    }

    static CopySink open(Connection connection, String sql) throws SQLException {
        CopyIn in = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
        return new CopySink() {
            @Override
            public void write(byte[] bytes, int off, int len) throws SQLException {
                in.writeToCopy(bytes, off, len);
            }

            @Override
            public long end() throws SQLException {
                return in.endCopy();
            }

            @Override
            public void cancel() {
                try {
                    if (in.isActive()) {
                        in.cancelCopy();
                    }
                } catch (SQLException | RuntimeException e) {
                    // the connection is failing anyway; the caller reports the first error
                }
            }
        };
    }
}
