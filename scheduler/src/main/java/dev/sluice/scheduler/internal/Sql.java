package dev.sluice.scheduler.internal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import dev.sluice.history.internal.Times;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** Small JDBC helpers: times as microseconds since the epoch, nullable columns, root messages. */
public final class Sql {
    private Sql() {
    }

    /** {@code t} in microseconds since the epoch, as the run history stores times in the same database. */
    public static long micros(Instant t) {
        return Times.micros(t);
    }

    /** The instant of {@code micros}. */
    public static Instant instant(long micros) {
        return Times.instant(micros);
    }

    static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
        return Times.instantOrNull(rs, column);
    }

    static void setLong(PreparedStatement ps, int i, @Nullable Long v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, v);
        }
    }

    static void setString(PreparedStatement ps, int i, @Nullable String v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.VARCHAR);
        } else {
            ps.setString(i, v);
        }
    }

    /** The deepest message of {@code t}'s causes. */
    public static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        String m = c.getMessage();
        return m == null || m.isBlank() ? c.getClass().getName() : m;
    }
}
