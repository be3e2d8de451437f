package dev.sluice.scheduler;

import java.util.Objects;

/**
 * One wrong input field: which parameter, and what is wrong with it.
 *
 * <pre>{@code
 * new ParameterError("days", "0 is less than the minimum 1").toString();   // "days: 0 is less than the minimum 1"
 * }</pre>
 *
 * @param parameter the parameter's name (or the unknown name the input used)
 * @param message what is wrong, without the name
 */
public record ParameterError(String parameter, String message) {
    /** Checks both are present. */
    public ParameterError {
        Objects.requireNonNull(parameter, "parameter");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return parameter + ": " + message;
    }
}
