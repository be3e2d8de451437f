package dev.sluice.tasks.sql;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A SQL statement with named parameters ({@code :name}) and their values. Values are always bound,
 * never put into the SQL text. Immutable.
 *
 * <pre>{@code
 * SqlStatement q = SqlStatement.of("select * from orders where status = :status and total > :min")
 *         .bind("status", "open").bind("min", 100);
 * }</pre>
 *
 * @param sql the statement; {@code :name} marks a parameter ({@code ::} casts, quoted text, PostgreSQL's dollar-quoted {@code $$...$$}
 *        and {@code $tag$...$tag$} text and comments are left alone)
 * @param parameters parameter values by name; values may be null
 * @param fetchSize rows fetched per round trip by queries; 0 leaves the driver's default
 */
public record SqlStatement(String sql, Map<String, @Nullable Object> parameters, int fetchSize) {
    /** Validates and copies. */
    public SqlStatement {
        Objects.requireNonNull(sql, "sql");
        Objects.requireNonNull(parameters, "parameters");
        if (sql.isBlank()) {
            throw new IllegalArgumentException("sql must not be blank");
        }
        if (fetchSize < 0) {
            throw new IllegalArgumentException("fetchSize must be >= 0, was " + fetchSize);
        }
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /** A statement without parameter values yet. */
    public static SqlStatement of(String sql) {
        return new SqlStatement(sql, Map.of(), 0);
    }

    /** A statement with these parameter values. */
    public static SqlStatement of(String sql, Map<String, ?> parameters) {
        Map<String, @Nullable Object> copy = new LinkedHashMap<>(Objects.requireNonNull(parameters, "parameters"));
        return new SqlStatement(sql, copy, 0);
    }

    /** A copy with {@code :name} bound to {@code value} (which may be null). */
    public SqlStatement bind(String name, @Nullable Object value) {
        Objects.requireNonNull(name, "name");
        Map<String, @Nullable Object> copy = new LinkedHashMap<>(parameters);
        copy.put(name, value);
        return new SqlStatement(sql, copy, fetchSize);
    }

    /** A copy whose queries fetch {@code fetchSize} rows per round trip. */
    public SqlStatement withFetchSize(int fetchSize) {
        return new SqlStatement(sql, parameters, fetchSize);
    }
}
