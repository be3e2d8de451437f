package dev.sluice.scheduler;

/**
 * The kinds of value a deployment parameter takes, each with one JSON form, so a process without
 * the flow's classes can build a form for it and check input.
 *
 * <pre>{@code
 * Parameter day = Parameter.date("day");                      // DATE: "2026-01-31"
 * Parameter mode = Parameter.choice("mode", "full", "delta"); // CHOICE: one of the names
 * }</pre>
 */
public enum ParameterType {
    /** Text, optionally matching a pattern. JSON {@code {"type": "string"}}. */
    STRING,
    /** A whole number, optionally bounded. JSON {@code {"type": "integer"}}. */
    INTEGER,
    /** A decimal number, optionally bounded. JSON {@code {"type": "number"}}. */
    NUMBER,
    /** {@code true} or {@code false}. JSON {@code {"type": "boolean"}}. */
    BOOLEAN,
    /** A calendar date ({@code LocalDate}), {@code "2026-01-31"}. JSON {@code {"type": "string", "format": "date"}}. */
    DATE,
    /**
     * A date and time without zone ({@code LocalDateTime}), {@code "2026-01-31T06:00"}. JSON
     * {@code {"type": "string", "format": "local-date-time"}}.
     */
    DATE_TIME,
    /**
     * An instant ({@code Instant}), written with an offset: {@code "2026-01-31T06:00:00Z"}. JSON
     * {@code {"type": "string", "format": "date-time"}}.
     */
    INSTANT,
    /** One of a fixed list of names (an enum's constants). JSON {@code {"type": "string", "enum": [...]}}. */
    CHOICE
}
