package dev.sluice.scheduler;

/**
 * What a deployment does about slots it missed while no worker was running (downtime, a deploy, a
 * paused database). Missed slots never run twice, and editing a schedule never replays the past.
 *
 * <pre>{@code
 * Deployment skip    = deployment.withCatchUp(CatchUp.NONE);                         // skip what was missed
 * Deployment latest  = deployment.withCatchUp(CatchUp.LATEST);                       // run the latest missed slot once
 * Deployment recent  = deployment.withCatchUp(CatchUp.LATEST, Duration.ofHours(6));  // ... if it is at most 6 hours old
 * Deployment lastDay = deployment.withCatchUp(CatchUp.ALL, Duration.ofDays(1));      // run every slot of the last day, oldest first
 * // each a copy: a deployment never changes
 * }</pre>
 */
public enum CatchUp {
    /** Missed slots are skipped; only the next slot runs. */
    NONE,
    /** Of the missed slots, only the latest runs (if within the window, when one is set). The default. */
    LATEST,
    /** Every missed slot within the window runs, oldest first; needs a window. */
    ALL
}
