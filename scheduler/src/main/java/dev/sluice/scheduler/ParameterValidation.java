package dev.sluice.scheduler;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of {@link ParameterSchema#validate}: every wrong field, and the input as canonical JSON
 * values with defaults filled in (text, {@code Long}/{@code BigInteger}, {@code BigDecimal},
 * {@code Boolean}; dates and instants as ISO-8601 text). Parameters left out without a default are
 * absent from {@link #values()}. With the {@code Report} schema of {@link ParameterSchema}'s example:
 *
 * <pre>{@code
 * ParameterValidation v = schema.validate(Map.of("city", "Boston", "day", "2026-01-31", "days", "30"));
 * if (v.isValid()) {
 *     store(v.values());        // {city=Boston, day=2026-01-31, days=30, mode=FULL}
 * } else {
 *     show(v.errors());
 * }
 * }</pre>
 *
 * @param errors every wrong field; empty if the input is valid
 * @param values the valid fields, canonical, in the schema's order
 */
public record ParameterValidation(List<ParameterError> errors, Map<String, Object> values) {
    /** Copies both. */
    public ParameterValidation {
        errors = List.copyOf(errors);
        values = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(values, "values")));
    }

    /** Whether no field is wrong. */
    public boolean isValid() {
        return errors.isEmpty();
    }

    /**
     * The values if the input is valid.
     *
     * @throws InvalidParametersException listing every wrong field
     */
    public Map<String, Object> requireValid() {
        return requireValid(null);
    }

    /**
     * The values if the input is valid.
     *
     * @param context whose parameters these are, for the message ({@code "deployment 'daily-report'"})
     * @throws InvalidParametersException listing every wrong field
     */
    public Map<String, Object> requireValid(@Nullable String context) {
        if (!errors.isEmpty()) {
            throw new InvalidParametersException(context, errors);
        }
        return values;
    }
}
