package dev.sluice.history;

import org.jspecify.annotations.Nullable;

/**
 * What a {@link History}'s writer has done so far: the numbers to watch for lost records.
 *
 * @param recorded records (state changes, log lines, tag changes) handed to the history
 * @param written records committed to the database
 * @param lost records that will never be written: the queue was full (the database was unreachable
 *        or too slow for longer than the history waits), a batch failed for good, or the history was
 *        closed; each loss is also logged
 * @param queued records waiting to be written now
 * @param writeFailures failed attempts to write a batch (a batch that succeeded on retry counts too)
 * @param crashedRunsMarked runs this history marked {@code CRASHED} because the process running them is gone
 * @param lastError the last write failure's message, if any
 */
public record HistoryStats(long recorded, long written, long lost, int queued, long writeFailures,
        long crashedRunsMarked, @Nullable String lastError) {
}
