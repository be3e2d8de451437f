package dev.sluice;

/**
 * Code called when a run enters a state ({@code onCompletion}, {@code onFailure}, ...). A hook that
 * throws is logged and never changes the run's outcome.
 *
 * <p>A hook runs in the context the run was started from, with that context's runtime: the run it is
 * called for is its argument, while {@link RunContext} inside it is the enclosing run's (a task's flow
 * run, or none for a flow called from plain code). So {@link RunContext#attribute(RunContext.Key)}
 * in a task's hook reads the flow run's values, not the task run's.
 *
 * @param <R> the kind of run the hook receives ({@link TaskRun}, {@link FlowRun} or any {@link Run})
 */
@FunctionalInterface
public interface Hook<R extends Run> {
    /** Called with the run, after it entered the state the hook is registered for. */
    void call(R run) throws Exception;
}
