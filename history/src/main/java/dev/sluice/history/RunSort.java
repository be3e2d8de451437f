package dev.sluice.history;

/**
 * The order of a {@link FlowRunQuery} or {@link TaskRunQuery}. Ties are broken by run id, so pages
 * never overlap nor skip a run.
 */
public enum RunSort {
    /** Latest start first (runs not started yet count by when they were created). The default. */
    START_TIME_DESC,
    /** Earliest start first. */
    START_TIME_ASC,
    /** Longest first; runs still going count as zero until they end. */
    DURATION_DESC,
    /** Shortest first; runs still going count as zero until they end. */
    DURATION_ASC
}
