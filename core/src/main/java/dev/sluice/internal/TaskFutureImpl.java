package dev.sluice.internal;

import dev.sluice.TaskFutureException;
import dev.sluice.TaskFuture;
import dev.sluice.TaskRun;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/** A submitted task run's future. */
public final class TaskFutureImpl<R> implements TaskFuture<R> {
    final TaskRunRecord record;
    final CompletableFuture<@Nullable Object> done = new CompletableFuture<>();
    private volatile @Nullable Thread runner;
    private volatile boolean cancelled;
    volatile boolean observed;
    /** What the run does, set once before the future is handed out. */
    @Nullable Runnable body;
    private final java.util.concurrent.atomic.AtomicBoolean claimed = new java.util.concurrent.atomic.AtomicBoolean();

    TaskFutureImpl(TaskRunRecord record) {
        this.record = record;
    }

    /** The job a worker runs: the body, unless a joining thread has already taken it. */
    void runOnWorker() {
        if (claimed.compareAndSet(false, true)) {
            runHere(true);
        }
    }

    /**
     * Runs the body on the calling thread if no worker has started it yet: so a thread that waits
     * for a queued run never waits on a pool that may be full of such waiters (no deadlock).
     */
    private boolean runIfNotStarted() {
        if (claimed.get() || !claimed.compareAndSet(false, true)) {
            return false;
        }
        runHere(false);
        return true;
    }

    private void runHere(boolean onWorker) {
        synchronized (this) {
            runner = Thread.currentThread();
        }
        boolean wasInterrupted = !onWorker && Thread.interrupted();
        try {
            Runnable b = body;
            if (b != null) {
                b.run();
            }
        } finally {
            synchronized (this) {
                runner = null;
                Thread.interrupted(); // do not leak a late cancel's interrupt into the thread's next job
            }
            if (wasInterrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    boolean isCancelled() {
        return cancelled;
    }

    @Override
    public @Nullable R join() {
        observed = true;
        try {
            return cast(done.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TaskFutureException("interrupted while waiting for " + record, e);
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        }
    }

    @Override
    public @Nullable R join(Duration timeout) {
        observed = true;
        try {
            return cast(done.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TaskFutureException("interrupted while waiting for " + record, e);
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        } catch (TimeoutException e) {
            throw new TaskFutureException(record + " still running after waiting " + timeout, e);
        }
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

    @SuppressWarnings("unchecked")
    private static <R> @Nullable R cast(@Nullable Object o) {
        return (R) o;
    }

    @Override
    public TaskRun run() {
        return record;
    }

    @Override
    public boolean isDone() {
        return done.isDone();
    }

    @Override
    public synchronized boolean cancel() {
        if (done.isDone()) {
            return false;
        }
        cancelled = true;
        Thread t = runner;
        if (t != null) {
            t.interrupt(); // under the lock: runHere cannot clear the runner between the read and the interrupt
        }
        return true;
    }

    /** Failed and nobody joined it: the flow must not end as if all went well. */
    boolean failedUnobserved() {
        return !observed && done.isCompletedExceptionally();
    }

    @Override
    public CompletableFuture<R> toCompletableFuture() {
        observed = true;
        return done.thenApply(TaskFutureImpl::cast);
    }

    /** Waits for the run to end, whatever the outcome (running it here if no worker has started it). */
    void await() throws InterruptedException {
        runIfNotStarted();
        try {
            done.get();
        } catch (ExecutionException e) {
            // the outcome is in the record
        }
    }

    @Nullable Throwable failureCause() {
        if (!done.isCompletedExceptionally()) {
            return null;
        }
        try {
            done.getNow(null);
            return null;
        } catch (java.util.concurrent.CompletionException e) {
            return e.getCause();
        } catch (java.util.concurrent.CancellationException e) {
            return e;
        }
    }

    @Override
    public String toString() {
        return "TaskFuture[" + record + "]";
    }
}
