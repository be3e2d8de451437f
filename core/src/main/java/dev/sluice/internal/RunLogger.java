package dev.sluice.internal;

import dev.sluice.LogLine;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * The logger {@code RunContext.logger()} hands out inside a run: every line is masked, kept with
 * the run (INFO and above always; DEBUG and TRACE when the underlying logger has them on), sent
 * to the run recorder, and passed on to SLF4J with the run ids in the MDC.
 */
public final class RunLogger extends AbstractLogger {
    private static final long serialVersionUID = 1L;
    /** MDC key holding the flow run id. */
    public static final String MDC_FLOW_RUN = "sluice.flowRunId";
    /** MDC key holding the task run id. */
    public static final String MDC_TASK_RUN = "sluice.taskRunId";

    private final transient RunRecord run;
    private final transient Logger delegate;
    private final transient @Nullable String flowRunId;
    private final transient @Nullable String taskRunId;

    RunLogger(RunRecord run) {
        this.run = run;
        this.name = "sluice." + run.spec.kind().word() + "." + run.spec.name();
        this.delegate = LoggerFactory.getLogger(name);
        if (run instanceof TaskRunRecord task) {
            this.taskRunId = task.id;
            this.flowRunId = task.flow == null ? null : task.flow.id;
        } else {
            this.taskRunId = null;
            this.flowRunId = run.id;
        }
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return RunLogger.class.getName();
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
            Throwable throwable) {
        String message = Masker.mask(MessageFormatter.basicArrayFormat(pattern, arguments));
        String stack = throwable == null ? null : Masker.stackTrace(throwable);
        // what the run keeps (and the history stores) is cut, after masking; the application's own log gets it whole
        run.addLog(new LogLine(run.runtime.clock().instant(), level.name(), name, cut(message, Limits.MAX_LOG_MESSAGE_CHARS),
                flowRunId, taskRunId, stack == null ? null : cut(stack, Limits.MAX_LOG_STACK_CHARS)));
        if (!delegate.isEnabledForLevel(level)) {
            return;
        }
        String prevFlow = MDC.get(MDC_FLOW_RUN);
        String prevTask = MDC.get(MDC_TASK_RUN);
        Mdc.put(MDC_FLOW_RUN, flowRunId);
        Mdc.put(MDC_TASK_RUN, taskRunId);
        try {
            var event = delegate.makeLoggingEventBuilder(level).setMessage(message);
            if (marker != null) {
                event = event.addMarker(marker);
            }
            if (throwable != null) {
                event = event.setCause(Masker.maskThrowable(throwable));
            }
            event.log();
        } finally {
            Mdc.put(MDC_FLOW_RUN, prevFlow);
            Mdc.put(MDC_TASK_RUN, prevTask);
        }
    }

    /** {@code text}, or its start (cut between grapheme clusters) and a note of how many characters were cut. */
    static String cut(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int end = dev.sluice.notify.TextCuts.boundaryAtOrBefore(text, max);
        return text.substring(0, end) + " [... " + (text.length() - end) + " more characters cut]";
    }

    private boolean kept(Level level) {
        return level.toInt() >= Level.INFO.toInt() || delegate.isEnabledForLevel(level);
    }

    @Override
    public boolean isTraceEnabled() {
        return kept(Level.TRACE);
    }

    @Override
    public boolean isTraceEnabled(Marker marker) {
        return kept(Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return kept(Level.DEBUG);
    }

    @Override
    public boolean isDebugEnabled(Marker marker) {
        return kept(Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return true;
    }

    @Override
    public boolean isInfoEnabled(Marker marker) {
        return true;
    }

    @Override
    public boolean isWarnEnabled() {
        return true;
    }

    @Override
    public boolean isWarnEnabled(Marker marker) {
        return true;
    }

    @Override
    public boolean isErrorEnabled() {
        return true;
    }

    @Override
    public boolean isErrorEnabled(Marker marker) {
        return true;
    }

    /** MDC helpers: put, or remove for null. */
    static final class Mdc {
        private Mdc() {
        }

        /**
         * The MDC of this thread, to {@link #reset} after a run on a thread Sluice hands from run to
         * run (a pool thread, a virtual thread that runs several submitted runs): what a body put
         * there and did not remove never reaches the next run on that thread.
         */
        static java.util.@Nullable Map<String, String> save() {
            return MDC.getCopyOfContextMap();
        }

        /** Puts back the MDC {@link #save} returned. */
        static void reset(java.util.@Nullable Map<String, String> saved) {
            if (saved == null || saved.isEmpty()) {
                MDC.clear();
            } else {
                MDC.setContextMap(saved);
            }
        }

        static void put(String key, @Nullable String value) {
            if (value == null) {
                MDC.remove(key);
            } else {
                MDC.put(key, value);
            }
        }
    }
}
