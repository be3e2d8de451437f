package dev.sluice.scheduler;

import dev.sluice.scheduler.internal.Json;
import dev.sluice.scheduler.internal.RecordSchemas;
import dev.sluice.scheduler.internal.SchemaJson;
import dev.sluice.scheduler.internal.Values;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The parameters a deployment takes, as data: derived from the flow's record parameter type, or
 * declared. Its JSON form (a JSON Schema object) is stored with the deployment, so another process
 * (the dashboard, the CLI) can build a form and check input without the flow's classes.
 *
 * <pre>{@code
 * enum Mode { FULL, DELTA }
 * record Report(@Pattern("[A-Z][a-z]+") String city,
 *               LocalDate day,
 *               @Range(min = 1, max = 90) @Default("7") int days,
 *               @Default("FULL") Mode mode,
 *               Optional<String> note) {}
 *
 * ParameterSchema schema = ParameterSchema.from(Report.class);
 * String json = schema.toJson();                       // {"type":"object","properties":{"city":{...},...},"required":["city","day"],...}
 *
 * // elsewhere, without Report on the class path:
 * ParameterValidation v = ParameterSchema.parse(json).validate(Map.of("city", "Boston", "day", "2026-01-31"));
 * v.values();                                          // {city=Boston, day=2026-01-31, days=7, mode=FULL}
 *
 * // where Report is known:
 * Report r = schema.convert(Map.of("city", "Boston", "day", "2026-01-31", "days", "30"), Report.class);
 *
 * // declared:
 * ParameterSchema declared = ParameterSchema.of(
 *         Parameter.string("city").withPattern("[A-Z][a-z]+"),
 *         Parameter.integer("days").withRange(1, 90).withDefault(7));
 * }</pre>
 *
 * Immutable; compared by value.
 */
public final class ParameterSchema {
    private static final ParameterSchema EMPTY = new ParameterSchema(List.of());

    private final List<Parameter> parameters;
    private final Map<String, Parameter> byName;

    private ParameterSchema(List<Parameter> parameters) {
        Map<String, Parameter> map = new LinkedHashMap<>();
        for (Parameter p : parameters) {
            Objects.requireNonNull(p, "parameter");
            if (map.put(p.name(), p) != null) {
                throw new IllegalArgumentException("parameter names must be distinct; '" + p.name() + "' appears twice");
            }
        }
        this.parameters = List.copyOf(parameters);
        this.byName = map;
    }

    /** A schema of no parameters. */
    public static ParameterSchema empty() {
        return EMPTY;
    }

    /**
     * A declared schema.
     *
     * @throws IllegalArgumentException if two parameters share a name
     */
    public static ParameterSchema of(Parameter... parameters) {
        Objects.requireNonNull(parameters, "parameters");
        return new ParameterSchema(Arrays.asList(parameters));
    }

    /**
     * A declared schema.
     *
     * @throws IllegalArgumentException if two parameters share a name
     */
    public static ParameterSchema of(List<Parameter> parameters) {
        Objects.requireNonNull(parameters, "parameters");
        return new ParameterSchema(parameters);
    }

    /**
     * The schema of a record type: one parameter per component, in order, named as Jackson names it
     * ({@code @JsonProperty}); enums become choices, {@code LocalDate}/{@code LocalDateTime}/{@code Instant}
     * dates, {@code int}, {@code long}... integers and {@code double}, {@code float} numbers bounded by their range (a double
     * beyond it would be Infinity) and by {@link Range};
     * {@link Pattern} and {@link Default} apply, and {@code @JsonPropertyDescription} gives the
     * description. A component is required unless it has a default, is an {@code Optional}, or is
     * annotated {@code @Nullable}.
     *
     * @throws IllegalArgumentException if the type is not a record, or a component's type, default or
     *     annotations do not fit (the message names the component)
     */
    public static ParameterSchema from(Class<?> recordType) {
        Objects.requireNonNull(recordType, "recordType");
        return new ParameterSchema(RecordSchemas.of(recordType));
    }

    /**
     * Reads the JSON {@link #toJson()} writes (JSON Schema of the same shape from elsewhere works too:
     * an object whose properties have type string, integer, number or boolean, with {@code enum},
     * {@code format} date/date-time/local-date-time, {@code minimum}, {@code maximum},
     * {@code pattern}, {@code default}, {@code description}, and {@code required}).
     *
     * @throws IllegalArgumentException naming the property that does not fit
     */
    public static ParameterSchema parse(String json) {
        Objects.requireNonNull(json, "json");
        return new ParameterSchema(SchemaJson.read(json));
    }

    /** The schema as JSON Schema text; {@link #parse} reads it back to an equal schema. */
    public String toJson() {
        return SchemaJson.write(parameters);
    }

    /** The parameters, in order. */
    public List<Parameter> parameters() {
        return parameters;
    }

    /** The parameter named {@code name}, if there is one. */
    public Optional<Parameter> parameter(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The parameter names, in order. */
    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    /**
     * Checks input such as a form, the CLI or a JSON body sends: every wrong field is listed (a
     * missing required one, a value of the wrong type or outside its constraints, a name the schema
     * does not have), and the valid values come back canonical with defaults filled in. Text is
     * accepted for every type ({@code "30"} for an integer, {@code "true"}, {@code "2026-01-31"}), and
     * so are Java values ({@code LocalDate}, enum constants, numbers). A null value counts as absent. A number has at
     * most 1,000 digits before and after its decimal point ({@code "1e999999999"} is a wrong field, not a billion digits), and text is whole Unicode characters (half of a UTF-16
     * surrogate pair is a wrong field: the database would store it as {@code ?}).
     */
    public ParameterValidation validate(Map<String, ? extends @Nullable Object> input) {
        return check(input, true);
    }

    /** Like {@link #validate}, without requiring or defaulting absent parameters (for defaults kept with a deployment). */
    ParameterValidation validatePartial(Map<String, ? extends @Nullable Object> input) {
        return check(input, false);
    }

    private ParameterValidation check(Map<String, ? extends @Nullable Object> input, boolean complete) {
        Objects.requireNonNull(input, "input");
        List<ParameterError> errors = new ArrayList<>();
        Map<String, Object> values = new LinkedHashMap<>();
        for (Parameter p : parameters) {
            Object raw = input.get(p.name());
            if (raw == null && !complete) {
                continue;
            }
            Values.Checked checked = p.check(raw);
            if (checked instanceof Values.Wrong wrong) {
                errors.add(new ParameterError(p.name(), wrong.message()));
            } else if (((Values.Ok) checked).value() != Parameter.Absent.INSTANCE) {
                values.put(p.name(), ((Values.Ok) checked).value());
            }
        }
        TreeSet<String> unknown = new TreeSet<>(input.keySet());
        unknown.removeAll(byName.keySet());
        for (String name : unknown) {
            errors.add(new ParameterError(name, parameters.isEmpty() ? "unknown parameter; there are no parameters"
                    : "unknown parameter; the parameters are " + String.join(", ", byName.keySet())));
        }
        return new ParameterValidation(errors, values);
    }

    /**
     * Checks {@code input} and converts it to {@code recordType} (with Jackson), as a deployment does
     * to run its flow from JSON parameters. Absent optional parameters become null or
     * {@code Optional.empty()}.
     *
     * @throws InvalidParametersException listing every wrong field
     * @throws IllegalArgumentException if {@code recordType} does not fit this schema
     */
    public <T> T convert(Map<String, ? extends @Nullable Object> input, Class<T> recordType) {
        Objects.requireNonNull(recordType, "recordType");
        return convertValues(validate(input).requireValid(), recordType);
    }

    static <T> T convertValues(Object values, Class<T> type) {
        try {
            return Json.MAPPER.convertValue(values, type);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("parameters do not convert to " + type.getName() + " (does the schema fit the type?): "
                    + e.getMessage(), e);
        }
    }

    /** Whether the schema has no parameters. */
    public boolean isEmpty() {
        return parameters.isEmpty();
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof ParameterSchema s && s.parameters.equals(parameters);
    }

    @Override
    public int hashCode() {
        return parameters.hashCode();
    }

    @Override
    public String toString() {
        return parameters.stream().map(Parameter::toString).collect(Collectors.joining(", ", "ParameterSchema[", "]"));
    }
}
