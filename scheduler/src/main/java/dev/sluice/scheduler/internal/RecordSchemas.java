package dev.sluice.scheduler.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.sluice.scheduler.Default;
import dev.sluice.scheduler.Parameter;
import dev.sluice.scheduler.ParameterType;
import dev.sluice.scheduler.Pattern;
import dev.sluice.scheduler.Range;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Parameters read off a record type: one per component, named as Jackson names it
 * ({@code @JsonProperty}), typed from the Java type, with {@link Range}, {@link Pattern},
 * {@link Default} and {@code @JsonPropertyDescription}; required unless it has a default, is an
 * {@code Optional}, or is annotated {@code @Nullable} (any annotation of that simple name).
 */
public final class RecordSchemas {
    /** The Java types a parameter can have, for messages. */
    public static final String SUPPORTED = "String, int, long, short, byte, BigInteger, double, float, BigDecimal (or their boxes), "
            + "boolean, LocalDate, LocalDateTime, Instant, an enum, or an Optional of one of those";

    private RecordSchemas() {
    }

    /**
     * The parameters of {@code type}.
     *
     * @throws IllegalArgumentException if it is not a record, or a component cannot be a parameter
     */
    public static List<Parameter> of(Class<?> type) {
        if (!type.isRecord()) {
            throw new IllegalArgumentException(type.getName() + " is not a record: a parameter schema is derived from a record's "
                    + "components, or declared with ParameterSchema.of(Parameter...)");
        }
        List<Parameter> out = new ArrayList<>();
        for (RecordComponent rc : type.getRecordComponents()) {
            try {
                out.add(component(type, rc));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("record " + type.getName() + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static Parameter component(Class<?> owner, RecordComponent rc) {
        Field field = field(owner, rc.getName());
        String name = rc.getName();
        JsonProperty property = annotation(JsonProperty.class, rc, field, rc.getAccessor());
        if (property != null && !property.value().isEmpty()) {
            name = property.value();
        }
        Class<?> type = rc.getType();
        boolean optional = false;
        if (type == Optional.class) {
            optional = true;
            Type arg = rc.getGenericType() instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : null;
            if (!(arg instanceof Class<?> c)) {
                throw new IllegalArgumentException("parameter '" + name + "' has type " + rc.getGenericType().getTypeName()
                        + ", which a parameter schema cannot describe; supported: " + SUPPORTED);
            }
            type = c;
        }
        Parameter p = forType(name, type, rc.getGenericType());
        JsonPropertyDescription description = annotation(JsonPropertyDescription.class, rc, field, rc.getAccessor());
        if (description != null) {
            p = p.withDescription(description.value());
        }
        Range range = rc.getAnnotation(Range.class);
        if (range != null) {
            if (p.type() != ParameterType.INTEGER && p.type() != ParameterType.NUMBER) {
                throw new IllegalArgumentException("parameter '" + name + "': @Range applies to numbers, not " + type.getSimpleName());
            }
            BigDecimal min = p.minimum().orElse(null);
            BigDecimal max = p.maximum().orElse(null);
            if (range.min() != Double.NEGATIVE_INFINITY) {
                BigDecimal m = Values.canonical(new BigDecimal(Double.toString(range.min())));
                min = min == null || m.compareTo(min) > 0 ? m : min;
            }
            if (range.max() != Double.POSITIVE_INFINITY) {
                BigDecimal m = Values.canonical(new BigDecimal(Double.toString(range.max())));
                max = max == null || m.compareTo(max) < 0 ? m : max;
            }
            if (min != null) {
                p = p.withMinimum(min);
            }
            if (max != null) {
                p = p.withMaximum(max);
            }
        }
        Pattern pattern = rc.getAnnotation(Pattern.class);
        if (pattern != null) {
            if (p.type() != ParameterType.STRING) {
                throw new IllegalArgumentException("parameter '" + name + "': @Pattern applies to String, not " + type.getSimpleName());
            }
            p = p.withPattern(pattern.value());
        }
        Default given = rc.getAnnotation(Default.class);
        if (given != null) {
            p = p.withDefault(given.value());
        }
        if (optional || nullable(rc, field)) {
            if (type.isPrimitive()) {
                throw new IllegalArgumentException("parameter '" + name + "' is a primitive " + type + " and cannot be null");
            }
            p = p.optional();
        }
        return p;
    }

    /**
     * The parameter for a value of {@code type}: integers, doubles and floats bounded by their Java range (a double
     * beyond it would be Infinity), enums as choices.
     *
     * @throws IllegalArgumentException if the type cannot be a parameter
     */
    public static Parameter forType(String name, Class<?> type, Type shownType) {
        if (type == String.class) {
            return Parameter.string(name);
        }
        if (type == int.class || type == Integer.class) {
            return Parameter.integer(name).withRange(Integer.MIN_VALUE, Integer.MAX_VALUE);
        }
        if (type == long.class || type == Long.class) {
            return Parameter.integer(name).withRange(Long.MIN_VALUE, Long.MAX_VALUE);
        }
        if (type == short.class || type == Short.class) {
            return Parameter.integer(name).withRange(Short.MIN_VALUE, Short.MAX_VALUE);
        }
        if (type == byte.class || type == Byte.class) {
            return Parameter.integer(name).withRange(Byte.MIN_VALUE, Byte.MAX_VALUE);
        }
        if (type == BigInteger.class) {
            return Parameter.integer(name);
        }
        if (type == double.class || type == Double.class) {
            return Parameter.number(name).withRange(-Double.MAX_VALUE, Double.MAX_VALUE); // beyond: Infinity
        }
        if (type == float.class || type == Float.class) {
            return Parameter.number(name).withRange(-Float.MAX_VALUE, Float.MAX_VALUE);
        }
        if (type == BigDecimal.class) {
            return Parameter.number(name);
        }
        if (type == boolean.class || type == Boolean.class) {
            return Parameter.bool(name);
        }
        if (type == LocalDate.class) {
            return Parameter.date(name);
        }
        if (type == LocalDateTime.class) {
            return Parameter.dateTime(name);
        }
        if (type == Instant.class) {
            return Parameter.instant(name);
        }
        if (type.isEnum()) {
            @SuppressWarnings("unchecked")
            Class<? extends Enum<?>> e = (Class<? extends Enum<?>>) type;
            return Parameter.choice(name, e);
        }
        throw new IllegalArgumentException("parameter '" + name + "' has type " + shownType.getTypeName()
                + ", which a parameter schema cannot describe; supported: " + SUPPORTED);
    }

    private static @Nullable Field field(Class<?> owner, String name) {
        try {
            return owner.getDeclaredField(name);
        } catch (NoSuchFieldException e) {
            return null;
        }
    }

    private static <A extends Annotation> @Nullable A annotation(Class<A> type, @Nullable AnnotatedElement... places) {
        for (AnnotatedElement place : places) {
            if (place != null) {
                A a = place.getAnnotation(type);
                if (a != null) {
                    return a;
                }
            }
        }
        return null;
    }

    private static boolean nullable(RecordComponent rc, @Nullable Field field) {
        Stream<Annotation> all = Stream.of(rc.getAnnotatedType().getAnnotations(), rc.getAnnotations(),
                        field == null ? new Annotation[0] : field.getAnnotations(),
                        field == null ? new Annotation[0] : field.getAnnotatedType().getAnnotations(),
                        rc.getAccessor().getAnnotations())
                .flatMap(Arrays::stream);
        return all.anyMatch(a -> a.annotationType().getSimpleName().equals("Nullable"));
    }
}
