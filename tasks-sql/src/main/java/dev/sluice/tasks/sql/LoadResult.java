package dev.sluice.tasks.sql;

import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link SqlTasks#load() load} did.
 *
 * @param inserted rows inserted
 * @param updated rows updated ({@link LoadMode#UPSERT} only)
 * @param batches batches written: JDBC batches, or {@code COPY} commands
 * @param duration time the load took
 */
public record LoadResult(long inserted, long updated, long batches, Duration duration) {
    /** Validates the counts. */
    public LoadResult {
        Objects.requireNonNull(duration, "duration");
        if (inserted < 0 || updated < 0 || batches < 0) {
            throw new IllegalArgumentException("counts must be >= 0, were inserted=" + inserted
                    + ", updated=" + updated + ", batches=" + batches);
        }
    }

    /** Rows written: inserted plus updated. */
    public long rows() {
        return inserted + updated;
    }
}
