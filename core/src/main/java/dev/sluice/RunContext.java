package dev.sluice;

import dev.sluice.internal.Frame;
import dev.sluice.internal.RunRecord;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the code of a task or flow can ask about the run it is in. Works anywhere: outside a run,
 * {@link #logger()} is a plain logger and the look-ups are empty.
 */
public final class RunContext {
    private static final Logger PLAIN = LoggerFactory.getLogger("sluice");

    private RunContext() {
    }

    /**
     * A logger for the current run: every line carries the flow run and task run ids in the MDC
     * ({@code sluice.flowRunId}, {@code sluice.taskRunId}), is kept with the run
     * ({@link Run#logs()}), and has every revealed secret masked. Outside a run, a plain logger.
     */
    public static Logger logger() {
        RunRecord run = Frame.current().run();
        return run == null ? PLAIN : run.logger();
    }

    /** The flow run the calling code runs in, if any. */
    public static Optional<FlowRun<?>> flowRun() {
        return Optional.ofNullable(Frame.current().flow());
    }

    /** The task run the calling code runs in, if any. */
    public static Optional<TaskRun> taskRun() {
        return Optional.ofNullable(Frame.current().task());
    }
}
