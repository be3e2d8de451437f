package dev.sluice;

/**
 * Code called when a run enters a state ({@code onCompletion}, {@code onFailure}, ...). A hook that
 * throws is logged and never changes the run's outcome.
 *
 * @param <R> the kind of run the hook receives ({@link TaskRun}, {@link FlowRun} or any {@link Run})
 */
@FunctionalInterface
public interface Hook<R extends Run> {
    /** Called with the run, after it entered the state the hook is registered for. */
    void call(R run) throws Exception;
}
