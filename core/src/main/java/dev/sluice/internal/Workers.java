package dev.sluice.internal;

import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads submitted tasks and timed bodies run on: virtual threads on a JDK that has them
 * (21+), otherwise a bounded pool of daemon threads ({@code sluice.workerThreads}, default 256).
 */
public final class Workers {
    private static final Logger LOG = LoggerFactory.getLogger(Workers.class);
    private static final ExecutorService EXECUTOR = create();

    private Workers() {
    }

    public static ExecutorService executor() {
        return EXECUTOR;
    }

    private static ExecutorService create() {
        try {
            Method m = Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
            ExecutorService virtual = (ExecutorService) m.invoke(null);
            LOG.debug("submitted tasks run on virtual threads");
            return virtual;
        } catch (ReflectiveOperationException | RuntimeException e) {
            int threads = Integer.getInteger("sluice.workerThreads", 256);
            if (threads < 1) {
                throw new IllegalArgumentException("sluice.workerThreads must be >= 1, was " + threads);
            }
            AtomicInteger n = new AtomicInteger();
            ThreadFactory factory = r -> {
                Thread t = new Thread(r, "sluice-worker-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
            ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), factory);
            pool.allowCoreThreadTimeOut(true);
            LOG.debug("submitted tasks run on a pool of up to {} threads", threads);
            return pool;
        }
    }
}
