package dev.sluice;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A log line written through {@link RunContext#logger()} and kept with its run. Secrets are
 * already masked in {@link #message()} and {@link #error()}. What a run keeps is bounded: a message past
 * 32,768 characters (system property {@code sluice.maxLogMessageChars}) and a stack trace past 65,536
 * ({@code sluice.maxLogStackChars}) are cut after masking, ending in {@code [... N more characters cut]}; the
 * application's own SLF4J log still gets the line whole (masked).
 *
 * @param time      when it was logged
 * @param level     {@code ERROR}, {@code WARN}, {@code INFO}, {@code DEBUG} or {@code TRACE}
 * @param logger    the logger name
 * @param message   the formatted message
 * @param flowRunId the flow run it belongs to, if any
 * @param taskRunId the task run it belongs to, if any
 * @param error     the logged throwable's stack trace, if any
 */
public record LogLine(
        Instant time,
        String level,
        String logger,
        String message,
        @Nullable String flowRunId,
        @Nullable String taskRunId,
        @Nullable String error) {
    /** Validates the fields. */
    public LogLine {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(logger, "logger");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return time + " " + level + " " + logger + " - " + message;
    }
}
