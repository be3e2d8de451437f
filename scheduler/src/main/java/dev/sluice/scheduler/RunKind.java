package dev.sluice.scheduler;

/** Why a deployment's run was made. */
public enum RunKind {
    /** A slot of one of its schedules. */
    SCHEDULED,
    /** A trigger by name, with parameters. */
    MANUAL,
    /** One slot of a backfill over a time range. */
    BACKFILL,
    /** A retry of a finished run, with its parameters. */
    RETRY
}
