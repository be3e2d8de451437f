package dev.sluice.tasks.sql.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.RecordComponent;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Reads values out of input rows (records or maps) and binds them to statements. */
public final class Values {
    private Values() {
    }

    /** The names an input row offers: record components in order, or map keys in iteration order. */
    public static List<String> namesOf(Object row) {
        if (row instanceof Map<?, ?> map) {
            List<String> names = new ArrayList<>(map.size());
            for (Object key : map.keySet()) {
                if (!(key instanceof String s)) {
                    throw new IllegalArgumentException("map rows need String keys, found " + key);
                }
                names.add(s);
            }
            return names;
        }
        Class<?> type = row.getClass();
        if (!type.isRecord()) {
            throw notARow(type);
        }
        List<String> names = new ArrayList<>();
        for (RecordComponent rc : type.getRecordComponents()) {
            names.add(rc.getName());
        }
        return names;
    }

    /** A row of a type a load cannot read, with the way out for the usual case: JSON records of an HTTP extract. */
    private static IllegalArgumentException notARow(Class<?> type) {
        String hint = type.getName().startsWith("com.fasterxml.jackson.")
                ? ": map JSON records to rows first, e.g. HttpExtract.as(Sale.class) for a record of yours, or as(Map.class)"
                : "";
        return new IllegalArgumentException("rows must be records or maps, found " + type.getName() + hint);
    }

    /** Reads named values out of rows shaped like a first row. */
    public interface Reader {
        /**
         * The value of column {@code i} of {@code row}.
         *
         * @throws IllegalArgumentException if the row lacks the column or has another shape
         */
        @Nullable Object get(Object row, int i);
    }

    /** A reader of {@code names} for rows shaped like {@code first}; map rows may hold other keys too. */
    public static Reader reader(Object first, List<String> names) {
        return reader(first, names, false);
    }

    /**
     * A reader of {@code names} for rows shaped like {@code first}. With {@code exactKeys} (the
     * names are the first row's keys) a map row with a key that is not among them is refused, when
     * its first column is read: a size comparison per row, and a search for the key only then.
     */
    public static Reader reader(Object first, List<String> names, boolean exactKeys) {
        if (first instanceof Map<?, ?>) {
            String[] keys = names.toArray(String[]::new);
            return (row, i) -> {
                if (!(row instanceof Map<?, ?> map)) {
                    throw new IllegalArgumentException("is a " + row.getClass().getName() + ", not a map like the first row");
                }
                if (exactKeys && i == 0 && map.size() > keys.length) {
                    throw extraKeys(map, names);
                }
                Object v = map.get(keys[i]);
                if (v == null && !map.containsKey(keys[i])) {
                    throw new IllegalArgumentException("has no value for column '" + keys[i] + "'");
                }
                return v;
            };
        }
        Class<?> type = first.getClass();
        if (!type.isRecord()) {
            throw notARow(type);
        }
        MethodHandle[] handles = new MethodHandle[names.size()];
        RecordComponent[] components = type.getRecordComponents();
        for (int i = 0; i < handles.length; i++) {
            RecordComponent rc = find(components, names.get(i));
            if (rc == null) {
                throw new IllegalArgumentException("record " + type.getName() + " has no component for column '"
                        + names.get(i) + "'; its components are " + namesOf(first));
            }
            try {
                rc.getAccessor().setAccessible(true);
                handles[i] = MethodHandles.lookup().unreflect(rc.getAccessor())
                        .asType(MethodType.methodType(Object.class, Object.class));
            } catch (IllegalAccessException | RuntimeException e) {
                throw new IllegalArgumentException("cannot read component '" + rc.getName() + "' of " + type.getName()
                        + ": make the record public or its package open", e);
            }
        }
        return (row, i) -> {
            if (row.getClass() != type) {
                throw new IllegalArgumentException("is a " + row.getClass().getName() + ", not a " + type.getName()
                        + " like the first row");
            }
            try {
                return handles[i].invokeExact(row);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        };
    }

    private static IllegalArgumentException extraKeys(Map<?, ?> row, List<String> names) {
        List<String> extra = new ArrayList<>();
        for (Object key : row.keySet()) {
            if (!names.contains(key)) {
                extra.add(String.valueOf(key));
            }
        }
        return new IllegalArgumentException("has " + (extra.size() == 1 ? "key '" + extra.get(0) + "'" : "keys " + extra)
                + " that the first row lacks; the load's columns, from the first row, are " + names
                + ": give every row the same keys, or name the columns with LoadSpec.withColumns(...) to leave others out");
    }

    /** The record component for a column: same name, or the same once case and '_' are ignored. */
    static @Nullable RecordComponent find(RecordComponent[] components, String column) {
        for (RecordComponent rc : components) {
            if (rc.getName().equals(column)) {
                return rc;
            }
        }
        String loose = loose(column);
        for (RecordComponent rc : components) {
            if (loose(rc.getName()).equals(loose)) {
                return rc;
            }
        }
        return null;
    }

    /** {@code created_at}, {@code CREATED_AT} and {@code createdAt} all become {@code createdat}. */
    static String loose(String name) {
        return name.replace("_", "").toLowerCase(Locale.ROOT);
    }

    /** One named parameter of a statement, from a map or a record. */
    public static @Nullable Object parameter(Object params, String name, String sql) {
        if (params instanceof Map<?, ?> map) {
            Object v = map.get(name);
            if (v == null && !map.containsKey(name)) {
                throw new IllegalArgumentException("no value for parameter :" + name + " of '" + abbreviate(sql)
                        + "'; given " + map.keySet());
            }
            return v;
        }
        if (params.getClass().isRecord()) {
            RecordComponent rc = find(params.getClass().getRecordComponents(), name);
            if (rc == null) {
                throw new IllegalArgumentException("no value for parameter :" + name + " of '" + abbreviate(sql)
                        + "'; record " + params.getClass().getName() + " has " + namesOf(params));
            }
            try {
                rc.getAccessor().setAccessible(true);
                return rc.getAccessor().invoke(params);
            } catch (ReflectiveOperationException e) {
                throw new IllegalArgumentException("cannot read component '" + rc.getName() + "' of "
                        + params.getClass().getName(), e);
            }
        }
        throw new IllegalArgumentException("parameters must be a map or a record, found " + params.getClass().getName());
    }

    /** Binds {@code value} at {@code index}, turning Java types JDBC lacks into ones it has. */
    public static void bind(PreparedStatement ps, int index, @Nullable Object value, int sqlType) throws SQLException {
        if (value == null) {
            ps.setNull(index, sqlType);
            return;
        }
        Object v = jdbcValue(value);
        if (v == null) {
            ps.setNull(index, sqlType);
        } else {
            ps.setObject(index, v);
        }
    }

    /**
     * Binds {@code value} for a column of {@code sqlType}; for a date-time column without a zone ({@code utcWallTime}),
     * an {@code Instant} (or an {@code OffsetDateTime}, {@code ZonedDateTime} or {@code java.util.Date}) as its UTC wall time, as PostgreSQL's COPY stores it and as
     * reading it back as an {@code Instant} takes it, whatever the JVM's zone. Bound as an offset date-time, the
     * database would keep the session's wall time, which is the JVM's zone's.
     */
    static void bind(PreparedStatement ps, int index, @Nullable Object value, int sqlType, boolean utcWallTime)
            throws SQLException {
        Instant instant = utcWallTime ? asInstant(value) : null;
        if (instant != null) {
            ps.setObject(index, java.time.LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
        } else {
            bind(ps, index, value, sqlType);
        }
    }

    /** Whether {@code value} is an instant on the time line: see {@link #asInstant}. */
    static boolean isInstant(@Nullable Object value) {
        return asInstant(value) != null;
    }

    /**
     * The instant {@code value} stands for, if it is one on the time line: an {@code Instant}, an
     * {@code OffsetDateTime}, a {@code ZonedDateTime} or a plain {@code java.util.Date} (not the {@code java.sql}
     * date, time or timestamp); else null.
     */
    static @Nullable Instant asInstant(@Nullable Object value) {
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof OffsetDateTime odt) {
            return odt.toInstant();
        }
        if (value instanceof ZonedDateTime zdt) {
            return zdt.toInstant();
        }
        if (value instanceof Date d && !(value instanceof java.sql.Date) && !(value instanceof Timestamp)
                && !(value instanceof java.sql.Time)) {
            return d.toInstant();
        }
        return null;
    }

    /** Whether a column type name is a date-time without a zone: {@code timestamp} (PostgreSQL, H2, most others). */
    static boolean isZonelessTimestamp(@Nullable String typeName) {
        return typeName != null && (typeName.equalsIgnoreCase("timestamp") || typeName.equalsIgnoreCase("timestamp without time zone")
                || typeName.equalsIgnoreCase("datetime2"));
    }

    /** A value JDBC 4.2 drivers accept for {@code value}. */
    static @Nullable Object jdbcValue(Object value) {
        if (value instanceof Instant instant) {
            return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
        }
        if (value instanceof ZonedDateTime zoned) {
            return zoned.toOffsetDateTime();
        }
        if (value instanceof Date date && !(value instanceof java.sql.Date) && !(value instanceof Timestamp)
                && !(value instanceof java.sql.Time)) {
            return new Timestamp(date.getTime());
        }
        if (value instanceof Enum<?> e) {
            return e.name();
        }
        if (value instanceof Character c) {
            return c.toString();
        }
        if (value instanceof Optional<?> o) {
            return o.map(Values::jdbcValue).orElse(null);
        }
        return value;
    }

    static String abbreviate(String sql) {
        String s = dev.sluice.block.Secret.mask(sql).strip().replaceAll("\\s+", " ");
        return s.length() <= 120 ? s : s.substring(0, 117) + "...";
    }
}
