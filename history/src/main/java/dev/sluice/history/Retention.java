package dev.sluice.history;

import dev.sluice.State;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How long finished runs are kept. A top-level run (a flow run that is not a subflow, or a task run
 * outside any flow) is deleted with everything under it (subflow runs, task runs, log lines, tags) once
 * it ended longer ago than its state's period: {@link #completed()} for {@code COMPLETED} and
 * {@code CACHED} runs, {@link #failed()} for every other terminal state. Runs still going are never
 * deleted. Immutable; the default keeps completed runs 30 days and failed ones 90.
 *
 * <pre>{@code
 * try (History history = History.builder(db)
 *         .retention(Retention.defaults().withCompleted(Duration.ofDays(7)))
 *         .open();
 *      SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().recorder(history.recorder()).build()) {
 *     runtime.run(etl, "Boston");
 * }
 * }</pre>
 *
 * @param completed how long successful runs are kept; {@code null} keeps them forever
 * @param failed how long failed, crashed, cancelled and timed-out runs are kept; {@code null} keeps them forever
 */
public record Retention(@Nullable Duration completed, @Nullable Duration failed) {
    /** Checks that the periods given are positive. */
    public Retention {
        check("completed", completed);
        check("failed", failed);
    }

    private static void check(String field, @Nullable Duration d) {
        if (d != null && (d.isNegative() || d.isZero())) {
            throw new IllegalArgumentException(field + " retention must be positive, was " + d);
        }
    }

    /** Completed runs 30 days, failed ones 90. */
    public static Retention defaults() {
        return new Retention(Duration.ofDays(30), Duration.ofDays(90));
    }

    /** Nothing is ever deleted. */
    public static Retention forever() {
        return new Retention(null, null);
    }

    /** A copy keeping successful runs for {@code period}. */
    public Retention withCompleted(Duration period) {
        return new Retention(Objects.requireNonNull(period, "completed"), failed);
    }

    /** A copy keeping failed, crashed, cancelled and timed-out runs for {@code period}. */
    public Retention withFailed(Duration period) {
        return new Retention(completed, Objects.requireNonNull(period, "failed"));
    }

    /** How long a run that ended in {@code state} is kept; empty for forever (and for states that are not terminal). */
    public Optional<Duration> periodFor(State state) {
        Objects.requireNonNull(state, "state");
        if (!state.isTerminal()) {
            return Optional.empty();
        }
        return Optional.ofNullable(state.isSuccess() ? completed : failed);
    }

    /** Whether anything is ever deleted. */
    public boolean isForever() {
        return completed == null && failed == null;
    }
}
