package dev.sluice.spring.boot.internal;

import dev.sluice.history.History;
import dev.sluice.history.HistoryStats;
import dev.sluice.scheduler.Worker;
import dev.sluice.scheduler.WorkerInfo;
import dev.sluice.spring.boot.SluiceWorker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The {@code sluice} health: the run history's writer (DOWN while records were lost within the problem
 * window, OUT_OF_SERVICE while writes failed within it, then UP again), its database (DOWN while it does not
 * answer a look-up within 2 s) and the worker's heartbeat in the database (DOWN when older than the stale limit
 * or unreadable). Details carry counts, names and times,
 * and error messages with the history database's password masked; nothing else secret.
 */
public final class SluiceHealthIndicator implements HealthIndicator {
    private static final String MASK = "**********";

    private final @Nullable History history;
    private final @Nullable SluiceWorker worker;
    private final Duration staleAfter;
    private final Duration window;
    private final Clock clock;
    private final @Nullable String secret;
    private final Map<History, Problems> seen = new IdentityHashMap<>();

    /**
     * An indicator over {@code history} (the runtime's) and {@code worker} (whose own history is checked
     * too), either of which may be absent.
     *
     * @param secret a value to mask wherever it shows up in a message (the history database's password)
     */
    public SluiceHealthIndicator(@Nullable History history, @Nullable SluiceWorker worker, Duration staleAfter,
            Duration window, Clock clock, @Nullable String secret) {
        this.history = history;
        this.worker = worker;
        this.staleAfter = staleAfter;
        this.window = window;
        this.clock = clock;
        this.secret = secret == null || secret.isEmpty() ? null : secret;
    }

    @Override
    public Health health() {
        Instant now = clock.instant();
        Status status = Status.UP;
        Map<String, Object> details = new LinkedHashMap<>();
        // both queries of the database are asked at once and waited for together: with the database down, a check
        // answers within ANSWER_WITHIN, not once per query
        long by = System.nanoTime() + ANSWER_WITHIN.toNanos();
        Optional<Worker> running = worker != null ? worker.worker() : Optional.empty();
        History h = history;
        java.util.concurrent.CompletableFuture<Boolean> look = h != null ? lookup.start(() -> h.flowRun(NO_RUN).isPresent()) : null;
        java.util.concurrent.CompletableFuture<Optional<WorkerInfo>> beat = running.isPresent()
                ? heartbeatRow.start(() -> running.get().client().workers(staleAfter).stream()
                        .filter(i -> i.id().equals(running.get().id())).findFirst())
                : null;
        if (history != null && look != null) {
            status = worst(status, history(history, "history", now, details));
            status = worst(status, reachable(look, by, details));
        } else {
            details.put("history", "off");
        }
        if (worker != null) {
            if (running.isPresent() && beat != null) {
                status = worst(status, worker(running.get(), beat, by, now, details));
                status = worst(status, history(running.get().history(), "workerHistory", now, details));
            } else {
                details.put("worker", "not running");
                status = worst(status, Status.OUT_OF_SERVICE);
            }
        }
        return Health.status(status).withDetails(details).build();
    }

    private Status history(History h, String key, Instant now, Map<String, Object> details) {
        HistoryStats stats = h.stats();
        Problems p;
        synchronized (seen) {
            p = seen.computeIfAbsent(h, x -> new Problems());
            if (stats.lost() > p.lost) {
                p.lostAt = now;
            }
            if (stats.writeFailures() > p.failures) {
                p.failedAt = now;
            }
            p.lost = stats.lost();
            p.failures = stats.writeFailures();
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("database", mask(h.description()));
        d.put("recorded", stats.recorded());
        d.put("written", stats.written());
        d.put("queued", stats.queued());
        d.put("lost", stats.lost());
        d.put("writeFailures", stats.writeFailures());
        if (stats.lastError() != null) {
            d.put("lastError", mask(stats.lastError()));
        }
        Status status = Status.UP;
        if (p.lostAt != null && p.lostAt.plus(window).isAfter(now)) {
            status = Status.DOWN;
            d.put("problem", "records lost at " + p.lostAt);
        } else if (p.failedAt != null && p.failedAt.plus(window).isAfter(now)) {
            status = Status.OUT_OF_SERVICE;
            d.put("problem", "writes failed at " + p.failedAt);
        }
        d.put("status", status.getCode());
        details.put(key, d);
        return status;
    }

    private Status worker(Worker w, java.util.concurrent.CompletableFuture<Optional<WorkerInfo>> beat, long by, Instant now,
            Map<String, Object> details) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", w.id());
        d.put("name", w.name());
        Status status;
        try {
            Optional<WorkerInfo> info = answer(beat, by);
            if (info.isPresent()) {
                d.put("heartbeatAt", info.get().heartbeatAt().toString());
                d.put("running", info.get().running().size());
                status = Status.UP;
            } else {
                d.put("problem", "no heartbeat in the last " + staleAfter);
                status = Status.DOWN;
            }
        } catch (java.util.concurrent.TimeoutException e) {
            d.put("problem", "the database did not answer the heartbeat query within " + ANSWER_WITHIN.toSeconds() + " s");
            status = Status.DOWN;
        } catch (RuntimeException e) {
            d.put("problem", "cannot read the heartbeat: " + mask(String.valueOf(e.getMessage())));
            status = Status.DOWN;
        }
        d.put("status", status.getCode());
        details.put("worker", d);
        return status;
    }

    /** A flow run id no run has: the look-up that asks the history's database for an answer. */
    private static final String NO_RUN = "00000000-0000-0000-0000-000000000000";
    /** The look-up of the history's database. */
    private final Probe<Boolean> lookup = new Probe<>();

    /**
     * Whether the runtime's history database answers a look-up within {@link #ANSWER_WITHIN}: with nothing being
     * recorded (no worker, no runs), the writer's numbers would not show that the database is gone.
     */
    @SuppressWarnings("unchecked")
    private Status reachable(java.util.concurrent.CompletableFuture<Boolean> look, long by, Map<String, Object> details) {
        Map<String, Object> d = (Map<String, Object>) details.get("history");
        try {
            answer(look, by);
            return Status.UP;
        } catch (java.util.concurrent.TimeoutException e) {
            problem(d, "the database did not answer within " + ANSWER_WITHIN.toSeconds() + " s");
        } catch (RuntimeException e) {
            problem(d, "cannot read the database: " + mask(String.valueOf(e.getMessage())));
        }
        d.put("status", Status.DOWN.getCode());
        return Status.DOWN;
    }

    private static void problem(Map<String, Object> details, String problem) {
        Object earlier = details.get("problem");
        details.put("problem", earlier == null ? problem : earlier + "; " + problem);
    }

    private static <T> java.util.concurrent.CompletableFuture<T> async(java.util.function.Supplier<T> query) {
        return java.util.concurrent.CompletableFuture.supplyAsync(query, r -> {
            Thread t = new Thread(r, "sluice-health-check");
            t.setDaemon(true);
            t.start();
        });
    }

    /** What {@code query} answers by {@code by} (a {@link System#nanoTime()}). */
    private static <T> T answer(java.util.concurrent.CompletableFuture<T> query, long by) throws java.util.concurrent.TimeoutException {
        try {
            return query.get(Math.max(0, by - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the database", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /** How long a health check waits for a query of the database: probes time out after a few seconds. */
    static final java.time.Duration ANSWER_WITHIN = java.time.Duration.ofSeconds(2);
    /** The heartbeat query. */
    private final Probe<Optional<WorkerInfo>> heartbeatRow = new Probe<>();

    /**
     * A query of the database run on a thread of its own and waited for at most {@link #ANSWER_WITHIN}: a check while
     * one is still waiting waits for it rather than starting another. The worker's own heartbeat row is read so too:
     * with the database down, the pool would make the probe wait its whole connection timeout.
     */
    private static final class Probe<T> {
        private java.util.concurrent.@Nullable CompletableFuture<T> pending;

        /** The query going on, or {@code query} started. */
        synchronized java.util.concurrent.CompletableFuture<T> start(java.util.function.Supplier<T> query) {
            java.util.concurrent.CompletableFuture<T> going = pending;
            if (going == null || going.isDone()) {
                going = async(query);
                pending = going;
            }
            return going;
        }
    }

    /** {@code text} with the database's password, and every secret revealed in this JVM, masked. */
    private String mask(String text) {
        return dev.sluice.block.Secret.mask(secret != null ? text.replace(secret, MASK) : text);
    }

    private static Status worst(Status a, Status b) {
        return rank(b) > rank(a) ? b : a;
    }

    private static int rank(Status s) {
        if (Status.DOWN.equals(s)) {
            return 3;
        }
        if (Status.OUT_OF_SERVICE.equals(s)) {
            return 2;
        }
        return Status.UP.equals(s) ? 0 : 1;
    }

    private static final class Problems {
        long lost;
        long failures;
        @Nullable Instant lostAt;
        @Nullable Instant failedAt;
    }
}
