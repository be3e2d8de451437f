package dev.sluice.spring.boot;

import dev.sluice.RunRecorder;
import dev.sluice.history.History;
import dev.sluice.micrometer.HistoryMetrics;
import dev.sluice.micrometer.SluiceMetrics;
import dev.sluice.micrometer.WorkerMetrics;
import dev.sluice.scheduler.WorkerListener;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * Binds Sluice to the application's Micrometer {@link MeterRegistry} when {@code sluice-micrometer} is on the class
 * path: the runs of the application's runtime and of the worker as {@code sluice.flow.runs}, {@code sluice.task.runs},
 * retries and cache gets ({@link SluiceMetrics}); the history writer's queue, records written and lost
 * ({@link HistoryMetrics}); and each deployment run's firing lag, {@code sluice.schedule.lag} ({@link WorkerMetrics}).
 * {@code sluice.metrics.enabled=false} turns it off.
 *
 * <p>The recorder and the worker listener are beans ({@code sluiceMetricsRecorder}, {@code sluiceMetricsListener}):
 * the runtime and the worker pick up every {@link RunRecorder} and {@link WorkerListener} bean.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration"})
@ConditionalOnClass({SluiceMetrics.class, MeterRegistry.class})
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnProperty(prefix = "sluice.metrics", name = "enabled", havingValue = "true", matchIfMissing = true)
public class SluiceMetricsAutoConfiguration {
    /** Creates the configuration (Spring calls it). */
    public SluiceMetricsAutoConfiguration() {
    }

    /** Counts and times every run of the runtime and of the worker in {@code registry}. */
    @Bean
    public RunRecorder sluiceMetricsRecorder(MeterRegistry registry) {
        return SluiceMetrics.recorder(registry);
    }

    /** Times each deployment run's firing lag in {@code registry}. */
    @Bean
    public WorkerListener sluiceMetricsListener(MeterRegistry registry) {
        return WorkerMetrics.listener(registry);
    }

    /** Binds the history writer's gauges and counters once every singleton is made. */
    @Bean
    public SmartInitializingSingleton sluiceHistoryMetrics(MeterRegistry registry, ObjectProvider<History> history) {
        return () -> history.ifAvailable(h -> HistoryMetrics.of(h).bindTo(registry));
    }

    /**
     * Binds the worker's own history writer (tag {@code writer=worker}) once the context started the worker, and
     * again for each worker started after it (the context stopped and started again): it writes the runs of
     * deployments, and its queue and losses are watched like the application's.
     */
    @Bean
    public org.springframework.context.ApplicationListener<org.springframework.context.event.ContextRefreshedEvent>
            sluiceWorkerHistoryMetrics(MeterRegistry registry, ObjectProvider<SluiceWorker> worker) {
        java.util.concurrent.atomic.AtomicBoolean bound = new java.util.concurrent.atomic.AtomicBoolean();
        return event -> worker.ifAvailable(w -> {
            if (bound.compareAndSet(false, true)) {
                w.whenStarted(started -> HistoryMetrics.of(started.history()).withWriter("worker").bindTo(registry));
            }
        });
    }
}
