package dev.sluice.tasks.http.internal;

import dev.sluice.RunContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The logger for an extract: the run's when called inside a flow or task run, else the module's own. */
public final class Logs {
    private static final Logger OUTSIDE_RUNS = LoggerFactory.getLogger("dev.sluice.tasks.http");

    private Logs() {
    }

    /**
     * The current run's logger (lines kept with the run, secrets masked), or outside any run the
     * logger {@code dev.sluice.tasks.http}: using an extract outside a run is normal, not worth
     * {@link RunContext#logger()}'s warning.
     */
    public static Logger current() {
        return RunContext.taskRun().isPresent() || RunContext.flowRun().isPresent() ? RunContext.logger() : OUTSIDE_RUNS;
    }
}
