package dev.sluice.internal;

import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads of one runtime. Submitted tasks run on virtual threads on a JDK that has them (21+),
 * otherwise on a bounded pool of daemon threads ({@code sluice.workerThreads}, default 256), or on
 * the executor the runtime was given. Bodies with a timeout (and hooks) run on a pool of daemon
 * platform threads that grows as needed, on every JDK: a timed body starts at once whatever the
 * task pool holds, and one that ignores interruption and keeps a CPU busy never holds a carrier
 * of the virtual threads its caller waits on, so the caller still wakes at the deadline.
 */
public final class Workers {
    private static final Logger LOG = LoggerFactory.getLogger(Workers.class);

    private final ExecutorService tasks;
    private final boolean ownsTasks;
    private final ExecutorService timed;

    Workers(@Nullable ExecutorService given) {
        ExecutorService virtual = virtualThreads();
        if (given != null) {
            this.tasks = given;
            this.ownsTasks = false;
        } else {
            this.tasks = virtual != null ? virtual : boundedPool();
            this.ownsTasks = true;
        }
        this.timed = growingPool();
    }

    /** Where submitted task runs go. */
    public ExecutorService tasks() {
        return tasks;
    }

    /** Where bodies with a timeout run: never queued behind submitted tasks. */
    public ExecutorService timed() {
        return timed;
    }

    void close() {
        if (ownsTasks) {
            tasks.shutdown();
        }
        timed.shutdown();
    }

    private static @Nullable ExecutorService virtualThreads() {
        try {
            Method m = Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
            return (ExecutorService) m.invoke(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static ThreadFactory daemons(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static ExecutorService boundedPool() {
        int threads = Limits.intProperty("sluice.workerThreads", 256, 100_000,
                "how many threads run submitted tasks (on JDK 17; JDK 21 and later use virtual threads)");
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), daemons("sluice-worker-"));
        pool.allowCoreThreadTimeOut(true);
        LOG.debug("submitted tasks run on a pool of up to {} threads", threads);
        return pool;
    }

    private static ExecutorService growingPool() {
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                daemons("sluice-timed-")) {
            @Override
            protected void afterExecute(Runnable job, Throwable error) {
                // a timed body or hook that left entries in the MDC: not seen by the thread's next job
                RunLogger.Mdc.reset(null);
            }
        };
    }
}
