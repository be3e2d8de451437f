package dev.sluice.internal;

import dev.sluice.SluiceException;
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

    TaskFutureImpl(TaskRunRecord record) {
        this.record = record;
    }

    /** Called on the worker thread; false if the run was cancelled before it started. */
    synchronized boolean start() {
        if (cancelled) {
            return false;
        }
        runner = Thread.currentThread();
        return true;
    }

    synchronized void finished() {
        runner = null;
        Thread.interrupted(); // do not leak a late cancel's interrupt into the worker's next job
    }

    @Override
    public @Nullable R join() {
        observed = true;
        try {
            return cast(done.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SluiceException("interrupted while waiting for " + record, e);
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
            throw new SluiceException("interrupted while waiting for " + record, e);
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        } catch (TimeoutException e) {
            throw new SluiceException(record + " still running after waiting " + timeout, e);
        }
    }

    static RuntimeException rethrow(Throwable cause) {
        if (cause instanceof Error error) {
            throw error;
        }
        if (cause instanceof RuntimeException re) {
            return re;
        }
        return new SluiceException("unexpected failure", cause);
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
            t.interrupt(); // under the lock: finished() cannot clear the runner between the read and the interrupt
        }
        return true;
    }

    boolean isCancelled() {
        return cancelled;
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

    /** Waits for the run to end, whatever the outcome. */
    void await() throws InterruptedException {
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
