package dev.sluice.internal;

import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZonedDateTime;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Which values cannot be changed once made, so one instance may be handed to every cache hit:
 * null, strings, boxed primitives, enums, common JDK value types, and records whose components are
 * primitives or of such final types.
 */
final class Immutables {
    private static final Set<Class<?>> VALUE_TYPES = Set.of(String.class, Integer.class, Long.class, Short.class,
            Byte.class, Character.class, Boolean.class, Double.class, Float.class, BigDecimal.class, BigInteger.class,
            UUID.class, Instant.class, LocalDate.class, LocalDateTime.class, LocalTime.class, OffsetDateTime.class,
            ZonedDateTime.class, Duration.class, Period.class);

    private static final ClassValue<Boolean> IMMUTABLE = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            return immutable(type, 0);
        }
    };

    private Immutables() {
    }

    /** Whether {@code value} cannot be changed (so it may be shared). */
    static boolean is(@Nullable Object value) {
        return value == null || IMMUTABLE.get(value.getClass());
    }

    private static boolean immutable(Class<?> type, int depth) {
        if (type.isPrimitive() || VALUE_TYPES.contains(type) || type.isEnum()) {
            return true;
        }
        if (!type.isRecord() || depth > 8) {
            return false;
        }
        for (RecordComponent c : type.getRecordComponents()) {
            Class<?> t = c.getType();
            // a component of a non-final type may hold a subclass that can be changed
            if (!t.isPrimitive() && !Modifier.isFinal(t.getModifiers()) && !t.isEnum()) {
                return false;
            }
            if (!immutable(t, depth + 1)) {
                return false;
            }
        }
        return true;
    }
}
