package dev.sluice.micrometer.internal;

import dev.sluice.Run;
import dev.sluice.RunRecorder;
import dev.sluice.State;
import dev.sluice.StateChange;
import dev.sluice.TaskRun;
import dev.sluice.micrometer.SluiceMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;

/** The recorder behind {@link SluiceMetrics#recorder}: meters per definition name, made on first use. */
public final class MetricsRecorder implements RunRecorder {
    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Meters> flows = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Meters> tasks = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicBoolean warned = new java.util.concurrent.atomic.AtomicBoolean();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SluiceMetrics.class);

    public MetricsRecorder(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void stateChanged(Run run, StateChange change) {
        State state = change.state();
        if (state == State.RUNNING) {
            return; // an attempt starts: nothing is counted
        }
        boolean task = run instanceof TaskRun;
        String name = run.definitionName();
        Meters m = (task ? tasks : flows).get(name);
        if (m == null) {
            m = meters(task, name);
        }
        switch (state) {
            case PENDING, SCHEDULED -> m.started.increment();
            case RETRYING -> m.retries.increment();
            default -> {
                m.ended(state).record(nanosSinceStart(run, change.at()), TimeUnit.NANOSECONDS);
                if (task) {
                    if (state == State.CACHED) {
                        m.cacheHit().increment();
                    } else if (state == State.COMPLETED && ((TaskRun) run).cacheKey().isPresent()) {
                        m.cacheMiss().increment();
                    }
                }
            }
        }
    }

    /** The meters of a name seen for the first time: its own, or past the cap those of {@link SluiceMetrics#OTHER_NAME}. */
    private Meters meters(boolean task, String name) {
        ConcurrentHashMap<String, Meters> all = task ? tasks : flows;
        if (all.size() >= SluiceMetrics.MAX_NAMES && !all.containsKey(name)) {
            if (warned.compareAndSet(false, true)) {
                LOG.warn("{} met more than {} distinct flow or task names (names made from data?); the runs of further"
                        + " names are counted under the name '{}'", this, SluiceMetrics.MAX_NAMES, SluiceMetrics.OTHER_NAME);
            }
            name = SluiceMetrics.OTHER_NAME;
            Meters other = all.get(name);
            if (other != null) {
                return other;
            }
        }
        return all.computeIfAbsent(name, n -> new Meters(registry, task, n));
    }

    private static long nanosSinceStart(Run run, Instant end) {
        Instant start = run.startTime().orElse(end);
        long nanos = (end.getEpochSecond() - start.getEpochSecond()) * 1_000_000_000L + (end.getNano() - start.getNano());
        return Math.max(0, nanos);
    }

    @Override
    public String toString() {
        return "SluiceMetrics[" + registry.getClass().getSimpleName() + "]";
    }

    /** The meters of one flow or task; the ones by state made on first use. */
    private static final class Meters {
        final MeterRegistry registry;
        final boolean task;
        final String name;
        final Counter started;
        final Counter retries;
        final AtomicReferenceArray<Timer> ended = new AtomicReferenceArray<>(State.values().length);
        volatile @Nullable Counter hit;
        volatile @Nullable Counter miss;

        Meters(MeterRegistry registry, boolean task, String name) {
            this.registry = registry;
            this.task = task;
            this.name = name;
            String tag = task ? "task" : "flow";
            this.started = Counter.builder(task ? SluiceMetrics.TASK_RUNS_STARTED : SluiceMetrics.FLOW_RUNS_STARTED)
                    .description(task ? "Task runs made" : "Flow runs made").tag(tag, name).register(registry);
            this.retries = Counter.builder(task ? SluiceMetrics.TASK_RETRIES : SluiceMetrics.FLOW_RETRIES)
                    .description(task ? "Failed task attempts that were retried" : "Failed flow attempts that were retried")
                    .tag(tag, name).register(registry);
        }

        Timer ended(State state) {
            Timer t = ended.get(state.ordinal());
            if (t == null) {
                t = Timer.builder(task ? SluiceMetrics.TASK_RUNS : SluiceMetrics.FLOW_RUNS)
                        .description(task ? "Task runs ended, by state, from first start to end"
                                : "Flow runs ended, by state, from first start to end")
                        .tag(task ? "task" : "flow", name).tag("state", state.name())
                        .publishPercentileHistogram()
                        .register(registry);
                ended.set(state.ordinal(), t);
            }
            return t;
        }

        Counter cacheHit() {
            Counter c = hit;
            if (c == null) {
                c = cache("hit");
                hit = c;
            }
            return c;
        }

        Counter cacheMiss() {
            Counter c = miss;
            if (c == null) {
                c = cache("miss");
                miss = c;
            }
            return c;
        }

        private Counter cache(String result) {
            return Counter.builder(SluiceMetrics.TASK_CACHE_GETS)
                    .description("Runs of cached tasks: hits returned a stored result, misses computed it")
                    .tag("task", name).tag("result", result).register(registry);
        }
    }
}
