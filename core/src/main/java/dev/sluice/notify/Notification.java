package dev.sluice.notify;

import dev.sluice.internal.Masker;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A message for a {@link Notifier}: subject, body, severity and key/value fields (flow, run,
 * state, error, ...). Every value a {@link dev.sluice.block.Secret} revealed in this JVM is masked
 * when a notification is made (in the subject, the body and the fields, as {@link
 * dev.sluice.block.Secret#mask} does), so no notifier sends one, however the notification was built.
 *
 * @param subject  one line
 * @param body     the text
 * @param severity how urgent
 * @param fields   extra facts in display order; a null value (such as the message of an exception
 *                 that has none) is kept as an empty text, so every notifier still sends it; keys must
 *                 not be null
 */
public record Notification(String subject, String body, Severity severity, Map<String, String> fields) {
    /**
     * Validates and copies the fields (a null value becoming an empty text), masking every revealed
     * secret in the texts.
     *
     * @throws NullPointerException if a field's key is null
     */
    public Notification {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(fields, "fields");
        subject = Masker.mask(subject);
        body = Masker.mask(body);
        LinkedHashMap<String, String> masked = new LinkedHashMap<>();
        fields.forEach((k, v) -> masked.put(Masker.mask(Objects.requireNonNull(k, "fields: a key is null")),
                v == null ? "" : Masker.mask(v)));
        fields = Collections.unmodifiableMap(masked);
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
