package dev.sluice.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Starts a flow's submitted task runs on the workers, at most {@code limit} at once (0 = no limit
 * beyond the workers' own), in submission order; no worker thread ever blocks waiting for a slot.
 *
 * <p>Jobs wait in the dispatcher's own queue, and the workers run "pumps" that take one job after
 * another from it, rather than one worker job per run: a million quick runs then cost a million
 * queue offers, not a million hand-offs to a pool (each a lock and a wake-up). There are at most as
 * many pumps as runs may go at once (the limit, else the pool's size; one per job on an executor of
 * unknown size, such as virtual threads), and a pump goes back to the executor's queue after a batch,
 * so the flows sharing a pool take turns.
 */
final class Dispatcher {
    /** Jobs a pump runs before it lets the other work queued on the executor go first. */
    private static final int BATCH = 64;

    private final Executor executor;
    private final int limit;
    private final int maxPumps;
    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pumps = new AtomicInteger();
    private final Runnable pump = this::pump;

    Dispatcher(Executor executor, int limit) {
        this.executor = executor;
        this.limit = limit;
        int parallelism = executor instanceof ThreadPoolExecutor pool ? pool.getMaximumPoolSize()
                : executor instanceof ForkJoinPool pool ? pool.getParallelism() : Integer.MAX_VALUE;
        this.maxPumps = limit > 0 ? Math.min(limit, parallelism) : parallelism;
    }

    void submit(Runnable job) {
        queue.offer(job);
        startPump();
    }

    /** Starts one more pump if fewer than the most run. */
    private void startPump() {
        int n;
        while ((n = pumps.get()) < maxPumps) {
            if (pumps.compareAndSet(n, n + 1)) {
                try {
                    executor.execute(pump);
                } catch (RejectedExecutionException e) {
                    pumps.decrementAndGet();
                    throw e;
                }
                return;
            }
        }
    }

    /**
     * Whether a run joining a queued job of this dispatcher may run it itself: always without a
     * bound; with one, only a run that holds one of its slots ({@code held}, from the joining run's
     * frame, whichever thread its body is on): it lends its slot while it waits, so the bound holds
     * and a job waiting on a queued job never deadlocks the slots.
     */
    boolean mayRunInline(@Nullable Dispatcher held) {
        return limit == 0 || held == this;
    }

    private void pump() {
        try {
            for (int done = 0; ; done++) {
                if (done == BATCH) {
                    if (requeue()) {
                        return; // keeps its place among the pumps, at the back of the executor's queue
                    }
                    done = 0; // the executor takes no more jobs (its runtime closed): the jobs queued run here
                }
                Runnable job = queue.poll();
                if (job == null) {
                    pumps.decrementAndGet();
                    // a job offered after the poll may have found all pumps busy and started none
                    if (queue.isEmpty() || !rejoin()) {
                        return;
                    }
                    continue;
                }
                try {
                    job.run();
                } catch (RuntimeException e) {
                    // a job reports its own outcome (on its future); nothing to do here
                }
            }
        } catch (Error e) {
            pumps.decrementAndGet();
            startPumpIfQueued();
            throw e;
        }
    }

    /** Puts this pump at the back of the executor's queue; false if the executor takes no more. */
    private boolean requeue() {
        try {
            executor.execute(pump);
            return true;
        } catch (RejectedExecutionException closing) {
            return false;
        }
    }

    private void startPumpIfQueued() {
        if (!queue.isEmpty()) {
            startPump();
        }
    }

    /** Takes a pump's place again, if there is one free. */
    private boolean rejoin() {
        int n;
        while ((n = pumps.get()) < maxPumps) {
            if (pumps.compareAndSet(n, n + 1)) {
                return true;
            }
        }
        return false;
    }
}
