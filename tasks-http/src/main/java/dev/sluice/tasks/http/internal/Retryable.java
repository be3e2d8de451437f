package dev.sluice.tasks.http.internal;

import dev.sluice.tasks.http.HttpExtractException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** An attempt that failed in a way worth retrying: a connection failure, 429 or 5xx. */
final class Retryable extends Exception {
    private static final long serialVersionUID = 1L;

    /** What the caller gets if no retry is left. */
    final transient HttpExtractException failure;
    /** What the retry policy's conditions are tested against: the I/O error, or {@link #failure}. */
    final Throwable condition;
    /** The server's {@code Retry-After}, if it sent one. */
    final transient @Nullable Duration retryAfter;

    Retryable(HttpExtractException failure, Throwable condition, @Nullable Duration retryAfter) {
        super(failure.getMessage(), null, false, false);
        this.failure = failure;
        this.condition = condition;
        this.retryAfter = retryAfter;
    }
}
