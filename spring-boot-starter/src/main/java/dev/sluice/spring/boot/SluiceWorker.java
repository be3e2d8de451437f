package dev.sluice.spring.boot;

import dev.sluice.scheduler.Worker;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The worker serving the application's {@link dev.sluice.scheduler.Deployment} beans, tied to the
 * application context's lifecycle: started once the context is refreshed (so every bean the flows use is
 * ready), stopped first when it closes (running runs get the worker's stop grace to finish, then are
 * handed back). Define a bean of this type to replace the one the starter makes.
 */
public final class SluiceWorker implements SmartLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(SluiceWorker.class);

    private final Worker.Builder builder;
    private volatile @Nullable Worker worker;
    /** Told of each worker this lifecycle starts (the starter's metrics bind its history writer). */
    private final List<Consumer<Worker>> whenStarted = new CopyOnWriteArrayList<>();

    private SluiceWorker(Worker.Builder builder) {
        this.builder = builder;
    }

    /** A lifecycle that starts {@code builder}'s worker when the context starts. */
    public static SluiceWorker of(Worker.Builder builder) {
        return new SluiceWorker(Objects.requireNonNull(builder, "builder"));
    }

    /** The running worker; empty before the context has started it and after it stopped. */
    public Optional<Worker> worker() {
        return Optional.ofNullable(worker);
    }

    /** Starts the worker (registering the deployments and the worker in the database). */
    @Override
    public synchronized void start() {
        if (worker == null) {
            Worker started = builder.start();
            worker = started;
            LOG.info("Sluice worker {} started on {}", started.name(), started.history().description());
            whenStarted.forEach(action -> tell(action, started));
        }
    }

    /**
     * Has {@code action} told of the running worker now, if there is one, and of each worker started later (the
     * context stopped and started again makes a new one).
     */
    synchronized void whenStarted(Consumer<Worker> action) {
        whenStarted.add(Objects.requireNonNull(action, "action"));
        Worker w = worker;
        if (w != null) {
            tell(action, w);
        }
    }

    private static void tell(Consumer<Worker> action, Worker started) {
        try {
            action.accept(started);
        } catch (RuntimeException e) {
            LOG.warn("Sluice worker {}: a start action failed: {}", started.name(), e.toString());
        }
    }

    /** Stops the worker gracefully (see {@link Worker#close()}). */
    @Override
    public synchronized void stop() {
        Worker w = worker;
        if (w != null) {
            worker = null;
            w.close();
            LOG.info("Sluice worker {} stopped", w.name());
        }
    }

    @Override
    public boolean isRunning() {
        return worker != null;
    }

    /** The last phase: started after everything else (a web server too), stopped before. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE;
    }

    @Override
    public String toString() {
        Worker w = worker;
        return "SluiceWorker[" + (w != null ? w : "stopped") + "]";
    }
}
