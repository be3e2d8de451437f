package dev.sluice.scheduler;

import dev.sluice.Flow;
import dev.sluice.Flow0;
import dev.sluice.Task;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/** Flows the scheduler tests deploy. */
final class Flows {
    static final AtomicInteger NOOP_RUNS = new AtomicInteger();
    static final ConcurrentHashMap<String, CountDownLatch> GATES = new ConcurrentHashMap<>();
    static final AtomicInteger RUNNING = new AtomicInteger();
    static final AtomicInteger MAX_RUNNING = new AtomicInteger();

    private Flows() {
    }

    record Report(String city, @Default("7") @Range(min = 1, max = 90) int days) {
    }

    static final Flow<Report, String> REPORT = Flow.of("report", (Report r) -> r.city() + ":" + r.days());

    static final Flow0<Integer> NOOP = Flow.of("noop", () -> NOOP_RUNS.incrementAndGet());

    static final Task<String, String> NAP = Task.of("nap", (String s) -> {
        Thread.sleep(60_000);
        return s;
    });

    /** Sleeps in a task for a minute (until cancelled). */
    static final Flow0<String> SLEEPY = Flow.of("sleepy", () -> NAP.run("x"));

    static final Task<Integer, Integer> STEP = Task.of("step", (Integer i) -> {
        Thread.sleep(300);
        return i;
    });

    /** Five task runs of 300 ms one after the other: about 1.5 s, well inside a worker's grace period. */
    static final Flow0<Integer> BRIEF = Flow.of("brief", () -> {
        int sum = 0;
        for (int i = 0; i < 5; i++) {
            sum += STEP.run(i);
        }
        return sum;
    });

    /** Takes 200 ms. */
    static final Flow0<String> SHORT = Flow.of("short", () -> {
        Thread.sleep(200);
        return "done";
    });

    /** {@link #SLEEPY} with one retry: run again once if its worker dies while running it. */
    static final Flow0<String> SLEEPY_RETRIED = Flow.of("sleepy-retried", () -> NAP.run("y"))
            .withRetries(1, java.time.Duration.ofMillis(10));

    /** Always fails. */
    static final Flow0<String> BROKEN = Flow.of("broken", () -> {
        throw new IllegalStateException("broken on purpose");
    });

    /** Permits {@link #HELD} runs wait for, by key; key + "/stop": permits a cancelled one waits for before it ends. */
    static final ConcurrentHashMap<String, java.util.concurrent.Semaphore> PERMITS = new ConcurrentHashMap<>();
    /** How many {@link #HELD} runs of a key run now, at most at once, and were interrupted. */
    static final ConcurrentHashMap<String, AtomicInteger> HELD_NOW = new ConcurrentHashMap<>();
    static final ConcurrentHashMap<String, AtomicInteger> HELD_MAX = new ConcurrentHashMap<>();
    static final ConcurrentHashMap<String, AtomicInteger> HELD_INTERRUPTED = new ConcurrentHashMap<>();

    static java.util.concurrent.Semaphore permits(String key) {
        return PERMITS.computeIfAbsent(key, k -> new java.util.concurrent.Semaphore(0));
    }

    static AtomicInteger counter(ConcurrentHashMap<String, AtomicInteger> counters, String key) {
        return counters.computeIfAbsent(key, k -> new AtomicInteger());
    }

    /**
     * Runs until a permit of the key (its argument) is released, counting how many of the key run at once;
     * interrupted (cancelled), it ends only when a permit of key + "/stop" is released: a run slow to stop.
     */
    static final Flow<String, String> HELD = Flow.of("held", (String key) -> {
        int now = counter(HELD_NOW, key).incrementAndGet();
        counter(HELD_MAX, key).accumulateAndGet(now, Math::max);
        try {
            try {
                permits(key).acquire();
            } catch (InterruptedException e) {
                counter(HELD_INTERRUPTED, key).incrementAndGet();
                permits(key + "/stop").acquireUninterruptibly();
                throw e;
            }
            return key;
        } finally {
            counter(HELD_NOW, key).decrementAndGet();
        }
    });

    /** Waits for the gate named by its argument, counting how many run at once. */
    static final Flow<String, String> GATED = Flow.of("gated", (String gate) -> {
        int now = RUNNING.incrementAndGet();
        MAX_RUNNING.accumulateAndGet(now, Math::max);
        try {
            GATES.computeIfAbsent(gate, g -> new CountDownLatch(1)).await();
            return gate;
        } finally {
            RUNNING.decrementAndGet();
        }
    });
}
