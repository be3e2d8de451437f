package dev.sluice;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One entry of a run's state history.
 *
 * @param state   the state entered
 * @param at      when it was entered
 * @param message why, where there is something to say (the error of a failed attempt, the delay
 *                before a retry); secrets are masked
 */
public record StateChange(State state, Instant at, @Nullable String message) {
    /** Validates the fields. */
    public StateChange {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(at, "at");
    }
}
