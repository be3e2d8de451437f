package dev.sluice;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What task runs and flow runs have in common: identity, state, history, error, parameters,
 * tags, timing and the log lines kept with the run. A run seen while it is going on is a live
 * view; every collection it returns is an unmodifiable snapshot.
 */
public interface Run {
    /** The run's unique id (a time-ordered UUID). */
    String id();

    /** The run's name: the definition's run-name template filled from the parameters, or a default. */
    String name();

    /** The name of the task or flow this is a run of. */
    String definitionName();

    /** The definition's version, if {@code withVersion} set one. */
    Optional<String> version();

    /** The current state. */
    State state();

    /** Every state the run entered, oldest first, with timestamps. */
    List<StateChange> history();

    /** Attempts started so far (1 for a run without retries). */
    int attempts();

    /** The error that ended the run, masked, if it ended with one. */
    Optional<ErrorInfo> error();

    /**
     * The arguments by parameter name ({@code arg0}, ... unless named with {@code withParameterNames}).
     * While the run is going on, the arguments themselves; once it ended, numbers, booleans, enums,
     * dates, secrets and short strings as they were, other values as their (masked, shortened) text, and
     * collections of more than 20 items as a count (such as {@code "ArrayList of 1000000 items"}), so
     * finished runs never keep big inputs alive.
     */
    Map<String, Object> parameters();

    /**
     * The run's tags: the definition's, those of enclosing {@link Tags#with} scopes and of the parent flow run.
     * A tag given to {@link Tags#with} or {@link RunContext#addTags} has every value a {@code Secret} revealed
     * by then masked, as the run's name has.
     */
    Set<String> tags();

    /** When the first attempt started, if it has. */
    Optional<Instant> startTime();

    /** When the run reached its terminal state, if it has. */
    Optional<Instant> endTime();

    /** Time from start to end (or to now, while running); zero before the start. */
    Duration duration();

    /** The log lines kept with this run (secrets masked); a flow run's include its task runs' lines. */
    List<LogLine> logs();
}
