package dev.sluice.history;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A log line kept with a run (written through {@code RunContext.logger()}), secrets masked.
 *
 * @param line the line's number: numbers grow through a run's lines (they are not contiguous); pass
 *        the last one seen to {@link LogQuery#afterLine(long)} to follow a run
 * @param time when it was logged
 * @param level {@code ERROR}, {@code WARN}, {@code INFO}, {@code DEBUG} or {@code TRACE}
 * @param logger the logger name
 * @param message the formatted message
 * @param flowRunId the flow run it belongs to, if any
 * @param taskRunId the task run it belongs to, if any
 * @param error the logged throwable's stack trace, if any
 */
public record LogEntry(long line, Instant time, String level, String logger, String message,
        @Nullable String flowRunId, @Nullable String taskRunId, @Nullable String error) {
    /** Validates the fields. */
    public LogEntry {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(logger, "logger");
        Objects.requireNonNull(message, "message");
    }
}
