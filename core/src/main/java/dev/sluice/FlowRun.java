package dev.sluice;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One run of a flow: the record {@code flow.runForState(...)} returns and
 * {@link FlowFailedException#run()} carries.
 *
 * @param <R> the flow's result type
 */
public interface FlowRun<R extends @Nullable Object> extends Run {
    /** The id of the flow run that called this one as a subflow, if any. */
    Optional<String> parentFlowRunId();

    /**
     * The task runs of this flow run, in start order. A long flow keeps the most recent
     * completed ones and every run that did not complete; {@link #taskRunCount()} is exact.
     */
    List<TaskRun> taskRuns();

    /** How many task runs this flow run started, including any no longer kept. */
    long taskRunCount();

    /** The subflow runs this flow run started, in start order. */
    List<FlowRun<?>> subflowRuns();

    /**
     * The first task run that failed, timed out, crashed or was cancelled, if any, looking into
     * subflow runs that did not complete too, so a notification names the task that broke.
     */
    Optional<TaskRun> failedTaskRun();

    /**
     * The flow's result.
     *
     * @throws FlowFailedException if the run did not complete
     * @throws IllegalStateException if the run has not finished yet
     */
    R result();
}
