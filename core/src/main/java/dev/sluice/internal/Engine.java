package dev.sluice.internal;

import dev.sluice.FlowFailedException;
import dev.sluice.cache.CacheKeyException;
import dev.sluice.notify.NotificationException;
import dev.sluice.Hook;
import dev.sluice.RetryPolicy;
import dev.sluice.Run;
import dev.sluice.RunTimeoutException;
import dev.sluice.TaskFutureException;
import dev.sluice.State;
import dev.sluice.TaskFailedException;
import dev.sluice.TaskFuture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs tasks and flows: state transitions, retries, timeouts, hooks, submitted runs and the
 * thread context that ties a task run to its flow run.
 */
public final class Engine {
    private Engine() {
    }

    // ---------------------------------------------------------------- tasks

    /** Runs a task on the calling thread (its body on another thread only when it has a timeout). */
    public static @Nullable Object runTask(Spec spec, @Nullable Object[] args) {
        Frame frame = Frame.current();
        TaskRunRecord run = newTaskRun(spec, spec.prepare(args), frame, State.PENDING);
        return executeTask(run, frame, null, frame.held);
    }

    /** Starts a task run concurrently; inside a flow, bounded by the flow's max concurrency. */
    public static <R> TaskFuture<R> submitTask(Spec spec, @Nullable Object[] args) {
        Frame frame = Frame.current();
        TaskRunRecord run = newTaskRun(spec, spec.prepare(args), frame, State.SCHEDULED);
        // runs once: on a worker, or on a thread that joins the future before a worker took it up
        TaskFutureImpl<R> future = new TaskFutureImpl<>(run, frame);
        Runnable job = future::runOnWorker;
        FlowRunRecord flow = frame.flow;
        try {
            if (flow != null) {
                flow.futures.add(future);
                flow.dispatcher.submit(job);
            } else {
                run.runtime.workers().tasks().execute(job);
            }
        } catch (java.util.concurrent.RejectedExecutionException e) {
            IllegalStateException refused = run.runtime.isClosed()
                    ? run.runtime.closedError() // closed since the check in newTaskRun
                    : new IllegalStateException("task run '" + run.name() + "' cannot start: the executor submitted tasks"
                            + " run on refused it (" + e.getMessage() + "); an executor given to SluiceRuntime.Builder.executor"
                            + " must stay open, and take every task, as long as the runtime is used", e);
            future.abandon(refused); // the run ends FAILED, not SCHEDULED for ever
            throw refused;
        }
        return future;
    }

    /**
     * What a submitted run does, on the thread that took it up: a worker, holding a slot of
     * {@code held} (its flow's dispatcher), or a run that joined it, lending its own slot.
     */
    static void runSubmitted(TaskFutureImpl<?> future, Frame frame, @Nullable Dispatcher held) {
        if (future.isCancelled()) {
            return; // the cancel ends the run
        }
        try {
            future.complete(executeTask(future.record, frame, future, held));
        } catch (Throwable t) {
            future.completeExceptionally(t); // nothing, if a cancel ended the run meanwhile
        }
    }

    /**
     * Ends a submitted run that was cancelled, on the cancelling thread, and returns what joining it
     * throws. One not started yet ({@code started} false) has no other thread; a running one does,
     * which still runs its body but no longer ends the run ({@link TaskFutureImpl#claimEnd}).
     */
    static TaskFailedException endCancelled(TaskRunRecord run, boolean started) {
        if (!started) {
            CancellationException cancelled = new CancellationException("cancelled before it started");
            end(run, State.CANCELLED, cancelled);
            return taskFailed(run, cancelled);
        }
        CancellationException cancelled = markCancelled(run);
        if (cancelled != null) {
            announceCancelled(run, cancelled);
        }
        return taskFailed(run, cancelled != null ? cancelled : new CancellationException(CANCELLED_WHILE_IT_RAN));
    }

    private static final String CANCELLED_WHILE_IT_RAN = "cancelled while it ran";

    /**
     * The first half of cancelling a running submitted run: makes it {@link State#CANCELLED} at once, before its
     * thread is interrupted, so that a body woken by the interrupt (or ignoring it) starts no task runs or
     * subflows in it. Returns the cancellation, or null if the run had ended.
     */
    static @Nullable CancellationException markCancelled(TaskRunRecord run) {
        CancellationException cancelled = new CancellationException(CANCELLED_WHILE_IT_RAN);
        return run.markEndedFromOutside(State.CANCELLED, cancelled, summary(cancelled)) ? cancelled : null;
    }

    /** The second half: tells the recorders and runs the hooks; returns what joining the run throws. */
    static TaskFailedException announceCancelled(TaskRunRecord run, CancellationException cancelled) {
        run.announceEndedFromOutside(State.CANCELLED);
        ended(run, State.CANCELLED, cancelled);
        return taskFailed(run, cancelled);
    }

    /**
     * Refuses to start a run from the body of an attempt that is over: one that timed out or was
     * cancelled and whose body went on (it ignored the interrupt), so that it starts no task runs or
     * subflows in a run that ended, or in the run's next attempt.
     */
    private static void refuseIfAttemptOver(Frame frame) {
        String over = frame.attemptOver();
        if (over != null) {
            throw new IllegalStateException(over);
        }
    }

    private static TaskRunRecord newTaskRun(Spec spec, @Nullable Object[] args, Frame frame, State initial) {
        RuntimeState runtime = frame.state();
        runtime.refuseIfClosed();
        refuseIfAttemptOver(frame);
        FlowRunRecord flow = frame.flow;
        // outside a flow no counter is shared (threads running tasks side by side would contend on it): the name uses the id
        long seq = flow != null ? flow.nextTaskSeq() : -1;
        Set<String> tags = Frame.union(frame.tags(), spec.tags());
        TaskRunRecord run = new TaskRunRecord(runtime, spec, args, tags, initial, flow, frame.task, seq);
        if (flow != null) {
            flow.addTaskRun(run);
        }
        run.announce();
        return run;
    }

    /**
     * Runs the task's attempts, through the cache when it has a policy, and ends the run: the
     * engine is the only place a run ends.
     */
    private static @Nullable Object executeTask(TaskRunRecord run, Frame outer, @Nullable TaskFutureImpl<?> future,
            @Nullable Dispatcher held) {
        boolean inline = future == null;
        Object result;
        State state = State.COMPLETED;
        try {
            if (CacheEngine.applies(run.spec)) {
                CacheEngine.Outcome outcome = CacheEngine.execute(run, () -> runAttempts(run, outer, false, held));
                result = outcome.value();
                String from = outcome.cachedFrom();
                if (from != null) {
                    run.cachedFrom(from);
                    state = State.CACHED;
                }
            } else {
                // a run made here and started at once (not one that waited in a queue) reads the clock once for both
                result = runAttempts(run, outer, inline, held);
            }
        } catch (Failure f) {
            boolean mine = future == null || future.claimEnd(); // else a cancel ended the run
            if (mine) {
                end(run, f.verdict, f.error);
            }
            if (f.verdict == State.CRASHED && f.error instanceof Error e) {
                throw e;
            }
            if (f.interrupted && mine) {
                Thread.currentThread().interrupt();
            }
            throw taskFailed(run, f.error, f.stoppedBecause);
        } catch (RuntimeException | Error fault) {
            // a fault outside the body's attempts (in the cache's bookkeeping, say): the run still ends, never PENDING for ever
            State verdict = fault instanceof Error ? State.CRASHED : State.FAILED;
            if (future == null || future.claimEnd()) {
                end(run, verdict, fault);
            }
            if (fault instanceof Error e) {
                throw e;
            }
            throw taskFailed(run, fault);
        }
        if (future == null || future.claimEnd()) {
            end(run, state, null);
        }
        return result;
    }

    /** How a task run failed, carried from where it was decided to where the run ends. */
    static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final State verdict;
        final transient Throwable error;
        final @Nullable String stoppedBecause;
        /** Whether the run was cancelled by an interrupt of this thread, whose status the caller must get back. */
        final boolean interrupted;

        Failure(State verdict, Throwable error) {
            this(verdict, error, null, verdict == State.CANCELLED && interruptedHere(error));
        }

        Failure(State verdict, Throwable error, @Nullable String stoppedBecause, boolean interrupted) {
            super(null, null, false, false);
            this.verdict = verdict;
            this.error = error;
            this.stoppedBecause = stoppedBecause;
            this.interrupted = interrupted;
        }
    }

    /** The attempts of a task run: its result, or a {@link Failure}; does not end the run. */
    private static @Nullable Object runAttempts(TaskRunRecord run, Frame outer, boolean startsWhenCreated,
            @Nullable Dispatcher held) {
        Spec spec = run.spec;
        RetryPolicy policy = spec.retryPolicy();
        int retries = Retrier.retriesHere(policy); // a prebuilt task's default policy yields to enclosing retries
        boolean retrying = outer.retrying || retries > 0;
        // the body's frame of the first attempt (later attempts get their own: see Frame.attempt)
        Frame inner = new Frame(run.runtime, outer.flow, run, run.tags, retrying, held, 1);
        TaskAttempts attempts = new TaskAttempts(run, policy, inner);
        attempts.startsWhenCreated = startsWhenCreated;
        try {
            if (policy.maxDuration().isPresent()) {
                return Retrier.run(policy, retries, false, attempts, attempts);
            }
            // Without an overall deadline the loop keeps nothing from the first attempt but its failure,
            // so the first attempt runs here and the loop takes over only when it fails.
            Throwable first;
            try {
                return attempts.run(1);
            } catch (Throwable t) {
                first = t;
            }
            return Retrier.run(policy, retries, false, n -> {
                if (n == 1) {
                    throw first;
                }
                return attempts.run(n);
            }, attempts);
        } catch (Throwable error) {
            State verdict = attempts.verdict(error);
            throw new Failure(verdict, error, attempts.stoppedBecause(), verdict == State.CANCELLED && attempts.interruptedHere(error));
        }
    }

    /** One task run's attempts and its side of the retry loop, in one object. */
    private static final class TaskAttempts extends Attempts implements Retrier.Attempt<@Nullable Object> {
        private final TaskRunRecord run;
        private final Frame inner;

        /** The first attempt follows the run's creation at once: it starts at the creation's clock reading. */
        boolean startsWhenCreated;

        TaskAttempts(TaskRunRecord run, RetryPolicy policy, Frame inner) {
            super(run, policy);
            this.run = run;
            this.inner = inner;
        }

        @Override
        public @Nullable Object run(int attempt) throws Throwable {
            run.startAttempt();
            if (attempt == 1 && startsWhenCreated) {
                run.startedWhenCreated(State.RUNNING);
            } else {
                run.transition(State.RUNNING, attempt > 1 ? "attempt " + attempt : null);
            }
            fireRunningHooks(run);
            int n = run.attempts();
            Frame body = n == 1 ? inner : inner.forAttempt(n);
            if (run.spec.timeout() == null) {
                return callBody(run, body);
            }
            return invoke(run, body, () -> callBody(run, body));
        }
    }

    /** The engine's side of the retry loop: which outcomes retry, and the RETRYING state in between. */
    private static class Attempts implements Retrier.Events {
        private final RunRecord run;
        private final RetryPolicy policy;
        private @Nullable Throwable cancelledWhileWaiting;

        Attempts(RunRecord run, RetryPolicy policy) {
            this.run = run;
            this.policy = policy;
        }

        private @Nullable String stoppedBecause;

        @Override
        public boolean retryable(Throwable error) {
            if (run.runtime.isClosed()) {
                return false; // another attempt would be refused, or would repeat side effects under a closed runtime
            }
            if (run.state().isTerminal()) {
                return false; // a cancel ended the run while this attempt went on
            }
            State verdict = classify(error);
            return (verdict == State.FAILED || verdict == State.TIMED_OUT) && policy.shouldRetry(error)
                    && !(error instanceof NotificationException ne && !ne.isRetryable()); // it may have been delivered
        }

        @Override
        public void retrying(int attempt, Throwable error, Duration wait, boolean serverAsked) {
            String message = "attempt " + attempt + " failed with " + summary(error) + "; retry " + attempt
                    + " of " + policy.maxRetries() + " in " + Texts.human(wait) + (serverAsked ? " (Retry-After)" : "");
            run.transition(State.RETRYING, message);
            run.logger().warn(message);
        }

        @Override
        public void gaveUp(int attempts, Throwable error, @Nullable String reason) {
            if (reason != null) {
                stoppedBecause = reason;
                run.logger().warn("{} run '{}': {}", run.spec.kind().word(), run.name(), reason);
                error.addSuppressed(new Retrier.RetriesStopped(reason));
            }
        }

        @Override
        public @Nullable String stopAfterWait() {
            return run.runtime.isClosed()
                    ? "its runtime was closed while it waited to retry, so no retry follows (it would run under a closed runtime)"
                    : null;
        }

        /** Why the retries stopped before the policy's last one, if they did. */
        @Nullable String stoppedBecause() {
            return stoppedBecause;
        }

        @Override
        public Throwable interrupted(int attempt, Throwable error, InterruptedException interrupt) {
            CancellationException c = new CancellationException("interrupted while waiting to retry after: " + summary(error));
            c.initCause(error);
            cancelledWhileWaiting = c;
            return c;
        }

        State verdict(Throwable error) {
            return error == cancelledWhileWaiting ? State.CANCELLED : classify(error);
        }

        /** Whether {@code error} came from an interrupt of this thread (and not from a run somebody else cancelled). */
        boolean interruptedHere(Throwable error) {
            return error == cancelledWhileWaiting || Engine.interruptedHere(error);
        }
    }

    /**
     * Whether a run that ends CANCELLED with {@code error} was cancelled by an interrupt of the calling thread, whose
     * interrupt status is then given back to the caller. A body that joined a run somebody cancelled was not
     * interrupted: its caller's thread (a worker's, an application's) is left as it was.
     */
    static boolean interruptedHere(Throwable error) {
        return error instanceof InterruptedException || Thread.currentThread().isInterrupted();
    }

    static TaskFailedException taskFailed(TaskRunRecord run, Throwable error) {
        return taskFailed(run, error, null);
    }

    static TaskFailedException taskFailed(TaskRunRecord run, Throwable error, @Nullable String stoppedBecause) {
        String how = run.attempts() == 0
                ? (error instanceof CacheKeyException ? " before its first attempt, because its cache key could not be computed: "
                        : " before its first attempt: ")
                : " after " + Texts.plural(run.attempts(), "attempt") + ": ";
        String message = "task '" + run.spec.name() + "' (run '" + run.name() + "') ended " + run.state() + how
                + summary(error) + (stoppedBecause == null ? "" : "; " + stoppedBecause);
        return new TaskFailedException(run, message, error);
    }

    // ---------------------------------------------------------------- flows

    /** Runs a flow on the calling thread and returns its record; never throws for a failed run. */
    public static FlowRunRecord runFlow(Spec spec, @Nullable Object[] args) {
        Frame frame = Frame.current();
        FlowRunRecord parent = frame.flow;
        RuntimeState runtime = frame.state();
        runtime.refuseIfClosed();
        refuseIfAttemptOver(frame);
        Set<String> tags = Frame.union(frame.tags(), spec.tags());
        FlowRunRecord run = new FlowRunRecord(runtime, spec, spec.prepare(args), tags, parent);
        if (parent != null) {
            parent.addSubflow(run);
        }
        run.announce();
        Frame inner = new Frame(run.runtime, run, null, tags, false, frame.held);
        RetryPolicy policy = spec.retryPolicy();
        Attempts events = new Attempts(run, policy) {
            @Override
            public boolean retryable(Throwable error) {
                boolean retry = super.retryable(error);
                settleSubmitted(run, classify(error) != State.FAILED ? error : null);
                return retry;
            }
        };
        try {
            Object result = Retrier.run(policy, policy.maxRetries(), false, attempt -> {
                run.startAttempt();
                run.transition(State.RUNNING, attempt > 1 ? "attempt " + attempt : null);
                fireRunningHooks(run);
                Frame body = inner.forAttempt(run.attempts());
                return invoke(run, body, () -> {
                    Object r = callBody(run, body);
                    awaitSubmitted(run);
                    return r;
                });
            }, events);
            run.succeed(result);
            end(run, State.COMPLETED, null);
        } catch (Throwable error) {
            boolean interrupted = events.interruptedHere(error);
            State verdict = events.verdict(error);
            settleSubmitted(run, verdict != State.FAILED ? error : null);
            if (run.claimEnd()) { // else ended from outside (its parent flow run timed out): that end stands
                run.keepFailure(error);
                endClaimed(run, verdict, error);
            }
            if (verdict == State.CANCELLED && interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return run;
    }

    /** The exception {@code flow.run} throws for a run that did not complete. */
    public static FlowFailedException flowFailed(FlowRunRecord run) {
        Throwable cause = run.failure();
        String message = "flow '" + run.spec.name() + "' (run '" + run.name() + "') ended " + run.state()
                + " after " + Texts.plural(run.attempts(), "attempt")
                + (cause == null ? "" : ": " + summary(cause));
        return new FlowFailedException(run, message, cause);
    }

    /** Waits for every run the flow submitted; a failure nobody joined fails the flow. */
    private static void awaitSubmitted(FlowRunRecord run) throws InterruptedException {
        Throwable unseen = null;
        TaskFutureImpl<?> f;
        while ((f = run.futures.poll()) != null) {
            f.await();
            if (unseen == null && f.failedUnobserved()) {
                unseen = f.failureCause();
            }
        }
        if (unseen instanceof Error e) {
            throw e;
        }
        if (unseen != null) {
            throw new TaskFutureException("a submitted task run failed and its future was never joined: "
                    + unseen.getMessage(), unseen);
        }
    }

    /**
     * After a failed attempt: waits for the runs it submitted (so none runs on unseen), or, when
     * the flow was cancelled, timed out or crashed ({@code stopped} is why), cancels them, and ends
     * the runs its body called that still go on (see {@link #cancelDetached}).
     */
    private static void settleSubmitted(FlowRunRecord run, @Nullable Throwable stopped) {
        boolean cancel = stopped != null;
        TaskFutureImpl<?> f;
        boolean interrupted = false;
        while ((f = run.futures.poll()) != null) {
            f.observed = true;
            if (cancel) {
                if (!f.cancel()) {
                    // it was ending as the flow stopped (on the flow body's own thread, say, which joined it
                    // and was interrupted)
                    awaitLastChange(f.record);
                }
                continue;
            }
            try {
                f.await();
            } catch (InterruptedException e) {
                interrupted = true;
                f.cancel();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (stopped != null) {
            cancelDetached(run, stopped);
        }
    }

    /**
     * Ends CANCELLED the task runs and subflow runs of {@code run} still going on once its attempt
     * stopped: runs its body called (not submitted) on a thread that went on past the timeout or
     * cancellation, detached from the run. Without this the flow run would end TIMED_OUT with a
     * task run of its own still RUNNING (and later COMPLETED after it), and
     * {@code failedTaskRun()} would not name the run that held it up.
     */
    private static void cancelDetached(FlowRunRecord run, Throwable stopped) {
        String why = "its flow run '" + run.name() + "' stopped while it ran: " + summary(stopped);
        for (dev.sluice.TaskRun t : run.taskRuns()) {
            if (!t.state().isTerminal() && t instanceof TaskRunRecord task) {
                CancellationException cancelled = new CancellationException(why);
                if (task.endFromOutside(State.CANCELLED, cancelled, summary(cancelled))) {
                    ended(task, State.CANCELLED, cancelled);
                } else {
                    awaitLastChange(task); // its own thread, woken by the stop's interrupt, is ending it
                }
            }
        }
        for (dev.sluice.FlowRun<?> sub : run.subflowRuns()) {
            if (!sub.state().isTerminal() && sub instanceof FlowRunRecord subflow) {
                CancellationException cancelled = new CancellationException(why);
                settleSubmitted(subflow, cancelled);
                if (subflow.endFromOutside(State.CANCELLED, cancelled, summary(cancelled))) {
                    subflow.keepFailure(cancelled);
                    ended(subflow, State.CANCELLED, cancelled);
                } else {
                    awaitLastChange(subflow);
                }
            }
        }
    }

    /**
     * Waits (at most the hook timeout) for the last state change of a run whose end another thread claimed: the
     * flow that stopped ends after it, so its caller never sees a run of it still going. That change comes at
     * once, before the run's hooks: this waits for it, not for them.
     */
    private static void awaitLastChange(RunRecord run) {
        long start = System.nanoTime();
        long bound = run.runtime.hookTimeout().toNanos();
        while (!run.state().isTerminal() && System.nanoTime() - start < bound) {
            java.util.concurrent.locks.LockSupport.parkNanos(50_000);
        }
    }

    // ---------------------------------------------------------------- shared

    @FunctionalInterface
    private interface Body {
        @Nullable Object call() throws Exception;
    }

    private static @Nullable Object callBody(RunRecord run, Frame inner) throws Exception {
        if (run instanceof TaskRunRecord && Thread.currentThread().isInterrupted()) {
            // a cancel (an interrupt) that came while the previous task ran without blocking: this task boundary
            // is where the flow sees it, before any work of this task
            throw new InterruptedException("interrupted before task '" + run.spec.name() + "' started: the run is being cancelled");
        }
        if (run.runtime.entersRuns()) {
            // a recorder puts something in force around the body (a tracing context): decided once per runtime
            dev.sluice.RunRecorder.Scope scope = run.runtime.recorder().enter(run);
            try {
                return callBodyInFrame(run, inner);
            } finally {
                scope.close();
            }
        }
        return callBodyInFrame(run, inner);
    }

    private static @Nullable Object callBodyInFrame(RunRecord run, Frame inner) throws Exception {
        Frame previous = Frame.enter(inner);
        if (!MdcState.ON) {
            try {
                return run.spec.invoker().invoke(run.args());
            } finally {
                Frame.restore(previous);
            }
        }
        String prevFlow = MDC.get(RunLogger.MDC_FLOW_RUN);
        String prevTask = MDC.get(RunLogger.MDC_TASK_RUN);
        FlowRunRecord flow = inner.flow;
        RunLogger.Mdc.put(RunLogger.MDC_FLOW_RUN, flow == null ? null : flow.id());
        RunLogger.Mdc.put(RunLogger.MDC_TASK_RUN, inner.task == null ? null : inner.task.id());
        try {
            return run.spec.invoker().invoke(run.args());
        } finally {
            RunLogger.Mdc.put(RunLogger.MDC_FLOW_RUN, prevFlow);
            RunLogger.Mdc.put(RunLogger.MDC_TASK_RUN, prevTask);
            Frame.restore(previous);
        }
    }

    /**
     * Whether the SLF4J binding keeps an MDC at all: with none (slf4j-nop, no binding) the run ids are
     * not put there, which spares making their text for every run.
     */
    private static final class MdcState {
        static final boolean ON = !(MDC.getMDCAdapter() instanceof org.slf4j.helpers.NOPMDCAdapter);
    }

    /**
     * Calls {@code body} inline, or, when the run has a timeout, on a worker thread that the caller
     * stops waiting for at the deadline (and interrupts), whether or not the body cooperates.
     */
    private static @Nullable Object invoke(RunRecord run, Frame inner, Body body) throws Throwable {
        Duration timeout = run.spec.timeout();
        if (timeout == null) {
            return body.call();
        }
        run.extras().attemptDeadline = System.nanoTime() + timeout.toNanos();
        Future<Object> future;
        try {
            future = run.runtime.workers().timed().submit(body::call);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw run.runtime.isClosed() ? run.runtime.closedError() : e;
        }
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw e.getCause();
        } catch (TimeoutException e) {
            run.stopAttempt(inner.attempt); // before the interrupt: the body it wakes starts no runs in this run
            future.cancel(true);
            throw new RunTimeoutException(run.spec.kind().word() + " '" + run.spec.name() + "' (run '" + run.name() + "')", timeout);
        } catch (InterruptedException e) {
            run.stopAttempt(inner.attempt);
            future.cancel(true);
            throw e;
        }
    }

    private static State classify(Throwable error) {
        if (error instanceof Error) {
            return State.CRASHED;
        }
        if (error instanceof InterruptedException || error instanceof CancellationException
                || Thread.currentThread().isInterrupted()
                || (error instanceof TaskFailedException tf && tf.state() == State.CANCELLED)
                || (error instanceof FlowFailedException ff && ff.state() == State.CANCELLED)) {
            return State.CANCELLED;
        }
        if (error instanceof RunTimeoutException) {
            return State.TIMED_OUT;
        }
        return State.FAILED;
    }

    static void end(RunRecord run, State state, @Nullable Throwable error) {
        if (run.claimEnd()) { // else ended from outside meanwhile (its flow run timed out, say): that end stands
            endClaimed(run, state, error);
        }
    }

    /** {@link #end} by the thread that claimed the run's end ({@link RunRecord#claimEnd}). */
    private static void endClaimed(RunRecord run, State state, @Nullable Throwable error) {
        if (error != null) {
            run.fail(error);
        }
        run.transition(state, error == null ? null : summary(error));
        ended(run, state, error);
    }

    /** What follows a run's last state change: the log line of a failure, the hooks. */
    private static void ended(RunRecord run, State state, @Nullable Throwable error) {
        if (error != null) {
            String what = run.spec.kind().word() + " run '" + run.name() + "' ended " + state + " after "
                    + Texts.plural(run.attempts(), "attempt");
            try {
                if (state == State.CANCELLED) {
                    run.logger().warn("{}: {}", what, summary(error));
                } else {
                    run.logger().error(what, error);
                }
            } catch (RuntimeException logFailure) {
                // a broken logging backend must not change the run's outcome
                error.addSuppressed(logFailure);
            }
        }
        if (run.spec.hasHooks()) {
            List<HookEvent> events = new ArrayList<>(2);
            for (HookEvent event : HookEvent.values()) {
                if (event != HookEvent.RUNNING && event.firesOn(state) && !run.spec.hooks(event).isEmpty()) {
                    events.add(event);
                }
            }
            if (!events.isEmpty()) {
                fireWithDeadline(run, events);
            }
        }
        run.dropAttributes();
    }

    private static void fireRunningHooks(RunRecord run) {
        if (run.spec.hasHooks() && !run.spec.hooks(HookEvent.RUNNING).isEmpty() && !run.state().isTerminal()) {
            fireWithDeadline(run, List.of(HookEvent.RUNNING));
        }
    }

    /**
     * Calls the hooks of {@code events} on a thread of their own, in the caller's context, and waits
     * for them at most the runtime's hook timeout (for all of them together): past it the run goes
     * on (or its outcome is returned) and the hooks still running are logged as late, once now and
     * again when they end.
     */
    private static void fireWithDeadline(RunRecord run, List<HookEvent> events) {
        Duration limit = run.runtime.hookTimeout();
        Frame context = hookContext(run);
        long started = System.nanoTime();
        java.util.concurrent.atomic.AtomicBoolean late = new java.util.concurrent.atomic.AtomicBoolean();
        Future<?> hooks;
        run.runtime.hookStarted(); // closing the runtime waits for it, late or not
        try {
            hooks = run.runtime.workers().timed().submit(() -> {
                Frame previous = Frame.enter(context);
                try {
                    for (HookEvent event : events) {
                        fire(run, event);
                    }
                } finally {
                    Frame.restore(previous);
                    if (late.get()) {
                        run.logger().warn("the late {} hook(s) of {} run '{}' ended after {}", names(events),
                                run.spec.kind().word(), run.name(), Texts.human(Duration.ofNanos(System.nanoTime() - started)));
                    }
                    run.runtime.hookEnded();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            run.runtime.hookEnded();
            for (HookEvent event : events) {
                fire(run, event); // the runtime is closing: call them here
            }
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                hooks.get(Math.max(0, limit.toNanos() - (System.nanoTime() - started)), TimeUnit.NANOSECONDS);
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the hooks still get their time; the interrupt is kept for the caller
            } catch (ExecutionException e) {
                // fire() logs what hooks throw; only what escaped it (a failure of the logging itself) gets here
                LoggerFactory.getLogger(Engine.class).error("the {} hook(s) of {} run '{}' failed", names(events),
                        run.spec.kind().word(), run.name(), e.getCause());
                break;
            } catch (TimeoutException e) {
                late.set(true);
                run.logger().warn("{} hook(s) of {} '{}' (run '{}') still running after {} (the hook timeout): the run's"
                        + " outcome is not held back; they go on in the background and are logged when they end",
                        names(events), run.spec.kind().word(), run.spec.name(), run.name(), Texts.human(limit));
                break;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The context a run's hooks see: the run's runtime, and the runs it was started from. Taken from
     * the run's record, not from the calling thread, which for a submitted run is a worker (or a
     * thread that joined it) and knows nothing of the flow.
     */
    private static Frame hookContext(RunRecord run) {
        if (run instanceof TaskRunRecord task) {
            RunRecord.Extras x = task.extras;
            return new Frame(task.runtime, task.flow, x == null ? null : x.parentTask, Set.of(), false, null);
        }
        return Frame.current().capture(); // a flow run ends on the thread that called it
    }

    private static String names(List<HookEvent> events) {
        StringBuilder sb = new StringBuilder();
        for (HookEvent e : events) {
            sb.append(sb.length() == 0 ? "" : "/").append(e.method());
        }
        return sb.toString();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void fire(RunRecord run, HookEvent event) {
        for (Hook hook : run.spec.hooks(event)) {
            boolean wasInterrupted = Thread.interrupted();
            try {
                hook.call((Run) run);
            } catch (Throwable t) {
                if (t instanceof VirtualMachineError) {
                    // a stack overflow (or out of memory) in the hook: said loudly, and the next hooks still run
                    try {
                        run.logger().error("{} hook of {} '{}' (run '{}') crashed with {}; the run's outcome is unchanged",
                                event.method(), run.spec.kind().word(), run.spec.name(), run.name(), summary(t), t);
                    } catch (Throwable logFailure) {
                        t.addSuppressed(logFailure);
                    }
                    continue;
                }
                if (t instanceof NotificationException) {
                    // a Notify that raises on failure (raiseOnFailure): a notification that never went out is an error
                    run.logger().error("{} hook of {} '{}' (run '{}') could not notify: {}; the run's outcome is unchanged",
                            event.method(), run.spec.kind().word(), run.spec.name(), run.name(), summary(t), t);
                } else {
                    run.logger().warn("{} hook of {} '{}' (run '{}') failed; the run's outcome is unchanged",
                            event.method(), run.spec.kind().word(), run.spec.name(), run.name(), t);
                }
            } finally {
                if (wasInterrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** {@code Type: message}, masked, for state messages and exception messages. */
    static String summary(Throwable t) {
        return Texts.summary(t);
    }

}
