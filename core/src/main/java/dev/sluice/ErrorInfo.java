package dev.sluice;

import java.util.Objects;

/**
 * The error that ended a run, as text safe to log, store and send: every secret value the run
 * revealed is masked.
 *
 * @param type       the exception's class name
 * @param message    the exception's message (masked), or an empty string
 * @param stackTrace the full stack trace with causes (masked)
 */
public record ErrorInfo(String type, String message, String stackTrace) {
    /** Validates the fields. */
    public ErrorInfo {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(stackTrace, "stackTrace");
    }

    /** {@code type: message}, as a person reads it. */
    public String summary() {
        return message.isEmpty() ? type : type + ": " + message;
    }
}
