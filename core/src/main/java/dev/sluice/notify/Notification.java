package dev.sluice.notify;

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

    /**
     * The whole notification as plain text: the subject, a blank line, the body, and then one
     * {@code key: value} line per field, for notifiers that send a single text.
     */
    public String text() {
        StringBuilder sb = new StringBuilder(subject).append("\n\n").append(body);
        if (!fields.isEmpty()) {
            sb.append("\n");
            fields.forEach((k, v) -> sb.append("\n").append(k).append(": ").append(v));
        }
        return sb.toString();
    }

    /** A notification without fields. */
    public static Notification of(String subject, String body, Severity severity) {
        return new Notification(subject, body, severity, Map.of());
    }
}
