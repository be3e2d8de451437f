package dev.sluice.notify;

/** How urgent a {@link Notification} is. */
public enum Severity {
    /** For information: a run completed. */
    INFO,
    /** Worth a look: a run was retried or cancelled. */
    WARNING,
    /** A run failed. */
    ERROR,
    /** A run crashed or something needs a person now. */
    CRITICAL
}
