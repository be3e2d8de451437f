package dev.sluice.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How much a run keeps in memory, read once from system properties: fixed for the life of the JVM,
 * like the JDK's own {@code -D} limits; and the one reader of Sluice's numeric system properties.
 */
public final class Limits {
    private static final Logger LOG = LoggerFactory.getLogger(Limits.class);
    /** The largest value any of the limits below takes. */
    private static final int MAX = 10_000_000;
    /** Task runs kept in full per flow run (older completed ones are dropped past this). */
    static final int MAX_TASK_RUNS_KEPT = limit("sluice.maxTaskRunsPerFlowRun", 10_000,
            "how many task runs a flow run keeps in memory");
    /** Log lines kept per task run. */
    static final int MAX_LOG_LINES_PER_TASK_RUN = limit("sluice.maxLogLinesPerTaskRun", 1_000,
            "how many log lines a task run keeps in memory");
    /** Log lines kept per flow run. */
    static final int MAX_LOG_LINES_PER_FLOW_RUN = limit("sluice.maxLogLinesPerFlowRun", 10_000,
            "how many log lines a flow run keeps in memory");

    /** Characters of a log line's message kept with its run (the rest is cut, after masking). */
    static final int MAX_LOG_MESSAGE_CHARS = limit("sluice.maxLogMessageChars", 32_768,
            "how many characters of a log line's message a run keeps");
    /** Characters of a log line's stack trace kept with its run. */
    static final int MAX_LOG_STACK_CHARS = limit("sluice.maxLogStackChars", 65_536,
            "how many characters of a log line's stack trace a run keeps");

    private Limits() {
    }

    /**
     * The system property {@code name} as a whole number from 1 to {@code max}, or {@code dflt} when it is not set.
     *
     * @param what what the property sets, for the error
     * @throws IllegalArgumentException naming the property, when it is set to anything else
     */
    public static int intProperty(String name, int dflt, int max, String what) {
        String value = System.getProperty(name);
        if (value == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("the system property " + name + " must be a whole number from 1 to "
                + max + ", was '" + value + "'; it is " + what);
    }

    /** A limit read when this class loads: a bad value is logged and the default used (no class may fail to load). */
    private static int limit(String name, int dflt, String what) {
        try {
            return intProperty(name, dflt, MAX, what);
        } catch (IllegalArgumentException e) {
            LOG.warn("{}; using the default, {}", e.getMessage(), dflt);
            return dflt;
        }
    }
}
