package dev.sluice.tasks.sql.internal;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Turns result set rows into maps or records. */
public final class Rows {
    private Rows() {
    }

    /** Maps the current row of a result set. */
    @FunctionalInterface
    public interface Mapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** Rows as unmodifiable maps from column label (as the driver spells it) to value, in column order. */
    public static Mapper<Map<String, Object>> maps(ResultSetMetaData md) throws SQLException {
        int n = md.getColumnCount();
        String[] labels = new String[n];
        int[] types = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = md.getColumnLabel(i + 1);
            types[i] = naturalType(md.getColumnType(i + 1), md.getColumnTypeName(i + 1));
        }
        return rs -> {
            Map<String, Object> row = new LinkedHashMap<>(n * 2);
            for (int i = 0; i < n; i++) {
                row.put(labels[i], readNatural(rs, i + 1, types[i]));
            }
            return Collections.unmodifiableMap(row);
        };
    }

    /**
     * The JDBC type a column is read as. pgjdbc reports {@code timestamptz} as {@link Types#TIMESTAMP}
     * and {@code timetz} as {@link Types#TIME}, and refuses to read them as local date-times: their
     * type names tell them apart.
     */
    static int naturalType(int type, @Nullable String typeName) {
        if (type == Types.TIMESTAMP || type == Types.TIME) {
            String name = typeName == null ? "" : typeName.toLowerCase(Locale.ROOT);
            boolean zoned = name.equals("timestamptz") || name.equals("timetz") || name.endsWith("with time zone");
            if (zoned) {
                return type == Types.TIMESTAMP ? Types.TIMESTAMP_WITH_TIMEZONE : Types.TIME_WITH_TIMEZONE;
            }
        }
        return type;
    }

    private static @Nullable Object readNatural(ResultSet rs, int col, int type) throws SQLException {
        switch (type) {
            case Types.TIMESTAMP_WITH_TIMEZONE:
                return temporal(rs, col, OffsetDateTime.class);
            case Types.TIME_WITH_TIMEZONE:
                return temporal(rs, col, OffsetTime.class);
            case Types.TIMESTAMP:
                return temporal(rs, col, LocalDateTime.class);
            case Types.DATE:
                return temporal(rs, col, LocalDate.class);
            case Types.TIME:
                return temporal(rs, col, LocalTime.class);
            case Types.CLOB:
            case Types.NCLOB:
                // the text itself: a Clob handle dies with the connection, which goes back to the pool before the rows are used
                return rs.getString(col);
            case Types.BLOB:
                return rs.getBytes(col);
            default:
                return rs.getObject(col);
        }
    }

    /**
     * A date-time column's value as {@code type}. SQLite keeps any value in any column: a
     * {@code timestamp} column may hold text with an offset (what a load of an {@code Instant},
     * {@code OffsetDateTime} or {@code ZonedDateTime} writes there), which the driver cannot read as a
     * {@code LocalDateTime}: such text comes back as an {@code OffsetDateTime}, and any other value the
     * driver cannot convert as what {@code getObject} gives.
     */
    private static @Nullable Object temporal(ResultSet rs, int col, Class<?> type) throws SQLException {
        try {
            return rs.getObject(col, type);
        } catch (SQLException | RuntimeException e) {
            Object raw = rs.getObject(col);
            if (raw instanceof String s) {
                OffsetDateTime parsed = offsetDateTime(s);
                if (parsed != null) {
                    return parsed;
                }
            }
            return raw;
        }
    }

    /** ISO text with an offset ({@code 2026-03-29T02:30:15+05:00}, {@code ...Z}, or a space for the 'T'), else null. */
    static @Nullable OffsetDateTime offsetDateTime(String text) {
        String s = text.strip();
        if (s.length() > 10 && s.charAt(10) == ' ') {
            s = s.substring(0, 10) + 'T' + s.substring(11);
        }
        try {
            return OffsetDateTime.parse(s);
        } catch (java.time.DateTimeException e) {
            return null;
        }
    }

    /** Rows as instances of {@code type}, a record whose components match columns by name (case and '_' ignored). */
    public static <T> Mapper<T> records(ResultSetMetaData md, Class<T> type) throws SQLException {
        if (!type.isRecord()) {
            throw new IllegalArgumentException(type.getName() + " is not a record; fetch maps or give a record type");
        }
        int n = md.getColumnCount();
        List<String> labels = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            labels.add(md.getColumnLabel(i));
        }
        RecordComponent[] components = type.getRecordComponents();
        int[] columnOf = new int[components.length];
        Class<?>[] types = new Class<?>[components.length];
        boolean[] utcWallTime = new boolean[components.length]; // a timestamp column: an Instant kept as its UTC wall time
        for (int c = 0; c < components.length; c++) {
            String want = Values.loose(components[c].getName());
            int found = -1;
            for (int i = 0; i < n; i++) {
                if (Values.loose(labels.get(i)).equals(want)) {
                    found = i + 1;
                    break;
                }
            }
            if (found < 0) {
                throw new IllegalArgumentException("the result has no column for component '" + components[c].getName()
                        + "' of " + type.getName() + "; its columns are " + labels);
            }
            columnOf[c] = found;
            types[c] = components[c].getType();
            utcWallTime[c] = Values.isZonelessTimestamp(md.getColumnTypeName(found));
        }
        Constructor<T> ctor;
        try {
            ctor = type.getDeclaredConstructor(types);
            ctor.setAccessible(true);
        } catch (NoSuchMethodException | RuntimeException e) {
            throw new IllegalArgumentException("cannot call the canonical constructor of " + type.getName()
                    + ": make the record public or its package open", e);
        }
        return rs -> {
            Object[] args = new Object[components.length];
            for (int c = 0; c < components.length; c++) {
                Object v = read(rs, columnOf[c], types[c], utcWallTime[c]);
                if (v == null && types[c].isPrimitive()) {
                    throw new IllegalArgumentException("column '" + labels.get(columnOf[c] - 1) + "' is NULL but component '"
                            + components[c].getName() + "' of " + type.getName() + " is a " + types[c].getName());
                }
                args[c] = v;
            }
            try {
                return ctor.newInstance(args);
            } catch (InvocationTargetException e) {
                throw new IllegalArgumentException("the constructor of " + type.getName() + " rejected a row: "
                        + e.getCause().getMessage(), e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new IllegalArgumentException("cannot construct " + type.getName(), e);
            }
        };
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static @Nullable Object read(ResultSet rs, int col, Class<?> type, boolean utcWallTime) throws SQLException {
        Class<?> t = box(type);
        if (t == Object.class) {
            return rs.getObject(col);
        }
        if (t == Instant.class) {
            Object v = rs.getObject(col);
            if (v == null) {
                return null;
            }
            if (v instanceof Timestamp ts) {
                if (utcWallTime) {
                    // a timestamp column keeps an Instant as its UTC wall time (see Values.bind), not the JVM zone's
                    return rs.getObject(col, LocalDateTime.class).toInstant(ZoneOffset.UTC);
                }
                return ts.toInstant();
            }
            if (v instanceof OffsetDateTime odt) {
                return odt.toInstant();
            }
            if (v instanceof LocalDateTime ldt) {
                return ldt.toInstant(ZoneOffset.UTC);
            }
            OffsetDateTime text = v instanceof String s ? offsetDateTime(s) : null;
            if (text != null) {
                return text.toInstant(); // SQLite: the text a load of an Instant wrote
            }
            return rs.getObject(col, OffsetDateTime.class).toInstant();
        }
        if (t == OffsetDateTime.class) {
            Object v = rs.getObject(col);
            OffsetDateTime text = v instanceof String s ? offsetDateTime(s) : null;
            if (text != null) {
                return text;
            }
            if (utcWallTime && (v instanceof Timestamp || v instanceof LocalDateTime)) {
                // a timestamp column keeps an instant as its UTC wall time (see Values.bind)
                return rs.getObject(col, LocalDateTime.class).atOffset(ZoneOffset.UTC);
            }
        }
        if (t.isEnum()) {
            String s = rs.getString(col);
            return s == null ? null : Enum.valueOf((Class) t, s.toUpperCase(Locale.ROOT).equals(s) ? s : findConstant(t, s));
        }
        Object v = rs.getObject(col);
        if (v == null || t.isInstance(v)) {
            return v;
        }
        if (v instanceof Number num) {
            Object converted = convertNumber(num, t);
            if (converted != null) {
                return converted;
            }
        }
        if (v instanceof String s) {
            // text columns (SQLite keeps a loaded UUID or Character as text) whose driver cannot convert
            if (t == java.util.UUID.class) {
                try {
                    return java.util.UUID.fromString(s.strip());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("column '" + rs.getMetaData().getColumnLabel(col)
                            + "' holds '" + s + "', which is not a UUID", e);
                }
            }
            if (t == Character.class && s.length() == 1) {
                return s.charAt(0);
            }
        }
        return rs.getObject(col, t);
    }

    private static String findConstant(Class<?> enumType, String s) {
        for (Object c : enumType.getEnumConstants()) {
            if (((Enum<?>) c).name().equalsIgnoreCase(s)) {
                return ((Enum<?>) c).name();
            }
        }
        return s;
    }

    private static @Nullable Object convertNumber(Number n, Class<?> t) {
        if (t == Long.class) {
            return n.longValue();
        }
        if (t == Integer.class) {
            return n.intValue();
        }
        if (t == Short.class) {
            return n.shortValue();
        }
        if (t == Byte.class) {
            return n.byteValue();
        }
        if (t == Double.class) {
            return n.doubleValue();
        }
        if (t == Float.class) {
            return n.floatValue();
        }
        if (t == BigDecimal.class) {
            return n instanceof BigInteger bi ? new BigDecimal(bi) : new BigDecimal(n.toString());
        }
        if (t == BigInteger.class) {
            return n instanceof BigDecimal bd ? bd.toBigInteger() : BigInteger.valueOf(n.longValue());
        }
        return null;
    }

    static Class<?> box(Class<?> type) {
        if (!type.isPrimitive()) {
            return type;
        }
        if (type == int.class) {
            return Integer.class;
        }
        if (type == long.class) {
            return Long.class;
        }
        if (type == boolean.class) {
            return Boolean.class;
        }
        if (type == double.class) {
            return Double.class;
        }
        if (type == float.class) {
            return Float.class;
        }
        if (type == short.class) {
            return Short.class;
        }
        if (type == byte.class) {
            return Byte.class;
        }
        return Character.class;
    }
}
