package dev.sluice.scheduler;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Input that does not fit a {@link ParameterSchema}; the message lists every wrong field:
 * {@code invalid parameters for deployment 'daily-report': days: 0 is less than the minimum 1; city: required, but missing}.
 *
 * <pre>{@code
 * try {
 *     deployment.runForState(Map.of("days", 0));
 * } catch (InvalidParametersException e) {
 *     e.errors().forEach(err -> form.markInvalid(err.parameter(), err.message()));
 * }
 * }</pre>
 */
public final class InvalidParametersException extends SchedulerException {
    private static final long serialVersionUID = 1L;

    private final transient List<ParameterError> errors;

    /**
     * An exception for {@code errors} (at least one); {@code context} says whose parameters they
     * are ({@code "deployment 'daily-report'"}) or is null.
     */
    public InvalidParametersException(@Nullable String context, List<ParameterError> errors) {
        this(context, errors, null);
    }

    InvalidParametersException(@Nullable String context, List<ParameterError> errors, @Nullable Throwable cause) {
        super(message(context, errors), cause);
        this.errors = List.copyOf(errors);
    }

    private static String message(@Nullable String context, List<ParameterError> errors) {
        Objects.requireNonNull(errors, "errors");
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("errors must not be empty");
        }
        return "invalid parameters" + (context == null ? "" : " for " + context) + ": "
                + errors.stream().map(ParameterError::toString).collect(Collectors.joining("; "));
    }

    /** Every wrong field, in the schema's order (unknown names last). */
    public List<ParameterError> errors() {
        return errors;
    }
}
