package dev.sluice.spring.boot;

import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.spring.boot.internal.SluiceHealthIndicator;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code sluice} health indicator, when the application has Spring Boot's health support
 * ({@code spring-boot-health}, which the actuator brings): DOWN when the run history lost records within
 * {@code sluice.health.problem-window}, its database does not answer a look-up within 2 s, or the worker's
 * heartbeat is older than
 * {@code sluice.health.stale-heartbeat-after}; OUT_OF_SERVICE when history writes failed within the window
 * (records are kept and retried) or the worker is stopped. A bean named {@code sluiceHealthIndicator}
 * replaces it.
 */
@AutoConfiguration(after = SluiceAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
public class SluiceHealthAutoConfiguration {
    /** Created by Spring. */
    public SluiceHealthAutoConfiguration() {
    }

    /** The indicator over the history bean and the worker bean, whichever there are. */
    @Bean
    @ConditionalOnMissingBean(name = "sluiceHealthIndicator")
    public HealthIndicator sluiceHealthIndicator(SluiceProperties properties, ObjectProvider<History> history,
            ObjectProvider<SluiceWorker> worker, ObjectProvider<HistoryDatabase> database) {
        HistoryDatabase db = database.getIfAvailable();
        return new SluiceHealthIndicator(history.getIfAvailable(), worker.getIfAvailable(),
                properties.getHealth().getStaleHeartbeatAfter(), properties.getHealth().getProblemWindow(),
                Clock.systemUTC(), db != null ? db.password().reveal() : null);
    }
}
