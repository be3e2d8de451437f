package dev.sluice.history;

import dev.sluice.State;
import java.time.Instant;
import java.util.Objects;

/**
 * How many runs in one time bucket are in one state: a bar of a dashboard's activity chart.
 *
 * @param bucketStart where the bucket starts (it ends where the next one starts)
 * @param state the state
 * @param count how many runs that started in the bucket are in that state
 */
public record StateCount(Instant bucketStart, State state, long count) {
    /** Validates the fields. */
    public StateCount {
        Objects.requireNonNull(bucketStart, "bucketStart");
        Objects.requireNonNull(state, "state");
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, was " + count);
        }
    }
}
