package dev.sluice.internal;

import java.util.ArrayDeque;

/**
 * Starts submitted task runs on the workers, at most {@code limit} at once (0 = no limit beyond
 * the workers' own). Queued jobs start in submission order as running ones finish; no worker
 * thread ever blocks waiting for a slot.
 */
final class Dispatcher {
    private final java.util.concurrent.Executor executor;
    private final int limit;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private int running;

    Dispatcher(java.util.concurrent.Executor executor, int limit) {
        this.executor = executor;
        this.limit = limit;
    }

    void submit(Runnable job) {
        if (limit == 0) {
            executor.execute(job);
            return;
        }
        synchronized (this) {
            if (running >= limit) {
                queue.addLast(job);
                return;
            }
            running++;
        }
        start(job);
    }

    private void start(Runnable job) {
        executor.execute(() -> {
            try {
                job.run();
            } finally {
                Runnable next;
                synchronized (this) {
                    next = queue.pollFirst();
                    if (next == null) {
                        running--;
                    }
                }
                if (next != null) {
                    start(next);
                }
            }
        });
    }
}
