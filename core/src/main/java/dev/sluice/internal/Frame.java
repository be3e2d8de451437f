package dev.sluice.internal;

import dev.sluice.SluiceRuntime;
import dev.sluice.State;
import java.util.LinkedHashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What a thread is running inside: the runtime, the current flow run, the current task run, the
 * tags in force, and whether an enclosing run retries. Immutable; entering a run, a tag scope or a
 * runtime scope installs a new frame and restores the old one.
 */
public final class Frame {
    static final Frame EMPTY = new Frame(null, null, null, Set.of(), false, null);
    private static final ThreadLocal<Frame> CURRENT = ThreadLocal.withInitial(() -> EMPTY);

    final @Nullable RuntimeState runtime;
    final @Nullable FlowRunRecord flow;
    final @Nullable TaskRunRecord task;
    final Set<String> tags;
    final boolean retrying;
    /**
     * The dispatcher whose concurrency slot the run of this frame holds, itself or lent by a run
     * that waits for it (null: none). It goes with the run, not the thread: a body with a timeout
     * runs on a thread of its own and can still lend the slot to a run it joins.
     */
    final @Nullable Dispatcher held;
    /**
     * The attempt of the innermost run whose body this frame is (1 = the first), or 0 when it is no
     * attempt's body (a hook, a runtime scope): runs started from a frame whose attempt is over are
     * refused ({@link Engine}), so a body left running past its timeout starts nothing in the run.
     */
    final int attempt;

    Frame(@Nullable RuntimeState runtime, @Nullable FlowRunRecord flow, @Nullable TaskRunRecord task, Set<String> tags,
            boolean retrying, @Nullable Dispatcher held) {
        this(runtime, flow, task, tags, retrying, held, 0);
    }

    Frame(@Nullable RuntimeState runtime, @Nullable FlowRunRecord flow, @Nullable TaskRunRecord task, Set<String> tags,
            boolean retrying, @Nullable Dispatcher held, int attempt) {
        this.runtime = runtime;
        this.flow = flow;
        this.task = task;
        this.tags = tags;
        this.retrying = retrying;
        this.held = held;
        this.attempt = attempt;
    }

    /** This frame as the body of attempt {@code attempt} of its innermost run. */
    Frame forAttempt(int attempt) {
        return new Frame(runtime, flow, task, tags, retrying, held, attempt);
    }

    /**
     * Why a run may not be started from this frame, or null if it may: the attempt whose body this
     * frame is has ended (timed out or cancelled, its body going on regardless), or a later attempt runs.
     */
    @Nullable String attemptOver() {
        RunRecord run = run();
        if (attempt == 0 || run == null) {
            return null;
        }
        State state = run.state();
        if (run.stoppedAttempt() >= attempt && !state.isTerminal() && run.attempts() == attempt) {
            // timed out, not ended yet (waiting to retry, say): the body woken by the interrupt adds nothing to it
            return run.spec.kind().word() + " run '" + run.name() + "' timed out on attempt " + attempt
                    + ": code that attempt left running (a body that went on past its timeout) starts no new runs in it";
        }
        if (!state.isTerminal() && run.attempts() == attempt) {
            FlowRunRecord f = flow;
            if (f == null || f == run || !f.state().isTerminal()) {
                return null;
            }
            return "flow run '" + f.name() + "' ended " + f.state() + ": code it left running (a body that went on"
                    + " past its timeout or cancellation, or a thread given its context) starts no new runs in it";
        }
        return run.spec.kind().word() + " run '" + run.name() + "' "
                + (state.isTerminal() ? "ended " + state : "is on attempt " + run.attempts())
                + ": code its attempt " + attempt + " left running (a body that went on past its timeout or"
                + " cancellation, or a thread given its context) starts no new runs in it";
    }

    public static Frame current() {
        return CURRENT.get();
    }

    /** A frame for code run under {@code runtime} outside any run. */
    public static Frame ofRuntime(SluiceRuntime runtime) {
        Frame current = current();
        return new Frame(RuntimeState.of(runtime), null, null, current.tags, false, current.held);
    }

    /** Installs {@code frame} on this thread and returns the one it replaces. */
    public static Frame enter(Frame frame) {
        Frame previous = CURRENT.get();
        CURRENT.set(frame);
        return previous;
    }

    public static void restore(Frame previous) {
        CURRENT.set(previous);
    }

    /** Runs {@code body} with {@code frame} installed on this thread, and puts the previous frame back. */
    public static <T extends @Nullable Object, E extends Exception> T callIn(Frame frame, Body<T, E> body) throws E {
        Frame previous = enter(frame);
        try {
            return body.call();
        } finally {
            restore(previous);
        }
    }

    /**
     * {@link #callIn}, with the run ids of {@code frame} in the MDC and, while its run goes on, the scope its run's
     * recorders enter ({@code RunRecorder.enter}) in force while {@code body} runs, as they are in the run's body,
     * for code a {@code RunContext.Snapshot} carries to a thread of its own; the thread's own are put back after.
     */
    public static <T extends @Nullable Object, E extends Exception> T callInRun(Frame frame, Body<T, E> body)
            throws E {
        String prevFlow = org.slf4j.MDC.get(RunLogger.MDC_FLOW_RUN);
        String prevTask = org.slf4j.MDC.get(RunLogger.MDC_TASK_RUN);
        RunLogger.Mdc.put(RunLogger.MDC_FLOW_RUN, frame.flow == null ? null : frame.flow.id());
        RunLogger.Mdc.put(RunLogger.MDC_TASK_RUN, frame.task == null ? null : frame.task.id());
        RunRecord run = frame.task != null ? frame.task : frame.flow;
        // what a recorder puts in force around the run's body (a tracing context) is in force here too
        dev.sluice.RunRecorder.Scope scope = run != null && run.runtime.entersRuns() && !run.state().isTerminal()
                ? run.runtime.recorder().enter(run) : dev.sluice.RunRecorder.Scope.NOOP;
        try {
            return callIn(frame, body);
        } finally {
            scope.close();
            RunLogger.Mdc.put(RunLogger.MDC_FLOW_RUN, prevFlow);
            RunLogger.Mdc.put(RunLogger.MDC_TASK_RUN, prevTask);
        }
    }

    /** What {@link #callIn} runs. */
    @FunctionalInterface
    public interface Body<T extends @Nullable Object, E extends Exception> {
        T call() throws E;
    }

    /** This frame as another thread should see it: the runtime made explicit, and any retry layer the thread is in. */
    public Frame capture() {
        boolean inRetries = retrying || Retrier.insideRetries();
        RuntimeState r = runtime != null ? runtime : state();
        return new Frame(r, flow, task, tags(), inRetries, held, attempt);
    }

    /** The runtime this frame runs under, if one was chosen. */
    public @Nullable SluiceRuntime runtime() {
        return runtime == null ? null : runtime.runtime();
    }

    /** The state of the runtime in force: this frame's, else the default's. */
    RuntimeState state() {
        return runtime != null ? runtime : RuntimeState.of(SluiceRuntime.defaults());
    }

    public @Nullable FlowRunRecord flow() {
        return flow;
    }

    public @Nullable TaskRunRecord task() {
        return task;
    }

    /** The tags in force: the scope's, and those added to the current run while it goes on. */
    public Set<String> tags() {
        RunRecord run = run();
        return run == null ? tags : union(tags, run.tags);
    }

    /** Whether an enclosing task run retries its attempts. */
    public boolean retrying() {
        return retrying;
    }

    /** This frame with more tags in force. */
    public Frame withTags(Set<String> more) {
        if (more.isEmpty() || tags.containsAll(more)) {
            return this;
        }
        Set<String> all = new LinkedHashSet<>(tags);
        all.addAll(more);
        return new Frame(runtime, flow, task, java.util.Collections.unmodifiableSet(all), retrying, held, attempt);
    }

    /** The innermost run, if any. */
    public @Nullable RunRecord run() {
        return task != null ? task : flow;
    }

    static Set<String> union(Set<String> a, Set<String> b) {
        if (b.isEmpty()) {
            return a;
        }
        if (a.isEmpty()) {
            return b;
        }
        Set<String> all = new LinkedHashSet<>(a);
        all.addAll(b);
        return java.util.Collections.unmodifiableSet(all);
    }
}
