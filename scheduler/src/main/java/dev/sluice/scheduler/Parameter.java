package dev.sluice.scheduler;

import dev.sluice.scheduler.internal.Values;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * One parameter of a {@link ParameterSchema}: a name, a {@link ParameterType}, whether input must
 * give it, a default, a description and the constraints of its type (bounds, a pattern, choices).
 * Immutable; every {@code withX} returns a checked copy, with a message naming the parameter.
 *
 * <pre>{@code
 * Parameter days = Parameter.integer("days").withRange(1, 90).withDefault(7).withDescription("how far back");
 * Parameter mode = Parameter.choice("mode", Mode.class).withDefault(Mode.FULL);
 * Parameter note = Parameter.string("note").optional();
 * }</pre>
 *
 * A parameter is required unless it has a default or is {@link #optional()}.
 */
public final class Parameter {
    private final String name;
    private final ParameterType type;
    private final boolean optional;
    private final @Nullable Object defaultValue;
    private final @Nullable String description;
    private final @Nullable BigDecimal minimum;
    private final @Nullable BigDecimal maximum;
    private final java.util.regex.@Nullable Pattern pattern;
    private final List<String> choices;

    private Parameter(String name, ParameterType type, boolean optional, @Nullable Object defaultValue,
            @Nullable String description, @Nullable BigDecimal minimum, @Nullable BigDecimal maximum,
            java.util.regex.@Nullable Pattern pattern, List<String> choices) {
        this.name = name;
        this.type = type;
        this.optional = optional && defaultValue == null;
        this.description = description;
        this.minimum = minimum;
        this.maximum = maximum;
        this.pattern = pattern;
        this.choices = choices;
        if (minimum != null && maximum != null && minimum.compareTo(maximum) > 0) {
            throw new IllegalArgumentException("parameter '" + name + "': minimum " + Values.plain(minimum)
                    + " is more than maximum " + Values.plain(maximum));
        }
        this.defaultValue = defaultValue == null ? null : checkDefault(defaultValue);
    }

    /** A text parameter. */
    public static Parameter string(String name) {
        return new Parameter(checkName(name), ParameterType.STRING, false, null, null, null, null, null, List.of());
    }

    /** A whole-number parameter (64-bit unless bounded otherwise). */
    public static Parameter integer(String name) {
        return new Parameter(checkName(name), ParameterType.INTEGER, false, null, null, null, null, null, List.of());
    }

    /** A decimal-number parameter. */
    public static Parameter number(String name) {
        return new Parameter(checkName(name), ParameterType.NUMBER, false, null, null, null, null, null, List.of());
    }

    /** A true/false parameter. */
    public static Parameter bool(String name) {
        return new Parameter(checkName(name), ParameterType.BOOLEAN, false, null, null, null, null, null, List.of());
    }

    /** A calendar-date parameter ({@code LocalDate}). */
    public static Parameter date(String name) {
        return new Parameter(checkName(name), ParameterType.DATE, false, null, null, null, null, null, List.of());
    }

    /** A date-and-time parameter without zone ({@code LocalDateTime}). */
    public static Parameter dateTime(String name) {
        return new Parameter(checkName(name), ParameterType.DATE_TIME, false, null, null, null, null, null, List.of());
    }

    /** An instant parameter ({@code Instant}). */
    public static Parameter instant(String name) {
        return new Parameter(checkName(name), ParameterType.INSTANT, false, null, null, null, null, null, List.of());
    }

    /**
     * A parameter whose value is one of {@code choices}.
     *
     * @throws IllegalArgumentException if there are none, or one is blank or repeated
     */
    public static Parameter choice(String name, String... choices) {
        checkName(name);
        Objects.requireNonNull(choices, "choices");
        return choice(name, Arrays.asList(choices));
    }

    /**
     * A parameter whose value is one of {@code choices}.
     *
     * @throws IllegalArgumentException if there are none, or one is blank or repeated
     */
    public static Parameter choice(String name, List<String> choices) {
        checkName(name);
        Objects.requireNonNull(choices, "choices");
        if (choices.isEmpty()) {
            throw new IllegalArgumentException("parameter '" + name + "': choices must not be empty");
        }
        LinkedHashSet<String> seen = new LinkedHashSet<>();
        for (String c : choices) {
            if (c == null || c.isBlank() || !seen.add(c)) {
                throw new IllegalArgumentException("parameter '" + name + "': choices must be distinct and not blank, got " + choices);
            }
        }
        return new Parameter(name, ParameterType.CHOICE, false, null, null, null, null, null, List.copyOf(seen));
    }

    /** A parameter whose value is the name of one of {@code type}'s constants. */
    public static Parameter choice(String name, Class<? extends Enum<?>> type) {
        Objects.requireNonNull(type, "type");
        List<String> names = new ArrayList<>();
        for (Enum<?> e : type.getEnumConstants()) {
            names.add(e.name());
        }
        return choice(name, names);
    }

    private static String checkName(@Nullable String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("parameter name must not be null or blank, was " + (name == null ? "null" : "'" + name + "'"));
        }
        if (name.chars().anyMatch(Character::isISOControl) || !name.equals(name.trim())) {
            throw new IllegalArgumentException("parameter name must not have control characters or surrounding spaces, was '" + name + "'");
        }
        return name;
    }

    private Object checkDefault(Object value) {
        Values.Checked checked = Values.check(value, type, minimum, maximum, pattern, choices);
        if (checked instanceof Values.Wrong wrong) {
            throw new IllegalArgumentException("parameter '" + name + "': default " + wrong.message());
        }
        return ((Values.Ok) checked).value();
    }

    /** A copy with this description, for forms and {@code --help}. */
    public Parameter withDescription(String description) {
        Objects.requireNonNull(description, "description");
        return new Parameter(name, type, optional, defaultValue, description.isBlank() ? null : description,
                minimum, maximum, pattern, choices);
    }

    /**
     * A copy that takes {@code value} when input leaves the parameter out (so it is not required).
     * The value is checked like input: {@code 7} or {@code "7"} for an integer, a {@code LocalDate}
     * or {@code "2026-01-31"} for a date, an enum constant or its name for a choice.
     *
     * @throws IllegalArgumentException if the value does not fit the type and constraints
     */
    public Parameter withDefault(Object value) {
        Objects.requireNonNull(value, "default value of parameter '" + name + "'");
        return new Parameter(name, type, optional, value, description, minimum, maximum, pattern, choices);
    }

    /** A copy that input may leave out (its value is then absent, and a record component null or empty). */
    public Parameter optional() {
        return new Parameter(name, type, true, defaultValue, description, minimum, maximum, pattern, choices);
    }

    /**
     * A copy whose value must be at least {@code min} and at most {@code max} (inclusive).
     *
     * @throws IllegalArgumentException if the type is not a number, min is more than max, or the default falls outside
     */
    public Parameter withRange(Number min, Number max) {
        return new Parameter(name, type, optional, defaultValue, description, bound("minimum", min), bound("maximum", max),
                pattern, choices);
    }

    /**
     * A copy whose value must be at least {@code min}.
     *
     * @throws IllegalArgumentException if the type is not a number, or the default falls outside
     */
    public Parameter withMinimum(Number min) {
        return new Parameter(name, type, optional, defaultValue, description, bound("minimum", min), maximum, pattern, choices);
    }

    /**
     * A copy whose value must be at most {@code max}.
     *
     * @throws IllegalArgumentException if the type is not a number, or the default falls outside
     */
    public Parameter withMaximum(Number max) {
        return new Parameter(name, type, optional, defaultValue, description, minimum, bound("maximum", max), pattern, choices);
    }

    private BigDecimal bound(String which, Number value) {
        Objects.requireNonNull(value, which);
        if (type != ParameterType.INTEGER && type != ParameterType.NUMBER) {
            throw new IllegalArgumentException("parameter '" + name + "': a " + which + " applies to INTEGER and NUMBER parameters, not " + type);
        }
        Values.Checked checked = Values.check(value, ParameterType.NUMBER, null, null, null, List.of());
        if (!(checked instanceof Values.Ok ok)) {
            throw new IllegalArgumentException("parameter '" + name + "': " + which + " must be a finite number, was " + value);
        }
        return (BigDecimal) ok.value();
    }

    /**
     * A copy whose whole value must match {@code regex} ({@link java.util.regex.Pattern} syntax).
     *
     * @throws IllegalArgumentException if the type is not text, the expression does not compile, or the default does not match
     */
    public Parameter withPattern(String regex) {
        Objects.requireNonNull(regex, "pattern");
        if (type != ParameterType.STRING) {
            throw new IllegalArgumentException("parameter '" + name + "': a pattern applies to STRING parameters, not " + type);
        }
        java.util.regex.Pattern compiled;
        try {
            compiled = java.util.regex.Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("parameter '" + name + "': pattern '" + regex + "' is not a regular expression: "
                    + e.getDescription(), e);
        }
        return new Parameter(name, type, optional, defaultValue, description, minimum, maximum, compiled, choices);
    }

    /** The name input uses. */
    public String name() {
        return name;
    }

    /** The type. */
    public ParameterType type() {
        return type;
    }

    /** Whether input must give it: neither {@link #optional()} nor with a default. */
    public boolean isRequired() {
        return !optional && defaultValue == null;
    }

    /** The default in canonical JSON form (see {@link ParameterValidation}), if any. */
    public Optional<Object> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    /** The description, if any. */
    public Optional<String> description() {
        return Optional.ofNullable(description);
    }

    /** The smallest value allowed, if bounded. */
    public Optional<BigDecimal> minimum() {
        return Optional.ofNullable(minimum);
    }

    /** The largest value allowed, if bounded. */
    public Optional<BigDecimal> maximum() {
        return Optional.ofNullable(maximum);
    }

    /** The expression the whole value must match, if any. */
    public Optional<String> pattern() {
        return pattern == null ? Optional.empty() : Optional.of(pattern.pattern());
    }

    /** The allowed values of a {@link ParameterType#CHOICE} parameter; empty for the other types. */
    public List<String> choices() {
        return choices;
    }

    /**
     * Checks one input value: the canonical value, or the reason it is wrong. Null means absent.
     */
    Values.Checked check(@Nullable Object value) {
        if (value == null) {
            if (defaultValue != null) {
                return new Values.Ok(defaultValue);
            }
            return isRequired() ? new Values.Wrong("required, but missing") : new Values.Ok(Absent.INSTANCE);
        }
        return Values.check(value, type, minimum, maximum, pattern, choices);
    }

    /** What {@link #check} gives for an absent optional value. */
    enum Absent {
        INSTANCE
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof Parameter p && p.name.equals(name) && p.type == type && p.optional == optional
                && Objects.equals(p.defaultValue, defaultValue) && Objects.equals(p.description, description)
                && Objects.equals(p.minimum, minimum) && Objects.equals(p.maximum, maximum)
                && Objects.equals(p.pattern(), pattern()) && p.choices.equals(choices);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, optional, defaultValue, description, minimum, maximum, pattern(), choices);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name).append(": ").append(type);
        if (!choices.isEmpty()) {
            sb.append(' ').append(choices);
        }
        minimum().ifPresent(m -> sb.append(" >= ").append(Values.plain(m)));
        maximum().ifPresent(m -> sb.append(" <= ").append(Values.plain(m)));
        pattern().ifPresent(p -> sb.append(" matching ").append(p));
        if (defaultValue != null) {
            sb.append(" = ").append(defaultValue);
        } else if (!isRequired()) {
            sb.append(" (optional)");
        }
        return sb.toString();
    }
}
