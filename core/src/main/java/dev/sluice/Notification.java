package dev.sluice;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A message for a {@link Notifier}: subject, body, severity and key/value fields (flow, run,
 * state, error, ...). Built by {@code Notify} hooks with secrets already masked.
 *
 * @param subject  one line
 * @param body     the text
 * @param severity how urgent
 * @param fields   extra facts in display order
 */
public record Notification(String subject, String body, Severity severity, Map<String, String> fields) {
    /** Validates and copies the fields. */
    public Notification {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(fields, "fields");
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** A notification without fields. */
    public static Notification of(String subject, String body, Severity severity) {
        return new Notification(subject, body, severity, Map.of());
    }
}
