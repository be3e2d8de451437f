package dev.sluice.internal;

import dev.sluice.FlowFailedException;
import dev.sluice.Hook;
import dev.sluice.RetryPolicy;
import dev.sluice.Run;
import dev.sluice.RunTimeoutException;
import dev.sluice.SluiceException;
import dev.sluice.State;
import dev.sluice.TaskFailedException;
import dev.sluice.TaskFuture;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * Runs tasks and flows: state transitions, retries, timeouts, hooks, submitted runs and the
 * thread context that ties a task run to its flow run.
 */
public final class Engine {
    private static final AtomicLong STANDALONE_SEQ = new AtomicLong();

    private Engine() {
    }

    // ---------------------------------------------------------------- tasks

    /** Runs a task on the calling thread (its body on another thread only when it has a timeout). */
    public static @Nullable Object runTask(Spec spec, @Nullable Object[] args) {
        Frame frame = Frame.current();
        TaskRunRecord run = newTaskRun(spec, args, frame, State.PENDING);
        return executeTask(run, frame);
    }

    /** Starts a task run concurrently; inside a flow, bounded by the flow's max concurrency. */
    public static <R> TaskFuture<R> submitTask(Spec spec, @Nullable Object[] args) {
        Frame frame = Frame.current();
        TaskRunRecord run = newTaskRun(spec, args, frame, State.SCHEDULED);
        TaskFutureImpl<R> future = new TaskFutureImpl<>(run);
        Runnable job = () -> {
            if (!future.start()) {
                CancellationException cancelled = new CancellationException("cancelled before it started");
                end(run, State.CANCELLED, cancelled);
                future.done.completeExceptionally(taskFailed(run, cancelled));
                return;
            }
            try {
                future.done.complete(executeTask(run, frame));
            } catch (Throwable t) {
                future.done.completeExceptionally(t);
            } finally {
                future.finished();
            }
        };
        FlowRunRecord flow = frame.flow;
        if (flow != null) {
            flow.futures.add(future);
            flow.dispatcher.submit(job);
        } else {
            Workers.executor().execute(job);
        }
        return future;
    }

    private static TaskRunRecord newTaskRun(Spec spec, @Nullable Object[] args, Frame frame, State initial) {
        FlowRunRecord flow = frame.flow;
        long seq = flow != null ? flow.nextTaskSeq() : STANDALONE_SEQ.getAndIncrement();
        Set<String> tags = Frame.union(frame.tags, spec.tags());
        TaskRunRecord run = new TaskRunRecord(spec, args, tags, initial, flow, frame.task, seq);
        if (flow != null) {
            flow.addTaskRun(run);
        }
        run.announce();
        return run;
    }

    private static @Nullable Object executeTask(TaskRunRecord run, Frame outer) {
        if (CacheEngine.applies(run.spec)) {
            return CacheEngine.execute(run, () -> runAttempts(run, outer));
        }
        return runAttempts(run, outer);
    }

    private static @Nullable Object runAttempts(TaskRunRecord run, Frame outer) {
        Spec spec = run.spec;
        RetryPolicy policy = spec.retryPolicy();
        Frame inner = new Frame(outer.flow, run, run.tags);
        while (true) {
            int attempt = run.startAttempt();
            run.transition(State.RUNNING, attempt > 1 ? "attempt " + attempt : null);
            fireRunningHooks(run);
            Throwable error;
            try {
                Object result = invoke(run, inner, () -> callBody(run, inner));
                end(run, State.COMPLETED, null);
                return result;
            } catch (Throwable t) {
                error = t;
            }
            State verdict = classify(error);
            if (verdict == State.FAILED || verdict == State.TIMED_OUT) {
                if (attempt <= policy.maxRetries() && policy.shouldRetry(error)) {
                    if (!awaitRetry(run, error, attempt, policy)) {
                        verdict = State.CANCELLED;
                        error = new CancellationException("interrupted while waiting to retry after: " + summary(error));
                    } else {
                        continue;
                    }
                }
            }
            end(run, verdict, error);
            if (verdict == State.CRASHED) {
                throw (Error) error;
            }
            if (verdict == State.CANCELLED) {
                Thread.currentThread().interrupt();
            }
            throw taskFailed(run, error);
        }
    }

    static TaskFailedException taskFailed(TaskRunRecord run, Throwable error) {
        String message = "task '" + run.spec.name() + "' (run '" + run.name() + "') ended " + run.state()
                + " after " + Texts.plural(run.attempts(), "attempt") + ": " + summary(error);
        return new TaskFailedException(run, message, error);
    }

    // ---------------------------------------------------------------- flows

    /** Runs a flow on the calling thread and returns its record; never throws for a failed run. */
    public static FlowRunRecord runFlow(Spec spec, @Nullable Object[] args) {
        Frame frame = Frame.current();
        FlowRunRecord parent = frame.flow;
        Set<String> tags = Frame.union(frame.tags, spec.tags());
        FlowRunRecord run = new FlowRunRecord(spec, args, tags, parent);
        if (parent != null) {
            parent.addSubflow(run);
        }
        run.announce();
        Frame inner = new Frame(run, null, tags);
        RetryPolicy policy = spec.retryPolicy();
        while (true) {
            int attempt = run.startAttempt();
            run.transition(State.RUNNING, attempt > 1 ? "attempt " + attempt : null);
            fireRunningHooks(run);
            Throwable error;
            try {
                Object result = invoke(run, inner, () -> {
                    Object r = callBody(run, inner);
                    awaitSubmitted(run);
                    return r;
                });
                run.succeed(result);
                end(run, State.COMPLETED, null);
                return run;
            } catch (Throwable t) {
                error = t;
            }
            State verdict = classify(error);
            settleSubmitted(run, verdict != State.FAILED);
            if ((verdict == State.FAILED || verdict == State.TIMED_OUT)
                    && attempt <= policy.maxRetries() && policy.shouldRetry(error)) {
                if (awaitRetry(run, error, attempt, policy)) {
                    continue;
                }
                verdict = State.CANCELLED;
                error = new CancellationException("interrupted while waiting to retry after: " + summary(error));
            }
            run.failWith(error);
            end(run, verdict, error);
            if (verdict == State.CANCELLED) {
                Thread.currentThread().interrupt();
            }
            return run;
        }
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
            throw new SluiceException("a submitted task run failed and its future was never joined: "
                    + unseen.getMessage(), unseen);
        }
    }

    /**
     * After a failed attempt: waits for the runs it submitted (so none runs on unseen), or, when
     * the flow was cancelled, timed out or crashed, cancels them.
     */
    private static void settleSubmitted(FlowRunRecord run, boolean cancel) {
        TaskFutureImpl<?> f;
        boolean interrupted = false;
        while ((f = run.futures.poll()) != null) {
            f.observed = true;
            if (cancel) {
                f.cancel();
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
    }

    // ---------------------------------------------------------------- shared

    @FunctionalInterface
    private interface Body {
        @Nullable Object call() throws Exception;
    }

    private static @Nullable Object callBody(RunRecord run, Frame inner) throws Exception {
        Frame previous = Frame.enter(inner);
        String prevFlow = MDC.get(RunLogger.MDC_FLOW_RUN);
        String prevTask = MDC.get(RunLogger.MDC_TASK_RUN);
        FlowRunRecord flow = inner.flow;
        RunLogger.Mdc.put(RunLogger.MDC_FLOW_RUN, flow == null ? null : flow.id);
        RunLogger.Mdc.put(RunLogger.MDC_TASK_RUN, inner.task == null ? null : inner.task.id);
        try {
            return run.spec.invoker().invoke(run.args);
        } finally {
            RunLogger.Mdc.put(RunLogger.MDC_FLOW_RUN, prevFlow);
            RunLogger.Mdc.put(RunLogger.MDC_TASK_RUN, prevTask);
            Frame.restore(previous);
        }
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
        Future<Object> future = Workers.executor().submit(body::call);
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw e.getCause();
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new RunTimeoutException(run.spec.kind().word() + " '" + run.spec.name() + "' (run '" + run.name() + "')", timeout);
        } catch (InterruptedException e) {
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

    /** Records the retry and waits its delay; false if interrupted while waiting. */
    private static boolean awaitRetry(RunRecord run, Throwable error, int attempt, RetryPolicy policy) {
        Duration delay = policy.delayBefore(attempt);
        String message = "attempt " + attempt + " failed with " + summary(error) + "; retry " + attempt
                + " of " + policy.maxRetries() + " in " + Texts.human(delay);
        run.transition(State.RETRYING, message);
        run.logger().warn(message);
        try {
            Settings.sleeper().sleep(delay);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    static void end(RunRecord run, State state, @Nullable Throwable error) {
        if (error != null) {
            run.fail(error);
        }
        run.transition(state, error == null ? null : summary(error));
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
            for (HookEvent event : HookEvent.values()) {
                if (event != HookEvent.RUNNING && event.firesOn(state)) {
                    fire(run, event);
                }
            }
        }
    }

    private static void fireRunningHooks(RunRecord run) {
        if (run.spec.hasHooks()) {
            fire(run, HookEvent.RUNNING);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void fire(RunRecord run, HookEvent event) {
        for (Hook hook : run.spec.hooks(event)) {
            boolean wasInterrupted = Thread.interrupted();
            try {
                hook.call((Run) run);
            } catch (Throwable t) {
                if (t instanceof VirtualMachineError vme) {
                    throw vme;
                }
                run.logger().warn("{} hook of {} '{}' (run '{}') failed; the run's outcome is unchanged",
                        event.method(), run.spec.kind().word(), run.spec.name(), run.name(), t);
            } finally {
                if (wasInterrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** {@code Type: message}, masked, for state messages and exception messages. */
    static String summary(Throwable t) {
        String message = t.getMessage();
        String type = t instanceof SluiceException ? t.getClass().getSimpleName() : t.getClass().getName();
        return Masker.mask(message == null || message.isEmpty() ? type : type + ": " + message);
    }

}
