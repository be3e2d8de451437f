package dev.sluice.internal;

import dev.sluice.TaskFutureException;
import dev.sluice.TaskFuture;
import dev.sluice.TaskRun;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A submitted task run's future. Small, since a flow may hold a million: the outcome is one field
 * (waiters wait on the future's monitor), the claim one int, and a {@link CompletableFuture} is made
 * only when {@link #toCompletableFuture()} asks for one.
 */
public final class TaskFutureImpl<R> implements TaskFuture<R> {
    private static final VarHandle CLAIMED;
    private static final VarHandle OUTCOME;
    private static final Object NULL = new Object();
    /**
     * The outcome while the thread that claimed the end of the run (the one running it, or a
     * cancel) ends the run's record: not yet an outcome, but nobody else may end the run any more.
     */
    private static final Object ENDING = new Object();
    /** As {@link #ENDING}, for a cancel: the thread running the run cannot take it for its own. */
    private static final Object CANCELLING = new Object();

    static {
        try {
            CLAIMED = MethodHandles.lookup().findVarHandle(TaskFutureImpl.class, "claimed", int.class);
            OUTCOME = MethodHandles.lookup().findVarHandle(TaskFutureImpl.class, "outcome", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final TaskRunRecord record;
    /** Null while running; {@link #ENDING} or {@link #CANCELLING} while the run's end is made; then the result ({@link #NULL} for null) or a {@link Failed}. */
    private volatile @Nullable Object outcome;
    private volatile @Nullable Thread runner;
    private volatile boolean cancelled;
    volatile boolean observed;
    /** The context the run was submitted from, until it has run. */
    @Nullable Frame submittedFrom;
    /** 1 once a worker or a joining thread took the run up. */
    private volatile int claimed;
    /** Whether a thread waits on this future's monitor (set under it): only then does completing it notify. */
    private volatile boolean waiters;
    private volatile @Nullable CompletableFuture<R> completable;

    /** A failed outcome. */
    private record Failed(Throwable error) {
    }

    TaskFutureImpl(TaskRunRecord record, Frame submittedFrom) {
        this.record = record;
        this.submittedFrom = submittedFrom;
    }

    /** The job a worker runs: the run, unless a joining thread has already taken it. */
    void runOnWorker() {
        if (CLAIMED.compareAndSet(this, 0, 1)) {
            FlowRunRecord flow = record.flow;
            runHere(flow == null ? null : flow.dispatcher, true); // the pump that runs this holds a slot of it
        }
    }

    /**
     * Runs the body itself if no worker has started it yet, so a run that waits for a queued run
     * never waits on a pool that may be full of such waiters (no deadlock); under a bound only if
     * the joining run holds a slot of the bound, which it lends while it waits. With {@code aside},
     * on a thread of its own (so a join with a timeout still stops waiting at its deadline), else
     * on the calling thread.
     */
    private void runIfNotStarted(boolean aside) {
        if (claimed != 0) {
            return;
        }
        Dispatcher held = Frame.current().held; // the joining run's slot, whichever thread its body is on
        FlowRunRecord flow = record.flow;
        if ((flow != null && !flow.dispatcher.mayRunInline(held)) || !CLAIMED.compareAndSet(this, 0, 1)) {
            return;
        }
        if (aside) {
            try {
                record.runtime.workers().timed().execute(() -> runHere(held, true));
                return;
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                // the runtime closed: run it here
            }
        }
        runHere(held, false);
    }

    private void runHere(@Nullable Dispatcher held, boolean onWorker) {
        runner = Thread.currentThread(); // cancel() reads it under the lock; clearing it (below) takes the lock
        boolean wasInterrupted = !onWorker && Thread.interrupted();
        java.util.Map<String, String> mdc = onWorker ? RunLogger.Mdc.save() : null;
        try {
            Frame frame = submittedFrom;
            submittedFrom = null;
            if (frame != null) {
                Engine.runSubmitted(this, frame, held);
            }
        } finally {
            synchronized (this) {
                runner = null;
                Thread.interrupted(); // do not leak a late cancel's interrupt into the thread's next job
            }
            if (onWorker) {
                RunLogger.Mdc.reset(mdc); // nor the MDC entries a body left behind
            }
            if (wasInterrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Ends a run that can never start, because its runtime closed as it was submitted: FAILED with
     * {@code error}, which the submitter is thrown (so it counts as seen).
     */
    void abandon(Throwable error) {
        if (CLAIMED.compareAndSet(this, 0, 1) && claimEnd()) {
            submittedFrom = null;
            observed = true;
            Engine.end(record, dev.sluice.State.FAILED, error);
            completeExceptionally(Engine.taskFailed(record, error));
        }
    }

    boolean isCancelled() {
        return cancelled;
    }

    /**
     * Claims the end of the run for the thread running it, before it ends the run's record: false if
     * a cancel claimed it first (and ends the run itself), so that thread must leave the record be.
     */
    boolean claimEnd() {
        return OUTCOME.compareAndSet(this, null, ENDING);
    }

    /** Ends the future with {@code value}, unless a cancel ended it; false if it had ended. */
    boolean complete(@Nullable Object value) {
        return finish(value == null ? NULL : value);
    }

    /** Ends the future with {@code error}, unless a cancel ended it; false if it had ended. */
    boolean completeExceptionally(Throwable error) {
        return finish(new Failed(error));
    }

    /** Called by the thread that claimed the end, or one that ends the future without having claimed it. */
    private boolean finish(Object result) {
        if (outcome == ENDING) {
            outcome = result; // only the thread running the run claims with ENDING: this one
        } else if (!OUTCOME.compareAndSet(this, null, result)) {
            return false;
        }
        publish(result);
        return true;
    }

    /** Wakes the waiters of the outcome just set and passes it on to the completable view. */
    private void publish(Object result) {
        if (waiters) {
            synchronized (this) {
                notifyAll();
            }
        }
        CompletableFuture<R> cf = completable;
        if (cf != null) {
            pass(result, cf);
        }
    }

    private static boolean ended(@Nullable Object o) {
        return o != null && o != ENDING && o != CANCELLING;
    }

    @SuppressWarnings("unchecked")
    private static <R> void pass(Object result, CompletableFuture<R> cf) {
        if (result instanceof Failed f) {
            cf.completeExceptionally(f.error());
        } else {
            cf.complete(result == NULL ? null : (R) result);
        }
    }

    /** The outcome, waiting for it. */
    private Object outcome() throws InterruptedException {
        Object o = outcome;
        if (ended(o)) {
            return o;
        }
        synchronized (this) {
            waiters = true;
            while (!ended(o = outcome)) {
                wait();
            }
        }
        return o;
    }

    /**
     * Refuses a wait without a deadline from the run's own body (or a thread given its context), or
     * from a run that body called on the same thread (a task run it ran with {@code run}): the
     * outcome comes only once that body returned, so the wait would never end.
     */
    void refuseSelfJoin() {
        if (ended(outcome)) {
            return; // nothing to wait for: a stage run as the outcome is published (on the runner's thread) may join
        }
        if (Frame.current().task() == record) {
            throw new IllegalStateException(record + " cannot wait for itself: join() was called from its own body,"
                    + " which would wait for ever (its outcome comes only once the body returned)");
        }
        if (runner == Thread.currentThread()) { // only this thread sets itself as the runner: no race
            throw new IllegalStateException(record + " cannot be waited for by a run its own body called on the"
                    + " same thread: that run would wait for ever (the outcome comes only once the body returned)");
        }
    }

    @Override
    public @Nullable R join() {
        refuseSelfJoin();
        runIfNotStarted(false); // no worker took it yet: run it here rather than wait on a pool that may be full of waiters
        try {
            Object o = outcome();
            observed = true; // the outcome, failure or not, is handed to the caller
            return value(o);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TaskFutureException("interrupted while waiting for " + record, e);
        }
    }

    @Override
    public @Nullable R join(Duration timeout) {
        java.util.Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be >= 0, was " + timeout);
        }
        long start = System.nanoTime();
        long nanos = Durations.capped(timeout).toNanos(); // a join of ChronoUnit.FOREVER waits as good as forever
        runIfNotStarted(true); // no worker took it yet: start it (lending this run's slot) rather than wait on the pool
        try {
            Object o = awaitOutcome(start, nanos);
            if (o == null) {
                String why = claimed == 0 ? " has not started after waiting " + timeout + ": it is still queued"
                        : " still running after waiting " + timeout;
                throw new TaskFutureException(record + why, new java.util.concurrent.TimeoutException());
            }
            observed = true; // only an outcome handed over counts: a join that timed out saw nothing
            return value(o);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TaskFutureException("interrupted while waiting for " + record, e);
        }
    }

    /** The outcome, waiting at most {@code nanos} from {@code start}; null if it did not come. */
    @Nullable Object awaitOutcome(long start, long nanos) throws InterruptedException {
        Object o = outcome;
        if (!ended(o)) {
            synchronized (this) {
                waiters = true;
                long left;
                while (!ended(o = outcome) && (left = nanos - (System.nanoTime() - start)) > 0) {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                }
            }
        }
        return ended(o) ? o : null;
    }

    @SuppressWarnings("unchecked")
    private @Nullable R value(Object o) {
        if (o instanceof Failed f) {
            throw rethrow(f.error());
        }
        return o == NULL ? null : (R) o;
    }

    static RuntimeException rethrow(Throwable cause) {
        if (cause instanceof Error error) {
            throw error;
        }
        if (cause instanceof RuntimeException re) {
            return re;
        }
        return new TaskFutureException("unexpected failure", cause);
    }

    @Override
    public TaskRun run() {
        return record;
    }

    @Override
    public boolean isDone() {
        return ended(outcome);
    }

    /**
     * Cancels the run: ends it CANCELLED at once, whatever its body does after. A run not started
     * never starts; a running one is interrupted, and ends CANCELLED even if its body goes on.
     */
    @Override
    public boolean cancel() {
        boolean started;
        java.util.concurrent.@Nullable CancellationException marked = null;
        synchronized (this) {
            if (!OUTCOME.compareAndSet(this, null, CANCELLING)) {
                return false; // ended, or ending
            }
            cancelled = true;
            observed = true; // the caller chose its fate: its cancellation is no unseen failure
            started = !CLAIMED.compareAndSet(this, 0, 1);
            if (started) {
                // CANCELLED before its thread hears of it: a body woken by the interrupt starts no runs in it
                marked = Engine.markCancelled(record);
            }
            Thread t = runner;
            if (t != null) {
                t.interrupt(); // under the lock: runHere cannot clear the runner between the read and the interrupt
            }
        }
        if (!started) {
            submittedFrom = null;
        }
        Throwable failure = !started ? Engine.endCancelled(record, false)
                : marked != null ? Engine.announceCancelled(record, marked)
                : Engine.taskFailed(record, new java.util.concurrent.CancellationException("cancelled while it ran"));
        Failed result = new Failed(failure);
        outcome = result;
        publish(result);
        return true;
    }

    /** Failed and nobody joined it: the flow must not end as if all went well. */
    boolean failedUnobserved() {
        return !observed && outcome instanceof Failed;
    }

    @Override
    public CompletableFuture<R> toCompletableFuture() {
        CompletableFuture<R> cf;
        Object o;
        synchronized (this) {
            if (completable == null) {
                completable = new CompletableFuture<>();
            }
            cf = completable;
        }
        o = outcome; // read after publishing the future: a completion either sees it or is seen here
        if (ended(o)) {
            pass(o, cf);
        }
        View<R> view = new View<>(this, true); // its own: completing it does not complete this future
        cf.whenComplete((r, e) -> {
            if (e == null) {
                view.complete(r);
            } else {
                view.completeExceptionally(e);
            }
        });
        return view;
    }

    /**
     * What {@link #toCompletableFuture()} hands out, and every stage made from it. The methods that
     * hand the run's failure to the caller (join, get, getNow, exceptionally, exceptionallyCompose,
     * handle, whenComplete and their async forms) count as joining the run; thenApply, thenAccept
     * and the like do not, so a failure only they saw still fails the flow. The methods that wait
     * run a queued run as {@link #join()} does. Cancelling the view handed out cancels the run.
     */
    private static final class View<T extends @Nullable Object> extends CompletableFuture<T> {
        private final TaskFutureImpl<?> owner;
        /** The view handed out, not a stage made from it: its cancel cancels the run. */
        private final boolean root;

        View(TaskFutureImpl<?> owner, boolean root) {
            this.owner = owner;
            this.root = root;
        }

        @Override
        public <U> CompletableFuture<U> newIncompleteFuture() {
            return new View<>(owner, false);
        }

        private void seen() {
            owner.observed = true;
        }

        @Override
        public T get() throws InterruptedException, ExecutionException {
            owner.refuseSelfJoin();
            owner.runIfNotStarted(false);
            try {
                return super.get();
            } catch (ExecutionException | CancellationException e) {
                seen();
                throw e;
            }
        }

        @Override
        public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
            owner.runIfNotStarted(true);
            try {
                return super.get(timeout, unit);
            } catch (ExecutionException | CancellationException e) {
                seen();
                throw e;
            }
        }

        @Override
        public T join() {
            owner.refuseSelfJoin();
            owner.runIfNotStarted(false);
            try {
                return super.join();
            } catch (CompletionException | CancellationException e) {
                seen();
                throw e;
            }
        }

        @Override
        public T getNow(T valueIfAbsent) {
            try {
                return super.getNow(valueIfAbsent);
            } catch (CompletionException | CancellationException e) {
                seen();
                throw e;
            }
        }

        @Override
        public CompletableFuture<T> exceptionally(Function<Throwable, ? extends T> fn) {
            seen();
            return super.exceptionally(fn);
        }

        @Override
        public CompletableFuture<T> exceptionallyAsync(Function<Throwable, ? extends T> fn) {
            seen();
            return super.exceptionallyAsync(fn);
        }

        @Override
        public CompletableFuture<T> exceptionallyAsync(Function<Throwable, ? extends T> fn, Executor executor) {
            seen();
            return super.exceptionallyAsync(fn, executor);
        }

        @Override
        public CompletableFuture<T> exceptionallyCompose(Function<Throwable, ? extends CompletionStage<T>> fn) {
            seen();
            return super.exceptionallyCompose(fn);
        }

        @Override
        public CompletableFuture<T> exceptionallyComposeAsync(Function<Throwable, ? extends CompletionStage<T>> fn) {
            seen();
            return super.exceptionallyComposeAsync(fn);
        }

        @Override
        public CompletableFuture<T> exceptionallyComposeAsync(Function<Throwable, ? extends CompletionStage<T>> fn,
                Executor executor) {
            seen();
            return super.exceptionallyComposeAsync(fn, executor);
        }

        @Override
        public <U> CompletableFuture<U> handle(BiFunction<? super T, Throwable, ? extends U> fn) {
            seen();
            return super.handle(fn);
        }

        @Override
        public <U> CompletableFuture<U> handleAsync(BiFunction<? super T, Throwable, ? extends U> fn) {
            seen();
            return super.handleAsync(fn);
        }

        @Override
        public <U> CompletableFuture<U> handleAsync(BiFunction<? super T, Throwable, ? extends U> fn, Executor executor) {
            seen();
            return super.handleAsync(fn, executor);
        }

        @Override
        public CompletableFuture<T> whenComplete(BiConsumer<? super T, ? super Throwable> action) {
            seen();
            return super.whenComplete(action);
        }

        @Override
        public CompletableFuture<T> whenCompleteAsync(BiConsumer<? super T, ? super Throwable> action) {
            seen();
            return super.whenCompleteAsync(action);
        }

        @Override
        public CompletableFuture<T> whenCompleteAsync(BiConsumer<? super T, ? super Throwable> action, Executor executor) {
            seen();
            return super.whenCompleteAsync(action, executor);
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            if (cancelled && root) {
                owner.cancel();
            }
            return cancelled;
        }
    }

    /** Waits for the run to end, whatever the outcome (running it here if no worker has started it). */
    void await() throws InterruptedException {
        runIfNotStarted(false);
        outcome();
    }

    @Nullable Throwable failureCause() {
        return outcome instanceof Failed f ? f.error() : null;
    }

    @Override
    public String toString() {
        return "TaskFuture[" + record + "]";
    }
}
