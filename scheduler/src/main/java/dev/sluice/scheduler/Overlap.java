package dev.sluice.scheduler;

/**
 * What a deployment does when a slot comes while its previous run is still going.
 *
 * <pre>{@code
 * Deployment hourly = deployment.withOverlap(Overlap.SKIP);   // a copy: an hourly job that sometimes takes 70 minutes skips a slot
 * }</pre>
 */
public enum Overlap {
    /** Start the new run anyway (within the concurrency limit, if one is set). The default. */
    ALLOW,
    /** Do not run the new slot; it is recorded as skipped. */
    SKIP,
    /** Keep at most one run waiting behind the running one; a slot that finds one waiting is skipped. */
    QUEUE_ONE,
    /** Cancel the running run, then start the new one. */
    CANCEL_PREVIOUS
}
