package dev.sluice.history;

import java.util.Objects;

/**
 * Which log lines of a run to read: {@code LogQuery.of(runId).afterLine(n).limit(200)}. A flow run's
 * lines include those of its task runs (not those of its subflow runs, which have their own); a task
 * run's are its own. Lines come oldest first. Immutable.
 */
public final class LogQuery {
    /** The most lines one page may hold. */
    public static final int MAX_LIMIT = 10_000;

    private final String runId;
    private final long afterLine;
    private final int limit;

    private LogQuery(String runId, long afterLine, int limit) {
        this.runId = runId;
        this.afterLine = afterLine;
        this.limit = limit;
    }

    /** The first 200 lines of run {@code runId} (a flow run or a task run). */
    public static LogQuery of(String runId) {
        return new LogQuery(Objects.requireNonNull(runId, "runId"), 0, 200);
    }

    /** A copy reading only lines numbered above {@code line} (to follow a run: the last line seen). */
    public LogQuery afterLine(long line) {
        if (line < 0) {
            throw new IllegalArgumentException("afterLine must be >= 0, was " + line);
        }
        return new LogQuery(runId, line, limit);
    }

    /** A copy reading at most {@code limit} lines (1 to {@value #MAX_LIMIT}). */
    public LogQuery limit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
        }
        return new LogQuery(runId, afterLine, limit);
    }

    /** The run whose lines are read. */
    public String runId() {
        return runId;
    }

    /** Lines numbered at most this are skipped. */
    public long afterLine() {
        return afterLine;
    }

    /** The most lines returned. */
    public int limit() {
        return limit;
    }

    @Override
    public String toString() {
        return "LogQuery[runId=" + runId + ", afterLine=" + afterLine + ", limit=" + limit + "]";
    }
}
