package dev.sluice.tasks.sql.internal;

import com.zaxxer.hikari.HikariDataSource;
import dev.sluice.RunContext;
import dev.sluice.tasks.sql.DatabaseCredentials;
import dev.sluice.tasks.sql.RowConsumer;
import dev.sluice.tasks.sql.SqlStatement;
import dev.sluice.tasks.sql.SqlTaskException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The bodies of the execute, fetch and stream tasks. */
public final class Queries {
    /** Fetch size {@code stream} uses when the statement sets none. */
    static final int STREAM_FETCH_SIZE = 1_000;
    /** Parameter sets per JDBC batch in {@code executeMany}. */
    static final int EXECUTE_MANY_BATCH = 1_000;

    private Queries() {
    }

    /** Makes a row mapper once the result's columns are known. */
    @FunctionalInterface
    public interface MapperFactory<T> {
        Rows.Mapper<T> create(ResultSetMetaData md) throws SQLException;
    }

    public static MapperFactory<Map<String, Object>> maps() {
        return Rows::maps;
    }

    public static <T> MapperFactory<T> records(Class<T> type) {
        Objects.requireNonNull(type, "type");
        if (!type.isRecord()) {
            throw new IllegalArgumentException(type.getName() + " is not a record; use the Map-returning task or a record type");
        }
        return md -> Rows.records(md, type);
    }

    public static int execute(DatabaseCredentials credentials, SqlStatement statement) {
        check(credentials, statement);
        NamedSql sql = NamedSql.parse(statement.sql());
        HikariDataSource ds = Pools.current().dataSource(credentials);
        Connection conn = Loader.borrow(ds, credentials);
        boolean broken = false;
        Interrupts.Watch watch = Interrupts.watch(conn);
        try (PreparedStatement ps = conn.prepareStatement(sql.jdbc())) {
            watch.statement(ps);
            bind(ps, sql, statement.parameters());
            ps.execute();
            int count = Math.max(ps.getUpdateCount(), 0);
            RunContext.logger().debug("executed '{}': {} rows", Values.abbreviate(statement.sql()), count);
            return count;
        } catch (SQLException e) {
            broken = !Loader.valid(conn);
            throw failed(statement.sql(), e, credentials);
        } finally {
            watch.close();
            Loader.release(ds, conn, broken);
        }
    }

    public static long executeMany(DatabaseCredentials credentials, String statement, List<?> parameterSets) {
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(statement, "statement");
        Objects.requireNonNull(parameterSets, "parameterSets");
        NamedSql sql = NamedSql.parse(statement);
        if (parameterSets.isEmpty()) {
            return 0;
        }
        HikariDataSource ds = Pools.current().dataSource(credentials);
        Connection conn = Loader.borrow(ds, credentials);
        boolean broken = false;
        Interrupts.Watch watch = Interrupts.watch(conn);
        try (PreparedStatement ps = conn.prepareStatement(sql.jdbc())) {
            watch.statement(ps);
            conn.setAutoCommit(false);
            long total = 0;
            int inBatch = 0;
            ParameterTypes types = new ParameterTypes(ps);
            for (int i = 0; i < parameterSets.size(); i++) {
                Object params = Objects.requireNonNull(parameterSets.get(i), "parameter set " + i);
                for (int p = 0; p < sql.names().size(); p++) {
                    types.bind(p + 1, Values.parameter(params, sql.names().get(p), statement));
                }
                ps.addBatch();
                if (++inBatch == EXECUTE_MANY_BATCH) {
                    total += sum(ps.executeBatch());
                    inBatch = 0;
                }
            }
            if (inBatch > 0) {
                total += sum(ps.executeBatch());
            }
            if (Interrupts.interrupted()) {
                // the task timed out or its run was cancelled while the statements ran: they must not stay
                throw new SqlTaskException("executing '" + Values.abbreviate(statement) + "' " + parameterSets.size()
                        + " times was interrupted (its task timed out or its run was cancelled); rolled back");
            }
            conn.commit();
            RunContext.logger().debug("executed '{}' {} times: {} rows", Values.abbreviate(statement), parameterSets.size(), total);
            return total;
        } catch (Error e) {
            Loader.rollback(conn, e);
            broken = !Loader.valid(conn);
            throw e;
        } catch (SQLException | RuntimeException e) {
            Loader.rollback(conn, e);
            broken = !Loader.valid(conn);
            if (e instanceof IllegalArgumentException || e instanceof SqlTaskException) {
                throw (RuntimeException) e;
            }
            throw failed(statement, e, credentials);
        } finally {
            watch.close();
            Loader.release(ds, conn, broken);
        }
    }

    private static long sum(int[] counts) {
        long total = 0;
        for (int c : counts) {
            total += c >= 0 ? c : (c == Statement.SUCCESS_NO_INFO ? 1 : 0);
        }
        return total;
    }

    /** Up to {@code max} rows (all if {@code max} is 0). */
    public static <T> List<T> fetch(DatabaseCredentials credentials, SqlStatement statement, MapperFactory<T> mapper, int max) {
        check(credentials, statement);
        List<T> rows = new ArrayList<>();
        query(credentials, statement, mapper, max, statement.fetchSize(), row -> rows.add(row));
        return rows;
    }

    /** Every row, read through a cursor {@code fetchSize} rows at a time, handed to {@code consumer}. */
    public static <T> long stream(DatabaseCredentials credentials, SqlStatement statement, MapperFactory<T> mapper,
                                  RowConsumer<? super T> consumer) {
        check(credentials, statement);
        Objects.requireNonNull(consumer, "consumer");
        int fetchSize = statement.fetchSize() > 0 ? statement.fetchSize() : STREAM_FETCH_SIZE;
        return query(credentials, statement, mapper, 0, fetchSize, consumer);
    }

    private static <T> long query(DatabaseCredentials credentials, SqlStatement statement, MapperFactory<T> mapper,
                                  int max, int fetchSize, RowConsumer<? super T> consumer) {
        NamedSql sql = NamedSql.parse(statement.sql());
        HikariDataSource ds = Pools.current().dataSource(credentials);
        Connection conn = Loader.borrow(ds, credentials);
        boolean broken = false;
        Interrupts.Watch watch = Interrupts.watch(conn);
        try {
            if (fetchSize > 0) {
                conn.setAutoCommit(false); // PostgreSQL uses a cursor only inside a transaction
            }
            long n = 0;
            try (PreparedStatement ps = conn.prepareStatement(sql.jdbc(), ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
                if (fetchSize > 0) {
                    ps.setFetchSize(fetchSize);
                }
                if (max > 0) {
                    ps.setMaxRows(max);
                }
                watch.statement(ps);
                bind(ps, sql, statement.parameters());
                try (ResultSet rs = ps.executeQuery()) {
                    Rows.Mapper<T> m = mapper.create(rs.getMetaData());
                    while ((max == 0 || n < max) && rs.next()) {
                        consumer.accept(m.map(rs));
                        n++;
                    }
                }
            }
            if (!conn.getAutoCommit()) {
                conn.commit();
            }
            RunContext.logger().debug("query '{}' returned {} rows", Values.abbreviate(statement.sql()), n);
            return n;
        } catch (SQLException e) {
            Loader.rollback(conn, e);
            broken = !Loader.valid(conn);
            throw failed(statement.sql(), e, credentials);
        } catch (RuntimeException e) {
            Loader.rollback(conn, e);
            throw e;
        } catch (Exception e) {
            Loader.rollback(conn, e);
            throw new SqlTaskException("the row consumer of '" + Values.abbreviate(statement.sql()) + "' failed: " + e, e);
        } catch (Error e) {
            Loader.rollback(conn, e);
            throw e;
        } finally {
            watch.close();
            Loader.release(ds, conn, broken);
        }
    }

    private static void bind(PreparedStatement ps, NamedSql sql, Map<String, ?> params) throws SQLException {
        ParameterTypes types = new ParameterTypes(ps);
        for (int p = 0; p < sql.names().size(); p++) {
            types.bind(p + 1, Values.parameter(params, sql.names().get(p), sql.original()));
        }
    }

    /**
     * Binds the parameters of one statement. An {@code Instant} (or a {@code java.util.Date}) compared with or
     * written to a {@code timestamp} column (no zone) is bound as its UTC wall time, as a load stores it, so
     * {@code where at >= :since} finds what a load of {@code since} wrote whatever the JVM's zone; bound as an
     * offset date-time, the database would compare it with the session's (the JVM's zone's) wall time. The
     * parameter types are asked of the driver once a statement, and only when such a value is bound.
     */
    private static final class ParameterTypes {
        private final PreparedStatement ps;
        private java.sql.@org.jspecify.annotations.Nullable ParameterMetaData meta;
        private boolean unknown;

        ParameterTypes(PreparedStatement ps) {
            this.ps = ps;
        }

        void bind(int index, @org.jspecify.annotations.Nullable Object value) throws SQLException {
            Values.bind(ps, index, value, java.sql.Types.NULL,
                    Values.isInstant(value) && Values.isZonelessTimestamp(typeName(index)));
        }

        private java.lang.@org.jspecify.annotations.Nullable String typeName(int index) {
            if (unknown) {
                return null;
            }
            try {
                if (meta == null) {
                    meta = ps.getParameterMetaData();
                }
                return meta == null ? null : meta.getParameterTypeName(index);
            } catch (SQLException | RuntimeException e) {
                unknown = true; // a driver that cannot tell: bound as before, as an offset date-time
                return null;
            }
        }
    }

    private static void check(DatabaseCredentials credentials, SqlStatement statement) {
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(statement, "statement");
    }

    private static SqlTaskException failed(String sql, Exception e, DatabaseCredentials credentials) {
        String why = Interrupts.interrupted() ? " (cancelled: its task timed out or its run was cancelled)" : "";
        return new SqlTaskException("statement '" + Values.abbreviate(sql) + "' failed on " + credentials.redactedUrl()
                + why + ": " + SqlErrors.describe(e), e);
    }
}
