package dev.sluice.history;

import java.time.Duration;
import java.util.Objects;

/**
 * What one retention purge deleted.
 *
 * @param flowRuns flow runs deleted (subflow runs included)
 * @param taskRuns task runs deleted
 * @param logLines log lines deleted
 * @param took how long the purge took
 */
public record PurgeResult(long flowRuns, long taskRuns, long logLines, Duration took) {
    /** Validates the fields. */
    public PurgeResult {
        Objects.requireNonNull(took, "took");
    }
}
